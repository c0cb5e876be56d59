//! Sign-in history, sessions, links and the audit log, on both databases.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use domain::{DisplayName, Email, MembershipStatus, OrganizationName, Role, SignInOutcome, Slug};
use futures::TryStreamExt;
use store::{
    AccountDeletion, Actor, AuditQuery, NewEmail, NewInvitation, NewPasswordReset, NewSession,
    NewSignInAttempt, NewUser, Store, StoreError, TokenKind, action,
};
use testkit::{TestDatabase, on_both_databases};

async fn user(store: &Arc<dyn Store>, email: &str, name: &str) -> i64 {
    let user = NewUser {
        email: Email::parse(email).unwrap(),
        name: DisplayName::parse(name).unwrap(),
        password_hash: "$argon2id$stand-in".into(),
        is_super_admin: false,
    };
    store.create_user(user, Actor::system(), Utc::now()).await.unwrap().id
}

async fn organization(store: &Arc<dyn Store>, name: &str) -> i64 {
    let name = OrganizationName::parse(name).unwrap();
    let slug = Slug::from_name(name.as_str()).unwrap();
    store.create_organization(&slug, &name, Actor::system(), Utc::now()).await.unwrap().id
}

async fn join(store: &Arc<dyn Store>, org: i64, user: i64, role: Role) {
    store.add_member(org, user, role, MembershipStatus::Active, Actor::system(), Utc::now()).await.unwrap();
}

async fn sign_in(store: &Arc<dyn Store>, user_id: i64, token: &str, at: DateTime<Utc>) -> i64 {
    let session = NewSession {
        user_id,
        token_hash: token.into(),
        created_at: at,
        expires_at: at + Duration::days(30),
        ip: Some("203.0.113.7".into()),
        user_agent: Some("Test browser".into()),
        amr: domain::Amr::password(),
        second_step: None,
        must_enroll: false,
    };
    store
        .record_sign_in(session, Actor { user_id: Some(user_id), ip: None, api_key_id: None })
        .await
        .unwrap();
    store.find_session(token).await.unwrap().unwrap().id
}

fn by(user_id: i64) -> Actor {
    Actor { user_id: Some(user_id), ip: Some("198.51.100.1".into()), api_key_id: None }
}

fn mail(to: &str) -> NewEmail {
    NewEmail {
        recipient: to.into(),
        subject: "Hello".into(),
        body_text: "link".into(),
        body_html: "link".into(),
    }
}

async fn every_sign_in_attempt_is_kept_with_its_outcome(db: &TestDatabase) {
    let store = db.store().await;
    let ada = user(&store, "ada@example.com", "Ada").await;
    let now = Utc::now();
    sign_in(&store, ada, "old", now - Duration::days(100)).await;
    for (minutes, outcome) in [(3, SignInOutcome::WrongPassword), (2, SignInOutcome::Suspended)] {
        let attempt = NewSignInAttempt {
            user_id: ada,
            at: now - Duration::minutes(minutes),
            outcome,
            ip: Some("192.0.2.1".into()),
            user_agent: Some("curl".into()),
            factor: None,
        };
        store.record_failed_sign_in(attempt).await.unwrap();
    }
    sign_in(&store, ada, "new", now).await;

    let attempts = store.sign_in_attempts(ada, 10).await.unwrap();
    let outcomes: Vec<_> = attempts.iter().map(|a| a.outcome).collect();
    assert_eq!(
        outcomes,
        [
            SignInOutcome::Succeeded,
            SignInOutcome::Suspended,
            SignInOutcome::WrongPassword,
            SignInOutcome::Succeeded
        ]
    );
    assert_eq!(attempts[0].ip.as_deref(), Some("203.0.113.7"));
    assert_eq!(attempts[1].user_agent.as_deref(), Some("curl"));
    assert_eq!(store.sign_in_attempts(ada, 2).await.unwrap().len(), 2);

    let recent = store.sign_in_times(ada, now - Duration::days(90)).await.unwrap();
    assert_eq!(recent.len(), 1, "only successes, only in the window: {recent:?}");

    store
        .delete_account(
            AccountDeletion { user_id: ada, confined_to: None, with_data: false },
            Actor::system(),
            now,
        )
        .await
        .unwrap();
    assert!(store.sign_in_attempts(ada, 10).await.unwrap().is_empty(), "the history goes with the account");
}
on_both_databases!(every_sign_in_attempt_is_kept_with_its_outcome);

async fn sessions_are_listed_and_ended_one_or_all_but_this_one(db: &TestDatabase) {
    let store = db.store().await;
    let ada = user(&store, "ada@example.com", "Ada").await;
    let bob = user(&store, "bob@example.com", "Bob").await;
    let now = Utc::now();
    let laptop = sign_in(&store, ada, "laptop", now - Duration::hours(2)).await;
    let phone = sign_in(&store, ada, "phone", now - Duration::hours(1)).await;
    let tablet = sign_in(&store, ada, "tablet", now).await;
    let bobs = sign_in(&store, bob, "bob", now).await;
    let live = |store: Arc<dyn Store>| async move {
        store.live_sessions(ada, Utc::now(), Utc::now() - Duration::hours(12)).await.unwrap()
    };
    let ids: Vec<_> = live(store.clone()).await.iter().map(|s| s.id).collect();
    assert_eq!(ids, [tablet, phone, laptop], "most recently used first");
    assert!(
        store.live_sessions(ada, now, now - Duration::minutes(90)).await.unwrap().len() == 2,
        "an idle session is not live"
    );

    let refused = store.end_user_session(ada, bobs, None, by(ada), now).await;
    assert!(matches!(refused, Err(StoreError::NotFound)), "not Ada's session: {refused:?}");
    assert!(store.find_session("bob").await.unwrap().unwrap().revoked_at.is_none());

    store.end_user_session(ada, phone, None, by(ada), now).await.unwrap();
    let again = store.end_user_session(ada, phone, None, by(ada), now).await;
    assert!(matches!(again, Err(StoreError::NotFound)), "already ended: {again:?}");
    assert_eq!(store.recent_audit_events(1).await.unwrap()[0].action, action::SESSION_ENDED);

    assert_eq!(store.end_other_sessions(ada, tablet, by(ada), now).await.unwrap(), 1);
    let ids: Vec<_> = live(store.clone()).await.iter().map(|s| s.id).collect();
    assert_eq!(ids, [tablet]);
    let event = &store.recent_audit_events(1).await.unwrap()[0];
    assert_eq!(
        (event.action.as_str(), event.details.as_str()),
        (action::OTHER_SESSIONS_ENDED, r#"{"sessions":1}"#)
    );
}
on_both_databases!(sessions_are_listed_and_ended_one_or_all_but_this_one);

async fn a_password_change_ends_the_other_sessions_and_a_rename_is_audited(db: &TestDatabase) {
    let store = db.store().await;
    let ada = user(&store, "ada@example.com", "Ada").await;
    let now = Utc::now();
    let here = sign_in(&store, ada, "here", now).await;
    sign_in(&store, ada, "there", now).await;
    store.change_password(ada, "$argon2id$new", here, by(ada), now).await.unwrap();
    assert!(store.find_session("there").await.unwrap().unwrap().revoked_at.is_some());
    assert!(store.find_session("here").await.unwrap().unwrap().revoked_at.is_none());
    let account = store.find_sign_in(&Email::parse("ada@example.com").unwrap()).await.unwrap().unwrap();
    assert_eq!(account.password_hash.as_deref(), Some("$argon2id$new"));
    assert_eq!(store.recent_audit_events(1).await.unwrap()[0].action, action::PASSWORD_CHANGED);

    store.rename_user(ada, &DisplayName::parse("Ada Lovelace").unwrap(), by(ada), now).await.unwrap();
    assert_eq!(store.find_user(ada).await.unwrap().unwrap().name, "Ada Lovelace");
    let event = &store.recent_audit_events(1).await.unwrap()[0];
    assert_eq!(event.action, action::USER_RENAMED);
    assert!(event.details.contains("Ada Lovelace"), "{}", event.details);
    let missing = store.rename_user(9_999, &DisplayName::parse("Nobody").unwrap(), by(ada), now).await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
}
on_both_databases!(a_password_change_ends_the_other_sessions_and_a_rename_is_audited);

async fn links_show_who_sent_them_and_what_became_of_them(db: &TestDatabase) {
    let store = db.store().await;
    let (acme, globex) = (organization(&store, "Acme").await, organization(&store, "Globex").await);
    let admin = user(&store, "admin@example.com", "Grace Admin").await;
    join(&store, acme, admin, Role::Admin).await;
    let now = Utc::now();
    for (org, token) in [(acme, "acme-invite"), (globex, "globex-invite")] {
        let invitation = NewInvitation {
            organization_id: org,
            email: Email::parse("new@example.com").unwrap(),
            role: Role::Viewer,
            token_hash: token.into(),
            expires_at: now + Duration::days(7),
            mail: mail("new@example.com"),
        };
        store.invite(invitation, by(admin), now).await.unwrap();
    }
    let newcomer = store.find_sign_in(&Email::parse("new@example.com").unwrap()).await.unwrap().unwrap().id;
    let reset = NewPasswordReset {
        user_id: newcomer,
        organization_id: Some(acme),
        token_hash: "reset".into(),
        expires_at: now + Duration::hours(1),
        mail: mail("new@example.com"),
    };
    store.issue_password_reset(reset, by(admin), now).await.unwrap();

    let in_acme = store.links_of(newcomer, Some(acme), 20).await.unwrap();
    let kinds: Vec<_> = in_acme.iter().map(|l| (l.kind, l.organization_name.clone())).collect();
    assert_eq!(
        kinds,
        [(TokenKind::PasswordReset, Some("Acme".into())), (TokenKind::Invitation, Some("Acme".into()))]
    );
    assert_eq!(in_acme[1].created_by.as_deref(), Some("Grace Admin"));
    assert!(in_acme.iter().all(|l| l.used_at.is_none() && l.revoked_at.is_none()));
    assert_eq!(store.links_of(newcomer, None, 20).await.unwrap().len(), 3, "everything, for a super admin");
}
on_both_databases!(links_show_who_sent_them_and_what_became_of_them);

async fn the_audit_log_filters_by_scope_person_action_and_time(db: &TestDatabase) {
    let store = db.store().await;
    let (acme, globex) = (organization(&store, "Acme").await, organization(&store, "Globex").await);
    let grace = user(&store, "grace@example.com", "Grace Hopper").await;
    let ada = user(&store, "ada@example.com", "Ada Lovelace").await;
    let linus = user(&store, "linus@example.com", "Linus").await;
    for (org, who, role) in
        [(acme, grace, Role::Admin), (acme, ada, Role::Viewer), (globex, linus, Role::Admin)]
    {
        join(&store, org, who, role).await;
    }
    join(&store, globex, ada, Role::Viewer).await;
    let now = Utc::now();
    store.change_member_role(acme, ada, Role::Editor, by(grace), now).await.unwrap();
    store.change_member_role(globex, ada, Role::Editor, by(linus), now).await.unwrap();
    store
        .set_membership_status(acme, ada, MembershipStatus::Suspended, Some("holiday"), by(grace), now)
        .await
        .unwrap();

    let acme_only = AuditQuery { organization_id: Some(acme), ..AuditQuery::default() };
    let page = store.audit_log(&acme_only, 100, 0).await.unwrap();
    assert!(page.items.iter().all(|e| e.organization_id == Some(acme)), "nothing of Globex");
    assert_eq!(page.total as usize, page.items.len());
    assert_eq!(page.items[0].action, action::MEMBER_SUSPENDED, "newest first");
    assert_eq!(page.items[0].details, r#"{"reason":"holiday"}"#);
    assert_eq!(
        (page.items[0].actor_name.as_deref(), page.items[0].target_email.as_deref()),
        (Some("Grace Hopper"), Some("ada@example.com"))
    );
    assert_eq!(page.items[0].organization_name.as_deref(), Some("Acme"));

    let by_grace = AuditQuery { actor: "HOPPER".into(), ..acme_only.clone() };
    let found = store.audit_log(&by_grace, 100, 0).await.unwrap();
    assert_eq!(found.total, 2, "role change and suspension: {:?}", found.items);
    let role_changes =
        AuditQuery { action: Some(action::MEMBER_ROLE_CHANGED.into()), ..AuditQuery::default() };
    assert_eq!(store.audit_log(&role_changes, 100, 0).await.unwrap().total, 2, "both organizations");
    let about_ada = AuditQuery { target: "ada@".into(), ..role_changes.clone() };
    assert_eq!(store.audit_log(&about_ada, 100, 0).await.unwrap().total, 2);
    let wildcard = AuditQuery { actor: "%".into(), ..AuditQuery::default() };
    assert_eq!(store.audit_log(&wildcard, 100, 0).await.unwrap().total, 0, "wildcards are literal");

    let timeline = AuditQuery { involving: Some(ada), organization_id: Some(acme), ..AuditQuery::default() };
    let events = store.audit_log(&timeline, 100, 0).await.unwrap();
    assert!(events.items.iter().all(|e| e.target_user_id == Some(ada) || e.actor_user_id == Some(ada)));
    assert_eq!(events.total, 3, "added, role changed, suspended: {:?}", events.items);

    let future = AuditQuery { from: Some(now + Duration::seconds(1)), ..AuditQuery::default() };
    assert_eq!(store.audit_log(&future, 100, 0).await.unwrap().total, 0);
    let past = AuditQuery { until: Some(now - Duration::days(1)), ..AuditQuery::default() };
    assert_eq!(store.audit_log(&past, 100, 0).await.unwrap().total, 0);
    let today = AuditQuery {
        from: Some(now - Duration::minutes(5)),
        until: Some(now + Duration::minutes(5)),
        ..acme_only.clone()
    };
    assert_eq!(store.audit_log(&today, 100, 0).await.unwrap().total, page.total);

    let second = store.audit_log(&acme_only, 2, 2).await.unwrap();
    assert_eq!(second.items, page.items[2..4.min(page.items.len())]);
    let streamed: Vec<_> = store.stream_audit_log(acme_only).try_collect().await.unwrap();
    assert_eq!(streamed, page.items, "the export holds exactly the filtered rows");
}
on_both_databases!(the_audit_log_filters_by_scope_person_action_and_time);
