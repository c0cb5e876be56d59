//! `kill -9` in the middle of a bulk invitation, on PostgreSQL.
//!
//! Each address of an invitation request is its own transaction (membership,
//! token, outbox email, audit event and webhook delivery: DESIGN invariants
//! 4 and 5), so a crash may leave a request half done, but never an
//! invitation half made; and every invitation that was committed has its
//! email and its webhook event delivered once a restarted instance's
//! workers run.

mod support;

use std::{
    collections::{HashMap, HashSet},
    time::Duration,
};

use chrono::Utc;
use domain::WebhookSettings;
use reqwest::{StatusCode, header};
use serde_json::Value;
use sqlx::{PgPool, postgres::PgPoolOptions};
use store::{Actor, NewWebhookEndpoint};
use support::{
    SUPPORT_PASSWORD, create_organization, create_user,
    processes::{Mail, Maildev, RosterProcess, database_url, wait_until},
    webhooks::{Receiver, verified},
};
use testkit::{Backend, TestDatabase};

const ORGANIZATIONS: [&str; 3] = ["Acme", "Globex", "Initech"];
/// Addresses per request. Enough for the kill to land mid-way (each takes
/// a few milliseconds), few enough that delivering them all stays quick:
/// the worker sends about 15 emails a second to maildev.
const INVITEES: usize = 40;
/// Invitations committed before the kill: well under way, far from done.
const KILL_AFTER: i64 = 15;

fn slugs() -> impl Iterator<Item = String> {
    ORGANIZATIONS.iter().map(|name| name.to_lowercase())
}

fn invitees(slug: &str) -> Vec<String> {
    (0..INVITEES).map(|i| format!("person{i}@{slug}.example")).collect()
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn invited(pool: &PgPool) -> i64 {
    count(pool, "SELECT COUNT(*) FROM organization_members WHERE status = 'invited'").await
}

/// Every invitation is whole: an invited membership has exactly one
/// invitation token, one outbox email and one audit event, and none of
/// those exists without it; no account was left behind by an invitation
/// that did not happen.
async fn assert_no_half_made_invitation(pool: &PgPool) {
    const CHECKS: [(&str, &str); 7] = [
        (
            "invited memberships without exactly one invitation token",
            "SELECT COUNT(*) FROM organization_members m WHERE m.status = 'invited' AND
               (SELECT COUNT(*) FROM tokens t WHERE t.kind = 'invitation'
                  AND t.user_id = m.user_id AND t.organization_id = m.organization_id) <> 1",
        ),
        (
            "invitation tokens without an invited membership",
            "SELECT COUNT(*) FROM tokens t WHERE t.kind = 'invitation' AND NOT EXISTS
               (SELECT 1 FROM organization_members m WHERE m.status = 'invited'
                  AND m.user_id = t.user_id AND m.organization_id = t.organization_id)",
        ),
        (
            "invited memberships without exactly one outbox email",
            "SELECT COUNT(*) FROM organization_members m JOIN users u ON u.id = m.user_id
             WHERE m.status = 'invited' AND
               (SELECT COUNT(*) FROM email_outbox e
                 WHERE e.recipient = u.email AND e.organization_id = m.organization_id) <> 1",
        ),
        (
            "outbox emails without an invited membership",
            "SELECT COUNT(*) FROM email_outbox e WHERE NOT EXISTS
               (SELECT 1 FROM organization_members m JOIN users u ON u.id = m.user_id
                 WHERE m.status = 'invited' AND u.email = e.recipient AND m.organization_id = e.organization_id)",
        ),
        (
            "invited memberships without exactly one audit event",
            "SELECT COUNT(*) FROM organization_members m WHERE m.status = 'invited' AND
               (SELECT COUNT(*) FROM audit_events a WHERE a.action = 'member.invited'
                  AND a.target_user_id = m.user_id AND a.organization_id = m.organization_id) <> 1",
        ),
        (
            "invitation audit events without an invited membership",
            "SELECT COUNT(*) FROM audit_events a WHERE a.action = 'member.invited' AND NOT EXISTS
               (SELECT 1 FROM organization_members m WHERE m.status = 'invited'
                  AND m.user_id = a.target_user_id AND m.organization_id = a.organization_id)",
        ),
        (
            "accounts that belong to no organization",
            "SELECT COUNT(*) FROM users u WHERE NOT u.is_super_admin AND NOT EXISTS
               (SELECT 1 FROM organization_members m WHERE m.user_id = u.id)",
        ),
    ];
    for (what, sql) in CHECKS {
        assert_eq!(count(pool, sql).await, 0, "{what}");
    }
}

/// Waits until the outbox is empty of unsent mail, then checks that each
/// invited address received exactly one email, whose link is its own
/// invitation's (the token's hash is the one stored for that membership).
async fn assert_each_invitation_delivered_once(pool: &PgPool, maildev: &Maildev) {
    wait_until(Duration::from_secs(90), "the outbox to be delivered", || async {
        count(pool, "SELECT COUNT(*) FROM email_outbox WHERE status <> 'sent'").await == 0
    })
    .await;
    let stored: Vec<(String, String)> = sqlx::query_as(
        "SELECT u.email, t.token_hash FROM organization_members m
           JOIN users u ON u.id = m.user_id
           JOIN tokens t ON t.kind = 'invitation' AND t.user_id = m.user_id AND t.organization_id = m.organization_id
          WHERE m.status = 'invited'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut received: HashMap<String, Vec<Mail>> = HashMap::new();
    for mail in maildev.emails().await {
        assert_eq!(mail.to.len(), 1, "{mail:?}");
        received.entry(mail.to[0].clone()).or_default().push(mail);
    }
    assert_eq!(received.len(), stored.len(), "one recipient per invitation");
    for (address, token_hash) in &stored {
        let mails = received.get(address).map(Vec::as_slice).unwrap_or_default();
        assert_eq!(mails.len(), 1, "emails received by {address}");
        let token = mails[0]
            .text
            .split_once("/invite?token=")
            .and_then(|(_, rest)| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("no invitation link in {:?}", mails[0]));
        assert_eq!(&app::ssr::tokens::hash(token), token_hash, "the link sent to {address}");
    }
}

/// Every committed invitation has exactly one webhook delivery, queued in
/// its transaction, which names that person and organization; no delivery
/// exists without its invitation.
async fn assert_one_webhook_event_per_invitation(pool: &PgPool) {
    let about = "CAST(d.payload AS jsonb) -> 'data'";
    let checks = [
        (
            "invitation audit events without exactly one webhook delivery",
            format!(
                "SELECT COUNT(*) FROM audit_events a WHERE a.action = 'member.invited' AND
                   (SELECT COUNT(*) FROM webhook_deliveries d WHERE d.event_type = 'member.invited'
                      AND {about} -> 'user' ->> 'id' = CAST(a.target_user_id AS TEXT)
                      AND {about} -> 'organization' ->> 'id' = CAST(a.organization_id AS TEXT)) <> 1"
            ),
        ),
        (
            "webhook deliveries without an invitation",
            format!(
                "SELECT COUNT(*) FROM webhook_deliveries d WHERE NOT EXISTS
                   (SELECT 1 FROM organization_members m WHERE m.status = 'invited'
                      AND {about} -> 'user' ->> 'id' = CAST(m.user_id AS TEXT)
                      AND {about} -> 'organization' ->> 'id' = CAST(m.organization_id AS TEXT))"
            ),
        ),
    ];
    for (what, sql) in checks {
        assert_eq!(count(pool, &sql).await, 0, "{what}");
    }
}

/// Waits until every webhook delivery is delivered, then checks that the
/// receiver got each message id, signed (verified by npm's
/// `standardwebhooks`). A worker killed between posting and recording may
/// post a message again once its lease ends: the receiver then sees the
/// same `webhook-id` twice, which Standard Webhooks receivers deduplicate.
async fn assert_each_webhook_event_delivered(pool: &PgPool, receiver: &Receiver, secret: &str) {
    wait_until(Duration::from_secs(120), "the webhook deliveries to be delivered", || async {
        count(pool, "SELECT COUNT(*) FROM webhook_deliveries WHERE delivered_at IS NULL").await == 0
    })
    .await;
    let stored: HashSet<String> = sqlx::query_scalar("SELECT id FROM webhook_deliveries")
        .fetch_all(pool)
        .await
        .unwrap()
        .into_iter()
        .collect();
    let accepted = receiver.accepted();
    let received: HashSet<String> = accepted.iter().map(|r| r.headers["webhook-id"].clone()).collect();
    assert_eq!(received, stored, "each queued event reached the receiver");
    assert_eq!(verified(secret, &accepted).len(), accepted.len());
}

/// Sends the invitation requests for every organization at once, each
/// carrying [`INVITEES`] addresses, as `session` (a raw client: the server
/// may die under them).
fn invite_everyone(
    base: &str,
    session: &str,
) -> Vec<tokio::task::JoinHandle<Result<(StatusCode, String), reqwest::Error>>> {
    slugs()
        .map(|slug| {
            let url = format!("{base}/api/invite_members");
            let cookie = format!("roster_session={session}");
            let emails = invitees(&slug).join("\n");
            tokio::spawn(async move {
                let response = reqwest::Client::new()
                    .post(url)
                    .header(header::COOKIE, cookie)
                    .form(&[("slug", slug.as_str()), ("emails", &emails), ("role", "viewer")])
                    .timeout(Duration::from_secs(60))
                    .send()
                    .await?;
                let status = response.status();
                Ok((status, response.text().await?))
            })
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_mid_invitation_leaves_whole_invitations_and_loses_no_email() {
    let db = TestDatabase::new(Backend::Postgres).await;
    let store = db.store().await;
    // One connection, so that the test's own backends are known (below).
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .connect(&database_url(&db))
        .await
        .expect("connect to the test database");
    create_user(&*store, "root@example.com", SUPPORT_PASSWORD, true).await;
    for name in ORGANIZATIONS {
        create_organization(&*store, name).await;
    }
    let ours: Vec<i32> = sqlx::query_scalar(
        "SELECT pid FROM pg_stat_activity
          WHERE datname = current_database() AND backend_type = 'client backend'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    let maildev = Maildev::start().await;
    let total = (ORGANIZATIONS.len() * INVITEES) as i64;
    // An installation-wide webhook endpoint hears every invitation; it is up
    // throughout, so the first instance delivers some events before it dies.
    let receiver = Receiver::start().await;
    let secret = app::ssr::webhooks::new_secret();
    let endpoint = NewWebhookEndpoint {
        organization_id: None,
        settings: WebhookSettings::parse(&receiver.url, "Crash test", &["member.invited".to_owned()])
            .unwrap(),
        secret: secret.clone(),
    };
    store.create_webhook(endpoint, Actor::system(), Utc::now()).await.unwrap();

    // The first instance has no SMTP: the crash is meant to land in the
    // invitations' transactions. (A worker killed after sending but before
    // recording it would send that email again when its lease ends, two
    // minutes later: delivery is at least once, see SECURITY.md.)
    let mut first = RosterProcess::start(&db, None).await;
    let mut root = first.browser();
    assert_eq!(root.sign_in("root@example.com", SUPPORT_PASSWORD).await.status, StatusCode::OK);
    let session = root.session.clone().expect("a session");
    let requests = invite_everyone(&first.base, &session);
    let start = std::time::Instant::now();
    while invited(&pool).await < KILL_AFTER {
        assert!(start.elapsed() < Duration::from_secs(60), "the invitations never got under way");
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
    first.kill();
    // PostgreSQL still finishes a COMMIT it had received when the process
    // died: count only once every backend of the killed instance is gone.
    wait_until(Duration::from_secs(30), "the killed instance's database sessions to end", || async {
        sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname = current_database()
               AND backend_type = 'client backend' AND NOT (pid = ANY($1))",
        )
        .bind(&ours)
        .fetch_one(&pool)
        .await
        .unwrap()
            == 0
    })
    .await;
    for request in requests {
        let answer = request.await.expect("the request task");
        assert!(
            !matches!(&answer, Ok((status, _)) if status.is_success()),
            "a request finished before the kill: {answer:?}"
        );
    }
    let committed = invited(&pool).await;
    eprintln!("killed with {committed} of {total} invitations committed");
    assert!(KILL_AFTER <= committed && committed < total, "killed mid-way: {committed} of {total}");
    assert_no_half_made_invitation(&pool).await;
    assert_one_webhook_event_per_invitation(&pool).await;

    // The restarted instance delivers every committed invitation, once, and
    // every webhook event.
    let second = RosterProcess::start(&db, Some(&maildev.smtp_url)).await;
    assert_each_invitation_delivered_once(&pool, &maildev).await;
    assert_each_webhook_event_delivered(&pool, &receiver, &secret).await;

    // The admin's session survived the crash (it lives in the database);
    // sending the same requests again invites exactly the rest.
    let mut repeated = 0;
    for request in invite_everyone(&second.base, &session) {
        let (status, body) = request.await.expect("the request task").expect("the restarted Roster answers");
        assert_eq!(status, StatusCode::OK, "{body}");
        let report: Value = serde_json::from_str(&body).unwrap();
        let invited = report["invited"].as_array().unwrap().len();
        let already = report["already_invited"].as_array().unwrap().len();
        assert_eq!(invited + already, INVITEES, "{body}");
        repeated += already;
    }
    assert_eq!(repeated as i64, committed, "the committed invitations were recognised");
    assert_eq!(invited(&pool).await, total);
    assert_no_half_made_invitation(&pool).await;
    assert_one_webhook_event_per_invitation(&pool).await;
    assert_each_invitation_delivered_once(&pool, &maildev).await;
    assert_each_webhook_event_delivered(&pool, &receiver, &secret).await;

    drop(second);
    pool.close().await;
    db.remove().await;
}
