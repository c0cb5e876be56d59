//! Organizations, memberships and the last-admin invariant, on both databases.

use std::sync::Arc;

use chrono::Utc;
use domain::{DisplayName, Email, MembershipStatus, OrganizationName, OrganizationStatus, Role, Slug};
use store::{AccountDeletion, Actor, NewEmail, NewPasswordReset, NewUser, Store, StoreError, action};
use testkit::{TestDatabase, on_both_databases};
use tokio::sync::Barrier;

async fn user(store: &Arc<dyn Store>, email: &str) -> i64 {
    let user = NewUser {
        email: Email::parse(email).unwrap(),
        name: DisplayName::parse("Member").unwrap(),
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

fn deletion(user_id: i64, confined_to: Option<i64>, with_data: bool) -> AccountDeletion {
    AccountDeletion { user_id, confined_to, with_data }
}

async fn active_admins(store: &Arc<dyn Store>, org: i64, users: &[i64]) -> usize {
    let mut count = 0;
    for user in users {
        if let Some(m) = store.find_membership(org, *user).await.unwrap()
            && m.role == Role::Admin
            && m.status == MembershipStatus::Active
        {
            count += 1;
        }
    }
    count
}

async fn organizations_are_created_searched_renamed_and_suspended(db: &TestDatabase) {
    let store = db.store().await;
    let acme = organization(&store, "Acme Corp").await;
    organization(&store, "Globex").await;
    let name = OrganizationName::parse("Another Acme").unwrap();
    let taken = store
        .create_organization(&Slug::parse("acme-corp").unwrap(), &name, Actor::system(), Utc::now())
        .await;
    assert!(matches!(taken, Err(StoreError::SlugTaken)), "{taken:?}");

    let ada = user(&store, "ada@example.com").await;
    join(&store, acme, ada, Role::Admin).await;

    let found = store.list_organizations("ACME", 10, 0).await.unwrap();
    assert_eq!(found.total, 1);
    assert_eq!(found.items[0].organization.name, "Acme Corp");
    assert_eq!(found.items[0].member_count, 1);
    assert_eq!(store.list_organizations("", 10, 0).await.unwrap().total, 2);
    assert_eq!(store.list_organizations("%", 10, 0).await.unwrap().total, 0, "wildcards match literally");
    let second_page = store.list_organizations("", 1, 1).await.unwrap();
    assert_eq!((second_page.total, second_page.items[0].organization.name.as_str()), (2, "Globex"));

    store
        .rename_organization(acme, &OrganizationName::parse("Acme Inc").unwrap(), Actor::system(), Utc::now())
        .await
        .unwrap();
    store
        .set_organization_status(acme, OrganizationStatus::Suspended, Actor::system(), Utc::now())
        .await
        .unwrap();
    let acme_now = store.find_organization("acme-corp").await.unwrap().unwrap();
    assert_eq!((acme_now.name.as_str(), acme_now.status), ("Acme Inc", OrganizationStatus::Suspended));
    let event = store.recent_audit_events(1).await.unwrap().remove(0);
    assert_eq!((event.action.as_str(), event.organization_id), (action::ORGANIZATION_SUSPENDED, Some(acme)));

    let membership = store.memberships_of(ada).await.unwrap().remove(0);
    assert!(!membership.is_usable(), "a suspended organization's memberships grant nothing");
}
on_both_databases!(organizations_are_created_searched_renamed_and_suspended);

async fn memberships_know_their_organizations(db: &TestDatabase) {
    let store = db.store().await;
    let (a, b) = (organization(&store, "Alpha").await, organization(&store, "Beta").await);
    let ada = user(&store, "ada@example.com").await;
    join(&store, a, ada, Role::Admin).await;
    join(&store, b, ada, Role::Viewer).await;
    let again =
        store.add_member(a, ada, Role::Viewer, MembershipStatus::Active, Actor::system(), Utc::now()).await;
    assert!(matches!(again, Err(StoreError::AlreadyMember)), "{again:?}");

    let memberships = store.memberships_of(ada).await.unwrap();
    let summary: Vec<_> = memberships.iter().map(|m| (m.slug.as_str(), m.role, m.is_usable())).collect();
    assert_eq!(summary, [("alpha", Role::Admin, true), ("beta", Role::Viewer, true)]);
    let subject = store.find_subject(ada).await.unwrap().unwrap();
    assert_eq!(subject.organization_ids.len(), 2);
    assert!(store.find_subject(9_999).await.unwrap().is_none());
}
on_both_databases!(memberships_know_their_organizations);

async fn the_last_active_admin_stays(db: &TestDatabase) {
    let store = db.store().await;
    let org = organization(&store, "Acme").await;
    let (ada, bob) = (user(&store, "ada@example.com").await, user(&store, "bob@example.com").await);
    join(&store, org, ada, Role::Admin).await;
    join(&store, org, bob, Role::Viewer).await;
    let now = Utc::now();

    let refusals = [
        store.change_member_role(org, ada, Role::Editor, Actor::system(), now).await,
        store.set_membership_status(org, ada, MembershipStatus::Suspended, None, Actor::system(), now).await,
        store.remove_member(org, ada, Actor::system(), now).await,
        store.delete_account(deletion(ada, None, false), Actor::system(), now).await,
    ];
    for refusal in refusals {
        assert!(matches!(refusal, Err(StoreError::LastAdmin)), "{refusal:?}");
    }
    assert_eq!(active_admins(&store, org, &[ada, bob]).await, 1, "nothing changed");

    store.change_member_role(org, bob, Role::Editor, Actor::system(), now).await.unwrap();
    store.change_member_role(org, ada, Role::Admin, Actor::system(), now).await.unwrap();
    store.change_member_role(org, bob, Role::Admin, Actor::system(), now).await.unwrap();
    store
        .set_membership_status(org, bob, MembershipStatus::Suspended, None, Actor::system(), now)
        .await
        .unwrap();
    let demote = store.change_member_role(org, ada, Role::Viewer, Actor::system(), now).await;
    assert!(matches!(demote, Err(StoreError::LastAdmin)), "a suspended admin does not count: {demote:?}");
    store.remove_member(org, bob, Actor::system(), now).await.unwrap();
    assert!(store.find_membership(org, bob).await.unwrap().is_none());
    let missing = store.change_member_role(org, bob, Role::Viewer, Actor::system(), now).await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
}
on_both_databases!(the_last_active_admin_stays);

/// Two admins take away each other's admin rights at the same moment, in
/// every combination of demote, suspend, remove and delete: exactly one
/// succeeds.
async fn concurrent_changes_never_remove_the_last_two_admins(db: &TestDatabase) {
    let store = db.store().await;
    for round in 0..8 {
        let org = organization(&store, &format!("Race {round}")).await;
        let a = user(&store, &format!("a{round}@example.com")).await;
        let b = user(&store, &format!("b{round}@example.com")).await;
        join(&store, org, a, Role::Admin).await;
        join(&store, org, b, Role::Admin).await;

        let barrier = Arc::new(Barrier::new(2));
        let change = |target: i64, kind: usize| {
            let (store, barrier) = (store.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                let now = Utc::now();
                match kind % 4 {
                    0 => store.change_member_role(org, target, Role::Viewer, Actor::system(), now).await,
                    1 => {
                        store
                            .set_membership_status(
                                org,
                                target,
                                MembershipStatus::Suspended,
                                None,
                                Actor::system(),
                                now,
                            )
                            .await
                    }
                    2 => store.remove_member(org, target, Actor::system(), now).await,
                    _ => store.delete_account(deletion(target, None, false), Actor::system(), now).await,
                }
            })
        };
        let (first, second) = (change(a, round), change(b, round + 1));
        let results = [first.await.unwrap(), second.await.unwrap()];
        let succeeded = results.iter().filter(|r| r.is_ok()).count();
        let refused = results.iter().filter(|r| matches!(r, Err(StoreError::LastAdmin))).count();
        assert_eq!((succeeded, refused), (1, 1), "round {round}: {results:?}");
        assert_eq!(active_admins(&store, org, &[a, b]).await, 1, "round {round}");
    }
}
on_both_databases!(concurrent_changes_never_remove_the_last_two_admins);

/// Queues a password-reset email to `user` at `address`.
async fn mail_to(store: &Arc<dyn Store>, user: i64, address: &str, token: &str) {
    let now = Utc::now();
    let reset = NewPasswordReset {
        user_id: user,
        organization_id: None,
        token_hash: token.into(),
        expires_at: now + chrono::Duration::hours(1),
        mail: NewEmail {
            recipient: address.into(),
            subject: "Reset".into(),
            body_text: "link".into(),
            body_html: "<p>link</p>".into(),
        },
    };
    store.issue_password_reset(reset, Actor::system(), now).await.unwrap();
}

async fn outbox_recipients(store: &Arc<dyn Store>) -> Vec<String> {
    store.list_outbox(100, 0).await.unwrap().items.into_iter().map(|mail| mail.recipient).collect()
}

async fn deleting_an_account_keeps_the_events_but_not_the_person(db: &TestDatabase) {
    let store = db.store().await;
    let (acme, globex) = (organization(&store, "Acme").await, organization(&store, "Globex").await);
    let admin = user(&store, "admin@example.com").await;
    join(&store, acme, admin, Role::Admin).await;
    let (ada, bob) = (user(&store, "ada@example.com").await, user(&store, "bob@example.com").await);
    join(&store, acme, ada, Role::Viewer).await;
    join(&store, acme, bob, Role::Viewer).await;
    join(&store, globex, bob, Role::Viewer).await;
    let by_admin = Actor { user_id: Some(admin), ip: Some("192.0.2.1".into()), api_key_id: None };
    let now = Utc::now();
    store
        .set_membership_status(
            acme,
            ada,
            MembershipStatus::Suspended,
            Some("left the team"),
            by_admin.clone(),
            now,
        )
        .await
        .unwrap();
    mail_to(&store, ada, "ada@example.com", "ada-token").await;

    // An org admin's deletion is bound to their organization alone.
    let elsewhere = store.delete_account(deletion(bob, Some(acme), false), by_admin.clone(), now).await;
    assert!(matches!(elsewhere, Err(StoreError::BelongsElsewhere)), "{elsewhere:?}");
    assert!(store.find_user(bob).await.unwrap().is_some(), "refused, nothing changed");

    store.delete_account(deletion(ada, Some(acme), false), by_admin.clone(), now).await.unwrap();
    assert!(store.find_user(ada).await.unwrap().is_none());
    assert!(store.find_membership(acme, ada).await.unwrap().is_none());
    assert!(!outbox_recipients(&store).await.contains(&"ada@example.com".to_owned()), "unsent mail goes");
    let events = store.recent_audit_events(50).await.unwrap();
    assert!(events.iter().all(|e| e.target_user_id != Some(ada) && e.actor_user_id != Some(ada)));
    let deleted =
        events.iter().find(|e| e.action == action::ACCOUNT_DELETED).expect("the deletion is audited");
    assert_eq!((deleted.actor_user_id, deleted.organization_id), (Some(admin), Some(acme)));
    let suspended = events.iter().find(|e| e.action == action::MEMBER_SUSPENDED).expect("the event stays");
    assert_eq!(suspended.target_user_id, None, "without saying about whom");
    assert!(suspended.details.contains("left the team"), "without data, notes stay: {}", suspended.details);

    // With data: also the sent mail, the IPs of their actions and the notes about them.
    let carol = user(&store, "carol@example.com").await;
    join(&store, globex, carol, Role::Admin).await;
    join(&store, globex, admin, Role::Admin).await;
    let by_carol = Actor { user_id: Some(carol), ip: Some("198.51.100.7".into()), api_key_id: None };
    store.change_member_role(globex, bob, Role::Editor, by_carol, now).await.unwrap();
    store
        .set_account_status(carol, domain::AccountStatus::Suspended, Some("audit"), Actor::system(), now)
        .await
        .unwrap();
    store.set_account_status(carol, domain::AccountStatus::Active, None, Actor::system(), now).await.unwrap();
    mail_to(&store, carol, "carol@example.com", "carol-token").await;
    let claimed = store.claim_due_emails(now, now + chrono::Duration::minutes(1), 10).await.unwrap();
    for mail in claimed {
        store.mark_email_sent(mail.id, now).await.unwrap();
    }
    store.delete_account(deletion(carol, None, true), Actor::system(), now).await.unwrap();
    assert!(!outbox_recipients(&store).await.contains(&"carol@example.com".to_owned()), "sent mail goes too");
    let events = store.recent_audit_events(100).await.unwrap();
    let role_change = events.iter().find(|e| e.action == action::MEMBER_ROLE_CHANGED).unwrap();
    assert_eq!((role_change.actor_user_id, role_change.actor_ip.as_deref()), (None, None));
    assert!(events.iter().all(|e| !e.details.contains("audit")), "notes about them go");
    let deletion_event =
        events.iter().find(|e| e.action == action::ACCOUNT_DELETED && e.organization_id.is_none());
    assert!(deletion_event.is_some_and(|e| e.details.contains("with_data")));
}
on_both_databases!(deleting_an_account_keeps_the_events_but_not_the_person);

async fn suspension_signs_out_only_someone_left_with_nowhere_to_go(db: &TestDatabase) {
    let store = db.store().await;
    let (acme, globex) = (organization(&store, "Acme").await, organization(&store, "Globex").await);
    let (ada, bob) = (user(&store, "ada@example.com").await, user(&store, "bob@example.com").await);
    join(&store, acme, ada, Role::Viewer).await;
    join(&store, acme, bob, Role::Viewer).await;
    join(&store, globex, bob, Role::Viewer).await;
    let now = Utc::now();
    for (who, token) in [(ada, "ada-session"), (bob, "bob-session")] {
        let session = store::NewSession {
            user_id: who,
            token_hash: token.into(),
            created_at: now,
            expires_at: now + chrono::Duration::days(1),
            ip: None,
            user_agent: None,
            amr: domain::Amr::password(),
            second_step: None,
            must_enroll: false,
        };
        store.record_sign_in(session, Actor::system()).await.unwrap();
    }
    for who in [ada, bob] {
        store
            .set_membership_status(acme, who, MembershipStatus::Suspended, None, Actor::system(), now)
            .await
            .unwrap();
    }
    let revoked = |token: &'static str| {
        let store = store.clone();
        async move { store.find_session(token).await.unwrap().unwrap().revoked_at.is_some() }
    };
    assert!(revoked("ada-session").await, "Ada has no other organization");
    assert!(!revoked("bob-session").await, "Bob still works in Globex");
}
on_both_databases!(suspension_signs_out_only_someone_left_with_nowhere_to_go);
