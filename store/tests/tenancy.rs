//! Organizations, memberships and the last-admin invariant, on both databases.

use std::sync::Arc;

use chrono::Utc;
use domain::{DisplayName, Email, MembershipStatus, OrganizationName, OrganizationStatus, Role, Slug};
use store::{Actor, NewUser, Store, StoreError, action};
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
        store.set_membership_status(org, ada, MembershipStatus::Suspended, Actor::system(), now).await,
        store.remove_member(org, ada, Actor::system(), now).await,
    ];
    for refusal in refusals {
        assert!(matches!(refusal, Err(StoreError::LastAdmin)), "{refusal:?}");
    }
    assert_eq!(active_admins(&store, org, &[ada, bob]).await, 1, "nothing changed");

    store.change_member_role(org, bob, Role::Editor, Actor::system(), now).await.unwrap();
    store.change_member_role(org, ada, Role::Admin, Actor::system(), now).await.unwrap();
    store.change_member_role(org, bob, Role::Admin, Actor::system(), now).await.unwrap();
    store.set_membership_status(org, bob, MembershipStatus::Suspended, Actor::system(), now).await.unwrap();
    let demote = store.change_member_role(org, ada, Role::Viewer, Actor::system(), now).await;
    assert!(matches!(demote, Err(StoreError::LastAdmin)), "a suspended admin does not count: {demote:?}");
    store.remove_member(org, bob, Actor::system(), now).await.unwrap();
    assert!(store.find_membership(org, bob).await.unwrap().is_none());
    let missing = store.change_member_role(org, bob, Role::Viewer, Actor::system(), now).await;
    assert!(matches!(missing, Err(StoreError::NotFound)), "{missing:?}");
}
on_both_databases!(the_last_active_admin_stays);

/// Two admins take away each other's admin rights at the same moment, in
/// every combination of demote, suspend and remove: exactly one succeeds.
async fn concurrent_changes_never_remove_the_last_two_admins(db: &TestDatabase) {
    let store = db.store().await;
    for round in 0..6 {
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
                match kind % 3 {
                    0 => store.change_member_role(org, target, Role::Viewer, Actor::system(), now).await,
                    1 => {
                        store
                            .set_membership_status(
                                org,
                                target,
                                MembershipStatus::Suspended,
                                Actor::system(),
                                now,
                            )
                            .await
                    }
                    _ => store.remove_member(org, target, Actor::system(), now).await,
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
