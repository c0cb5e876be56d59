//! The members table query: search, filters, sort and pages, on both databases.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use domain::{
    DisplayName, Email, MemberSort, MemberView, MembershipStatus, OrganizationName, Role, SignInFilter, Slug,
};
use store::{Actor, NewSession, NewUser, Store};
use testkit::{TestDatabase, on_both_databases};

/// (name, email, role, status, last sign-in days ago)
const PEOPLE: [(&str, &str, Role, MembershipStatus, Option<i64>); 6] = [
    ("Ada Lovelace", "ada@analytical.example", Role::Admin, MembershipStatus::Active, Some(1)),
    ("Grace Hopper", "grace@navy.example", Role::Editor, MembershipStatus::Active, Some(40)),
    ("Alan Turing", "alan@bletchley.example", Role::Viewer, MembershipStatus::Suspended, Some(100)),
    ("Zoë Ångström", "zoe@physics.example", Role::Viewer, MembershipStatus::Active, None),
    ("Edsger Dijkstra", "edsger@goto.example", Role::Editor, MembershipStatus::Invited, None),
    ("Barbara 100% Liskov", "barbara@mit.example", Role::Viewer, MembershipStatus::Active, Some(2)),
];

async fn world(store: &Arc<dyn Store>) -> (i64, DateTime<Utc>) {
    let now = Utc::now();
    let name = OrganizationName::parse("Acme").unwrap();
    let org = store
        .create_organization(&Slug::parse("acme").unwrap(), &name, Actor::system(), now)
        .await
        .unwrap()
        .id;
    let other = OrganizationName::parse("Other").unwrap();
    let other = store
        .create_organization(&Slug::parse("other").unwrap(), &other, Actor::system(), now)
        .await
        .unwrap()
        .id;
    for (n, (name, email, role, status, signed_in)) in PEOPLE.into_iter().enumerate() {
        let user = NewUser {
            email: Email::parse(email).unwrap(),
            name: DisplayName::parse(name).unwrap(),
            password_hash: "$argon2id$stand-in".into(),
            is_super_admin: false,
        };
        let joined = now - Duration::days(200 - n as i64);
        let user = store.create_user(user, Actor::system(), joined).await.unwrap();
        store.add_member(org, user.id, role, status, Actor::system(), joined).await.unwrap();
        if let Some(days) = signed_in {
            let at = now - Duration::days(days);
            let session = NewSession {
                user_id: user.id,
                token_hash: format!("hash-{n}"),
                created_at: at,
                expires_at: at + Duration::days(30),
                ip: None,
                user_agent: None,
            };
            store.record_sign_in(session, Actor::system()).await.unwrap();
        }
    }
    // Someone in another organization never shows up.
    let outsider = NewUser {
        email: Email::parse("ada@elsewhere.example").unwrap(),
        name: DisplayName::parse("Ada Elsewhere").unwrap(),
        password_hash: "$argon2id$stand-in".into(),
        is_super_admin: false,
    };
    let outsider = store.create_user(outsider, Actor::system(), now).await.unwrap();
    store
        .add_member(other, outsider.id, Role::Admin, MembershipStatus::Active, Actor::system(), now)
        .await
        .unwrap();
    (org, now)
}

async fn names(store: &Arc<dyn Store>, org: i64, view: MemberView, now: DateTime<Utc>) -> Vec<String> {
    store.list_members(org, &view, now).await.unwrap().items.into_iter().map(|m| m.name).collect()
}

fn view() -> MemberView {
    MemberView::default()
}

async fn search_and_filters_narrow_the_members(db: &TestDatabase) {
    let store = db.store().await;
    let (org, now) = world(&store).await;
    let all = store.list_members(org, &view(), now).await.unwrap();
    assert_eq!(all.total, 6, "only this organization's members");

    let search = |q: &str| MemberView { search: q.into(), ..view() };
    assert_eq!(names(&store, org, search("ADA"), now).await, ["Ada Lovelace"]);
    assert_eq!(names(&store, org, search("navy.exa"), now).await, ["Grace Hopper"], "email substring");
    assert_eq!(
        names(&store, org, search("100%"), now).await,
        ["Barbara 100% Liskov"],
        "wildcards are literal"
    );
    assert!(names(&store, org, search("_"), now).await.is_empty());
    assert!(names(&store, org, search("' OR 1=1 --"), now).await.is_empty());

    let filtered = |role, status| MemberView { role, status, ..view() };
    assert_eq!(
        names(&store, org, filtered(Some(Role::Editor), None), now).await,
        ["Edsger Dijkstra", "Grace Hopper"]
    );
    assert_eq!(
        names(&store, org, filtered(None, Some(MembershipStatus::Suspended)), now).await,
        ["Alan Turing"]
    );
    assert_eq!(
        names(&store, org, filtered(Some(Role::Viewer), Some(MembershipStatus::Active)), now).await,
        ["Barbara 100% Liskov", "Zoë Ångström"]
    );

    let sign_in = |filter| MemberView { sign_in: Some(filter), ..view() };
    assert_eq!(
        names(&store, org, sign_in(SignInFilter::Never), now).await,
        ["Edsger Dijkstra", "Zoë Ångström"]
    );
    assert_eq!(
        names(&store, org, sign_in(SignInFilter::InactiveDays(30)), now).await,
        ["Alan Turing", "Grace Hopper"]
    );
    assert_eq!(names(&store, org, sign_in(SignInFilter::InactiveDays(90)), now).await, ["Alan Turing"]);
}
on_both_databases!(search_and_filters_narrow_the_members);

async fn every_column_sorts_both_ways_with_missing_dates_last(db: &TestDatabase) {
    let store = db.store().await;
    let (org, now) = world(&store).await;
    let sorted = |sort, descending| MemberView { sort, descending, ..view() };

    let by_name = names(&store, org, sorted(MemberSort::Name, false), now).await;
    assert_eq!(by_name.first().map(String::as_str), Some("Ada Lovelace"));
    let mut reversed = names(&store, org, sorted(MemberSort::Name, true), now).await;
    reversed.reverse();
    assert_eq!(by_name, reversed);

    assert_eq!(names(&store, org, sorted(MemberSort::Email, false), now).await[0], "Ada Lovelace");
    assert_eq!(names(&store, org, sorted(MemberSort::Email, true), now).await[0], "Zoë Ångström");
    assert_eq!(
        names(&store, org, sorted(MemberSort::Role, true), now).await[0],
        "Ada Lovelace",
        "admins rank highest"
    );
    assert_eq!(
        names(&store, org, sorted(MemberSort::Joined, false), now).await[0],
        "Ada Lovelace",
        "joined first"
    );

    let recent_first = names(&store, org, sorted(MemberSort::LastSignIn, true), now).await;
    assert_eq!(&recent_first[..4], ["Ada Lovelace", "Barbara 100% Liskov", "Grace Hopper", "Alan Turing"]);
    let oldest_first = names(&store, org, sorted(MemberSort::LastSignIn, false), now).await;
    assert_eq!(&oldest_first[..4], ["Alan Turing", "Grace Hopper", "Barbara 100% Liskov", "Ada Lovelace"]);
    for order in [recent_first, oldest_first] {
        assert_eq!(order[4..].len(), 2);
        assert!(
            order[4..].iter().all(|name| ["Zoë Ångström", "Edsger Dijkstra"].contains(&name.as_str())),
            "never last"
        );
    }
}
on_both_databases!(every_column_sorts_both_ways_with_missing_dates_last);

async fn pages_hold_every_member_once_and_a_page_past_the_end_shows_the_last(db: &TestDatabase) {
    let store = db.store().await;
    let (org, now) = world(&store).await;
    let mut seen = Vec::new();
    for page in 1..=3 {
        let found = store.list_members(org, &MemberView { page, page_size: 2, ..view() }, now).await.unwrap();
        assert_eq!((found.total, found.page, found.items.len()), (6, page, 2));
        seen.extend(found.items.into_iter().map(|m| m.user_id));
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 6);

    let beyond = store
        .list_members(org, &MemberView { page: 1_000_000_000, page_size: 2, ..view() }, now)
        .await
        .unwrap();
    assert_eq!((beyond.page, beyond.items.len()), (3, 2));
    let nothing = MemberView { search: "nobody at all".into(), page: 5, ..view() };
    let empty = store.list_members(org, &nothing, now).await.unwrap();
    assert_eq!((empty.total, empty.page, empty.items.len()), (0, 1, 0));
}
on_both_databases!(pages_hold_every_member_once_and_a_page_past_the_end_shows_the_last);
