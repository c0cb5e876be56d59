//! Invitations and the email outbox, on both databases.

use std::{collections::HashSet, sync::Arc};

use chrono::{Duration, Utc};
use domain::{DisplayName, Email, MembershipStatus, OrganizationName, Role, Slug};
use store::{
    Actor, InvitationFilter, InviteOutcome, NewCredentials, NewEmail, NewInvitation, OutboxStatus, Store,
    StoreError, TokenProblem,
};
use testkit::{TestDatabase, on_both_databases};

async fn organization(store: &Arc<dyn Store>, name: &str) -> i64 {
    let name = OrganizationName::parse(name).unwrap();
    let slug = Slug::from_name(name.as_str()).unwrap();
    store.create_organization(&slug, &name, Actor::system(), Utc::now()).await.unwrap().id
}

fn invitation(organization_id: i64, email: &str, token: &str) -> NewInvitation {
    NewInvitation {
        organization_id,
        email: Email::parse(email).unwrap(),
        role: Role::Editor,
        token_hash: token.to_owned(),
        expires_at: Utc::now() + Duration::days(7),
        mail: mail(email),
    }
}

fn mail(to: &str) -> NewEmail {
    NewEmail {
        recipient: to.into(),
        subject: "Join".into(),
        body_text: "link".into(),
        body_html: "<p>link</p>".into(),
    }
}

fn credentials() -> Option<NewCredentials> {
    Some(NewCredentials {
        name: DisplayName::parse("Ada").unwrap(),
        password_hash: "$argon2id$stand-in".into(),
    })
}

async fn an_invitation_writes_membership_token_and_email_together(db: &TestDatabase) {
    let store = db.store().await;
    let acme = organization(&store, "Acme").await;
    let outcome =
        store.invite(invitation(acme, "ada@example.com", "t1"), Actor::system(), Utc::now()).await.unwrap();
    assert_eq!(outcome, InviteOutcome::Invited);

    let pending = store.pending_invitations(acme, 100).await.unwrap();
    assert_eq!(
        (pending.len(), pending[0].email.as_str(), pending[0].role),
        (1, "ada@example.com", Role::Editor)
    );
    let outbox = store.list_outbox(10, 0).await.unwrap();
    assert_eq!((outbox.total, outbox.items[0].status), (1, OutboxStatus::Queued));
    let found = store.find_invitation("t1").await.unwrap().unwrap();
    assert!(!found.has_password);
    assert_eq!(found.organization_slug, "acme");

    let again =
        store.invite(invitation(acme, "ADA@example.com", "t2"), Actor::system(), Utc::now()).await.unwrap();
    assert_eq!(again, InviteOutcome::AlreadyInvited);
    assert_eq!(store.list_outbox(10, 0).await.unwrap().total, 1, "no second email");
}
on_both_databases!(an_invitation_writes_membership_token_and_email_together);

async fn accepting_is_single_use_and_cannot_take_over_an_account(db: &TestDatabase) {
    let store = db.store().await;
    let acme = organization(&store, "Acme").await;
    store.invite(invitation(acme, "ada@example.com", "t1"), Actor::system(), Utc::now()).await.unwrap();

    let accepted = store.accept_invitation("t1", credentials(), Actor::system(), Utc::now()).await.unwrap();
    assert_eq!(accepted.organization_slug, "acme");
    let membership = store.find_membership(acme, accepted.user_id).await.unwrap().unwrap();
    assert_eq!((membership.role, membership.status), (Role::Editor, MembershipStatus::Active));
    assert!(membership.joined_at.is_some());
    let reused = store.accept_invitation("t1", credentials(), Actor::system(), Utc::now()).await;
    assert!(matches!(reused, Err(StoreError::Token(TokenProblem::Used))), "{reused:?}");

    // Ada now has a password: a later invitation must not let its link set another one.
    let globex = organization(&store, "Globex").await;
    store.invite(invitation(globex, "ada@example.com", "t3"), Actor::system(), Utc::now()).await.unwrap();
    assert!(store.find_invitation("t3").await.unwrap().unwrap().has_password);
    let takeover = store.accept_invitation("t3", credentials(), Actor::system(), Utc::now()).await;
    assert!(matches!(takeover, Err(StoreError::AccountExists)), "{takeover:?}");
    assert_eq!(
        store.find_membership(globex, accepted.user_id).await.unwrap().unwrap().status,
        MembershipStatus::Invited
    );
    store.accept_invitation("t3", None, Actor::system(), Utc::now()).await.unwrap();
    assert_eq!(
        store.find_membership(globex, accepted.user_id).await.unwrap().unwrap().status,
        MembershipStatus::Active
    );
}
on_both_databases!(accepting_is_single_use_and_cannot_take_over_an_account);

async fn resending_replaces_the_link_and_revoking_withdraws_it(db: &TestDatabase) {
    let store = db.store().await;
    let acme = organization(&store, "Acme").await;
    store.invite(invitation(acme, "ada@example.com", "old"), Actor::system(), Utc::now()).await.unwrap();
    let user_id = store.pending_invitations(acme, 100).await.unwrap()[0].user_id;

    store
        .resend_invitation(invitation(acme, "ada@example.com", "new"), Actor::system(), Utc::now())
        .await
        .unwrap();
    assert_eq!(store.list_outbox(10, 0).await.unwrap().total, 2);
    let old = store.accept_invitation("old", credentials(), Actor::system(), Utc::now()).await;
    assert!(matches!(old, Err(StoreError::Token(TokenProblem::Revoked))), "{old:?}");

    store.revoke_invitation(acme, user_id, Actor::system(), Utc::now()).await.unwrap();
    assert!(store.pending_invitations(acme, 100).await.unwrap().is_empty());
    let new = store.accept_invitation("new", credentials(), Actor::system(), Utc::now()).await;
    assert!(matches!(new, Err(StoreError::Token(TokenProblem::Revoked))), "{new:?}");
    let missing = store.revoke_invitation(acme, user_id, Actor::system(), Utc::now()).await;
    assert!(matches!(missing, Err(StoreError::NotFound)));
}
on_both_databases!(resending_replaces_the_link_and_revoking_withdraws_it);

async fn outbox_claims_never_overlap_and_record_outcomes(db: &TestDatabase) {
    let store = db.store().await;
    let acme = organization(&store, "Acme").await;
    for n in 0..30 {
        store
            .invite(
                invitation(acme, &format!("u{n}@example.com"), &format!("t{n}")),
                Actor::system(),
                Utc::now(),
            )
            .await
            .unwrap();
    }
    let now = Utc::now() + Duration::seconds(1);
    let workers = (0..4).map(|_| {
        let store = store.clone();
        tokio::spawn(
            async move { store.claim_due_emails(now, now + Duration::minutes(2), 10).await.unwrap() },
        )
    });
    let mut seen = HashSet::new();
    for worker in workers {
        for email in worker.await.unwrap() {
            assert_eq!(email.attempts, 1);
            assert!(seen.insert(email.id), "email {} claimed twice", email.id);
        }
    }
    assert_eq!(seen.len(), 30);
    assert!(store.claim_due_emails(now, now, 10).await.unwrap().is_empty(), "leased emails are not due");

    let ids: Vec<i64> = seen.into_iter().collect();
    store.mark_email_sent(ids[0], Utc::now()).await.unwrap();
    store.mark_email_failed(ids[1], "connection refused", Some(now)).await.unwrap();
    store.mark_email_failed(ids[2], "mailbox unavailable", None).await.unwrap();
    let retried = store.claim_due_emails(now, now + Duration::minutes(2), 10).await.unwrap();
    assert_eq!(retried.iter().map(|e| (e.id, e.attempts)).collect::<Vec<_>>(), [(ids[1], 2)]);
    assert_eq!(retried[0].last_error.as_deref(), Some("connection refused"));

    let outbox = store.list_outbox(100, 0).await.unwrap().items;
    let status = |id: i64| outbox.iter().find(|e| e.id == id).unwrap().status;
    assert_eq!((status(ids[0]), status(ids[2])), (OutboxStatus::Sent, OutboxStatus::Failed));
    // What the installation's overview shows: 28 waiting (one of them
    // leased for its retry), one failed for good, one sent.
    let counts = store.outbox_counts().await.unwrap();
    assert_eq!((counts.queued, counts.failed), (28, 1));
    store.retry_email(ids[2], Actor::system(), Utc::now()).await.unwrap();
    let again = store
        .claim_due_emails(Utc::now() + Duration::seconds(1), now + Duration::minutes(2), 10)
        .await
        .unwrap();
    assert_eq!(again.iter().map(|e| e.id).collect::<Vec<_>>(), [ids[2]]);
    assert!(
        matches!(store.retry_email(ids[0], Actor::system(), Utc::now()).await, Err(StoreError::NotFound)),
        "only failed emails are retried"
    );
}
on_both_databases!(outbox_claims_never_overlap_and_record_outcomes);

/// The invitations page's filters and the overview's counts: an invitation
/// is pending while its newest link works, expired once it does not.
async fn invitations_are_pending_until_their_newest_link_expires(db: &TestDatabase) {
    let store = db.store().await;
    let acme = organization(&store, "Acme").await;
    let now = Utc::now();
    store.invite(invitation(acme, "ada@example.com", "live"), Actor::system(), now).await.unwrap();
    let stale = NewInvitation {
        expires_at: now - Duration::hours(1),
        ..invitation(acme, "bob@example.com", "stale")
    };
    store.invite(stale, Actor::system(), now - Duration::days(8)).await.unwrap();
    let counts = store.invitation_counts(acme, now).await.unwrap();
    assert_eq!((counts.pending, counts.expired), (1, 1));

    let emails = |filter| {
        let store = Arc::clone(&store);
        async move {
            let found = store.invitations(acme, filter, now, 10).await.unwrap();
            found.into_iter().map(|p| p.email).collect::<Vec<_>>()
        }
    };
    assert_eq!(emails(InvitationFilter::Pending).await, ["ada@example.com"]);
    assert_eq!(emails(InvitationFilter::Expired).await, ["bob@example.com"]);
    assert_eq!(emails(InvitationFilter::All).await.len(), 2);

    // Resending gives Bob a working link again.
    let fresh = invitation(acme, "bob@example.com", "fresh");
    store.resend_invitation(fresh, Actor::system(), now).await.unwrap();
    let counts = store.invitation_counts(acme, now).await.unwrap();
    assert_eq!((counts.pending, counts.expired), (2, 0));
    let other = organization(&store, "Other").await;
    assert_eq!(store.invitation_counts(other, now).await.unwrap().pending, 0);
}
on_both_databases!(invitations_are_pending_until_their_newest_link_expires);
