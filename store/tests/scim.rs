//! What the SCIM service provider keeps, on both databases: members it
//! provisions (a new account, or an existing one joining), SCIM filters as
//! SQL (each operator, case rules, `and`/`or`/`not`, wildcards taken
//! literally), the uniqueness of `userName` and `externalId` within an
//! organization, and the members table's "provisioned by SCIM" filter.

use std::sync::Arc;

use chrono::Utc;
use domain::{
    DisplayName, Email, MemberView, MembershipStatus, OrganizationName, Role, Slug,
    scim_filter::{Filter, Resource},
};
use store::{Actor, DirectoryDetails, NewScimMember, NewUser, Store, StoreError};
use testkit::{TestDatabase, on_both_databases};

fn member(organization_id: i64, email: &str, user_name: &str, external_id: Option<&str>) -> NewScimMember {
    NewScimMember {
        organization_id,
        email: Email::parse(email).unwrap(),
        user_name: user_name.to_owned(),
        name: format!("Name of {user_name}"),
        external_id: external_id.map(str::to_owned),
        details: DirectoryDetails::default(),
        role: Role::Viewer,
        active: true,
        welcome: None,
    }
}

async fn organization(store: &Arc<dyn Store>, slug: &str) -> i64 {
    let name = OrganizationName::parse(slug).unwrap();
    store
        .create_organization(&Slug::parse(slug).unwrap(), &name, Actor::system(), Utc::now())
        .await
        .unwrap()
        .id
}

async fn found(store: &Arc<dyn Store>, org: i64, filter: &str) -> Vec<String> {
    let filter = Filter::parse(filter, Resource::User).unwrap();
    let (total, members) = store.scim_members(org, Some(&filter), 0, 100).await.unwrap();
    assert_eq!(total as usize, members.len());
    members.into_iter().map(|m| m.email).collect()
}

async fn filters_select_what_the_rfc_says(db: &TestDatabase) {
    let store = db.store().await;
    let (acme, other) = (organization(&store, "acme").await, organization(&store, "other").await);
    let now = Utc::now();
    for (email, user_name, external_id) in [
        ("ann@acme.example", "Ann.Lee@acme.example", Some("00uA")),
        ("bo@acme.example", "bo@acme.example", Some("00ub")),
        ("cy_100%@acme.example", "cy_100%@acme.example", None),
    ] {
        store
            .provision_member(member(acme, email, user_name, external_id), Actor::system(), now)
            .await
            .unwrap();
    }
    store
        .provision_member(member(other, "ann@other.example", "ann", None), Actor::system(), now)
        .await
        .unwrap();
    // A member SCIM did not make is known by their address.
    let dee = NewUser {
        email: Email::parse("dee@acme.example").unwrap(),
        name: DisplayName::parse("Dee").unwrap(),
        password_hash: "$argon2id$stand-in".into(),
        is_super_admin: false,
    };
    let dee = store.create_user(dee, Actor::system(), now).await.unwrap();
    store
        .add_member(acme, dee.id, Role::Admin, MembershipStatus::Active, Actor::system(), now)
        .await
        .unwrap();

    assert_eq!(found(&store, acme, r#"userName eq "ann.lee@ACME.example""#).await, ["ann@acme.example"]);
    assert_eq!(found(&store, acme, r#"userName eq "dee@acme.example""#).await, ["dee@acme.example"]);
    assert_eq!(found(&store, acme, r#"emails.value eq "BO@acme.example""#).await, ["bo@acme.example"]);
    assert_eq!(found(&store, acme, r#"emails[value eq "bo@acme.example"]"#).await, ["bo@acme.example"]);
    assert_eq!(found(&store, acme, r#"userName sw "ann""#).await, ["ann@acme.example"]);
    assert_eq!(found(&store, acme, r#"userName co "_100%""#).await, ["cy_100%@acme.example"]);
    assert!(found(&store, acme, r#"userName co "n_1""#).await.is_empty(), "_ is no wildcard");
    // externalId compares with case.
    assert_eq!(found(&store, acme, r#"externalId eq "00uA""#).await, ["ann@acme.example"]);
    assert!(found(&store, acme, r#"externalId eq "00ua""#).await.is_empty());
    assert_eq!(found(&store, acme, "externalId pr").await.len(), 2);
    assert_eq!(
        found(&store, acme, r#"userName sw "bo" or externalId eq "00uA""#).await,
        ["ann@acme.example", "bo@acme.example"]
    );
    assert_eq!(found(&store, acme, r#"active eq true and not (userName co "acme")"#).await.len(), 0);
    assert_eq!(found(&store, acme, r#"userName ne "bo@acme.example""#).await.len(), 3);
    // Another organization's members are never found.
    assert!(found(&store, acme, r#"userName eq "ann""#).await.is_empty());

    // Paging: the total counts them all.
    let (total, page) = store.scim_members(acme, None, 1, 2).await.unwrap();
    assert_eq!((total, page.len()), (4, 2));
    let (total, none) = store.scim_members(acme, None, 0, 0).await.unwrap();
    assert_eq!((total, none.len()), (4, 0));

    // Unique within an organization: userName without case, externalId with it.
    let twice = store.provision_member(
        member(acme, "e@acme.example", "ANN.LEE@acme.example", None),
        Actor::system(),
        now,
    );
    assert!(matches!(twice.await, Err(StoreError::AlreadyMember)));
    let taken =
        store.provision_member(member(acme, "f@acme.example", "f", Some("00uA")), Actor::system(), now);
    assert!(matches!(taken.await, Err(StoreError::ExternalIdTaken)));
    store
        .provision_member(member(acme, "g@acme.example", "g", Some("00ua")), Actor::system(), now)
        .await
        .unwrap();
    store
        .provision_member(
            member(other, "h@other.example", "bo@acme.example", Some("00uA")),
            Actor::system(),
            now,
        )
        .await
        .unwrap();

    // The members table's filter: those SCIM made, not Dee.
    let view = MemberView { provisioned: true, ..MemberView::default() };
    let provisioned = store.list_members(acme, &view, now).await.unwrap();
    assert_eq!(provisioned.total, 4);
    assert!(provisioned.items.iter().all(|m| m.email != "dee@acme.example"));
}
on_both_databases!(filters_select_what_the_rfc_says);
