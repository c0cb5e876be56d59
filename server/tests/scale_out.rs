//! Two `roster` processes on one PostgreSQL database, as a scaled-out
//! deployment runs them (DESIGN §4): any instance serves any request, a
//! suspension takes effect on every instance (invariant 2), and the two
//! outbox workers together send each email once (invariant 5), to a real
//! SMTP server.

mod support;

use std::{collections::HashMap, time::Duration};

use reqwest::StatusCode;
use sqlx::PgPool;
use support::{
    SUPPORT_PASSWORD, create_organization, create_user,
    processes::{Maildev, RosterProcess, database_url, wait_until},
};
use testkit::{Backend, TestDatabase};

const ORGANIZATIONS: [&str; 2] = ["Acme", "Globex"];
/// Addresses per organization: enough for ten batches of claims to race
/// for, few enough to deliver in seconds.
const INVITEES: usize = 50;

fn invitees(slug: &str) -> Vec<String> {
    (0..INVITEES).map(|i| format!("person{i}@{slug}.example")).collect()
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_share_sessions_suspensions_and_the_outbox() {
    let db = TestDatabase::new(Backend::Postgres).await;
    let store = db.store().await;
    let pool = PgPool::connect(&database_url(&db)).await.expect("connect to the test database");
    create_user(&*store, "root@example.com", SUPPORT_PASSWORD, true).await;
    let grace = create_user(&*store, "grace@example.com", SUPPORT_PASSWORD, false).await;
    for name in ORGANIZATIONS {
        create_organization(&*store, name).await;
    }
    let maildev = Maildev::start().await;

    // The mail to send: two invitation requests, queued by an instance
    // without SMTP, so that both workers below start with all of it due and
    // race for it from their first round.
    {
        let quiet = RosterProcess::start(&db, None).await;
        let mut admin = quiet.browser();
        assert_eq!(admin.sign_in("root@example.com", SUPPORT_PASSWORD).await.status, StatusCode::OK);
        for slug in ["acme", "globex"] {
            let emails = invitees(slug).join("\n");
            let answer = admin
                .call("invite_members", &[("slug", slug), ("emails", &emails), ("role", "viewer")])
                .await;
            assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        }
    }
    let queued = (ORGANIZATIONS.len() * INVITEES) as i64;
    assert_eq!(count(&pool, "SELECT COUNT(*) FROM email_outbox WHERE status = 'queued'").await, queued);

    let (a, b) = tokio::join!(
        RosterProcess::start(&db, Some(&maildev.smtp_url)),
        RosterProcess::start(&db, Some(&maildev.smtp_url))
    );

    // A session made on one instance works on the other.
    let mut grace_on_a = a.browser();
    assert_eq!(grace_on_a.sign_in("grace@example.com", SUPPORT_PASSWORD).await.status, StatusCode::OK);
    let mut grace_on_b = b.browser();
    grace_on_b.session = grace_on_a.session.clone();
    assert_eq!(grace_on_b.whoami().await.as_deref(), Some("grace@example.com"));
    assert_eq!(grace_on_b.get("/").await.status, StatusCode::OK);

    // A suspension made through one instance ends the session on the other
    // at its very next request, and sign-in there is refused.
    let mut root_on_b = b.browser();
    assert_eq!(root_on_b.sign_in("root@example.com", SUPPORT_PASSWORD).await.status, StatusCode::OK);
    let grace_id = grace.id.to_string();
    let suspended = root_on_b
        .call("set_account_suspended", &[("user_id", &grace_id), ("suspended", "true"), ("reason", "")])
        .await;
    assert_eq!(suspended.status, StatusCode::OK, "{}", suspended.body);
    assert_eq!(grace_on_a.get("/").await.status, StatusCode::SEE_OTHER, "the very next request, on A");
    assert_eq!(grace_on_a.whoami().await, None);
    let again = a.browser().sign_in("grace@example.com", SUPPORT_PASSWORD).await;
    assert_eq!(again.status, StatusCode::FORBIDDEN, "{}", again.body);

    // Each email is sent exactly once while both workers run.
    wait_until(Duration::from_secs(90), "the outbox to be delivered", || async {
        count(&pool, "SELECT COUNT(*) FROM email_outbox WHERE status <> 'sent'").await == 0
    })
    .await;
    // A doubly claimed email would be sent by both workers at about the same
    // time; give a late duplicate the time to arrive.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let mut received: HashMap<String, usize> = HashMap::new();
    for mail in maildev.emails().await {
        assert_eq!(mail.to.len(), 1, "{mail:?}");
        *received.entry(mail.to[0].clone()).or_default() += 1;
    }
    let expected: Vec<String> = ["acme", "globex"].iter().flat_map(|slug| invitees(slug)).collect();
    for address in &expected {
        assert_eq!(received.get(address), Some(&1), "emails received by {address}");
    }
    assert_eq!(received.len(), expected.len(), "nobody else got mail: {received:?}");
    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM email_outbox WHERE attempts <> 1").await,
        0,
        "every email claimed once"
    );
    let (sent_by_a, sent_by_b) = (a.emails_sent(), b.emails_sent());
    eprintln!("emails sent: {sent_by_a} by instance A, {sent_by_b} by instance B");
    assert_eq!(sent_by_a + sent_by_b, expected.len());
    assert!(sent_by_a > 0 && sent_by_b > 0, "both workers took part: A sent {sent_by_a}, B {sent_by_b}");

    drop((a, b));
    pool.close().await;
    db.remove().await;
}
