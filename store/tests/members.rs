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
                amr: domain::Amr::password(),
                second_step: None,
                must_enroll: false,
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

async fn every_column_sorts_both_ways_with_missing_dates_oldest(db: &TestDatabase) {
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
    let joined = names(&store, org, sorted(MemberSort::Joined, false), now).await;
    assert_eq!(
        joined.first().map(String::as_str),
        Some("Edsger Dijkstra"),
        "not yet joined counts as oldest"
    );
    assert_eq!(joined.get(1).map(String::as_str), Some("Ada Lovelace"), "joined first");

    // Never signed in counts as the oldest sign-in, in both directions.
    let recent_first = names(&store, org, sorted(MemberSort::LastSignIn, true), now).await;
    assert_eq!(&recent_first[..4], ["Ada Lovelace", "Barbara 100% Liskov", "Grace Hopper", "Alan Turing"]);
    let oldest_first = names(&store, org, sorted(MemberSort::LastSignIn, false), now).await;
    assert_eq!(&oldest_first[2..], ["Alan Turing", "Grace Hopper", "Barbara 100% Liskov", "Ada Lovelace"]);
    for never in [&recent_first[4..], &oldest_first[..2]] {
        let mut never = never.to_vec();
        never.sort();
        assert_eq!(never, ["Edsger Dijkstra", "Zoë Ångström"]);
    }
}
on_both_databases!(every_column_sorts_both_ways_with_missing_dates_oldest);

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

fn seeded(n: usize, now: DateTime<Utc>) -> store::SeedMember {
    store::SeedMember {
        email: Email::parse(&format!("person{n}@seed.example")).unwrap(),
        name: DisplayName::parse(&format!("Seeded Person {n}")).unwrap(),
        password_hash: n.is_multiple_of(2).then(|| "$argon2id$stand-in".to_owned()),
        role: if n.is_multiple_of(10) { Role::Admin } else { Role::Viewer },
        status: if n.is_multiple_of(2) { MembershipStatus::Active } else { MembershipStatus::Invited },
        created_at: now - Duration::days(10),
        joined_at: n.is_multiple_of(2).then(|| now - Duration::days(9)),
        last_sign_in_at: n.is_multiple_of(4).then(|| now - Duration::days(n as i64 % 100)),
    }
}

async fn seeding_adds_many_members_at_once_or_none(db: &TestDatabase) {
    let store = db.store().await;
    let (org, now) = world(&store).await;
    // More than one batch of 500.
    let people: Vec<_> = (1..=1_200).map(|n| seeded(n, now)).collect();
    assert_eq!(store.seed_members(org, &people, Actor::system(), now).await.unwrap(), 1_200);

    let all = store.list_members(org, &view(), now).await.unwrap();
    assert_eq!(all.total, 6 + 1_200);
    let admins = MemberView { role: Some(Role::Admin), ..view() };
    assert_eq!(store.list_members(org, &admins, now).await.unwrap().total, 1 + 120);
    let never = MemberView { sign_in: Some(SignInFilter::Never), ..view() };
    assert_eq!(store.list_members(org, &never, now).await.unwrap().total, 2 + 900, "sign-ins were copied");
    // A short search's total (tallied on PostgreSQL) across batches.
    let nineties = MemberView { search: "99".into(), ..view() };
    let expected = (1..=1_200).filter(|n: &i32| n.to_string().contains("99")).count();
    assert_eq!(store.list_members(org, &nineties, now).await.unwrap().total, expected as i64);
    let one = MemberView { search: "PERSON 1199".into(), ..view() };
    assert_eq!(names(&store, org, one, now).await, ["Seeded Person 1199"]);

    // A taken address refuses the whole batch.
    let again = vec![seeded(5_000, now), seeded(1, now)];
    assert!(store.seed_members(org, &again, Actor::system(), now).await.is_err());
    assert_eq!(store.list_members(org, &view(), now).await.unwrap().total, 6 + 1_200);
}
on_both_databases!(seeding_adds_many_members_at_once_or_none);

async fn deep_pages_and_every_order_agree_with_the_first_page(db: &TestDatabase) {
    let store = db.store().await;
    let (org, now) = world(&store).await;
    let people: Vec<_> = (1..=300).map(|n| seeded(n, now)).collect();
    store.seed_members(org, &people, Actor::system(), now).await.unwrap();
    for sort in
        [MemberSort::Name, MemberSort::Email, MemberSort::Role, MemberSort::Joined, MemberSort::LastSignIn]
    {
        for descending in [false, true] {
            let whole = MemberView { sort, descending, page_size: 500, ..view() };
            let whole: Vec<i64> =
                store.list_members(org, &whole, now).await.unwrap().items.iter().map(|m| m.user_id).collect();
            let mut paged = Vec::new();
            for page in 1..=13 {
                let part = MemberView { sort, descending, page, page_size: 25, ..view() };
                paged.extend(
                    store.list_members(org, &part, now).await.unwrap().items.iter().map(|m| m.user_id),
                );
            }
            assert_eq!(whole.len(), 306);
            assert_eq!(paged, whole, "{sort:?} descending={descending}");
        }
    }
}
on_both_databases!(deep_pages_and_every_order_agree_with_the_first_page);

/// The last sign-in filters whose unsearched totals come from tallies: ever
/// signed in or not (both databases), and date cutoffs (PostgreSQL).
const TALLIED_SIGN_INS: [Option<SignInFilter>; 5] = [
    None,
    Some(SignInFilter::Never),
    Some(SignInFilter::InactiveDays(1)),
    Some(SignInFilter::InactiveDays(30)),
    Some(SignInFilter::InactiveDays(90)),
];

/// Every unsearched total the tallies answer (role × status × last sign-in)
/// equals the rows counted for the same view searched on "@", which every
/// address holds.
async fn assert_tallies_agree(store: &Arc<dyn Store>, org: i64, now: DateTime<Utc>, after: &str) {
    let roles = [None, Some(Role::Viewer), Some(Role::Editor), Some(Role::Admin)];
    let statuses = [
        None,
        Some(MembershipStatus::Active),
        Some(MembershipStatus::Invited),
        Some(MembershipStatus::Suspended),
    ];
    for role in roles {
        for status in statuses {
            for sign_in in TALLIED_SIGN_INS {
                let tallied = MemberView { role, status, sign_in, ..view() };
                let counted = MemberView { search: "@".into(), ..tallied.clone() };
                assert_eq!(
                    store.list_members(org, &tallied, now).await.unwrap().total,
                    store.list_members(org, &counted, now).await.unwrap().total,
                    "after {after}: {role:?} {status:?} {sign_in:?}"
                );
            }
        }
    }
}

/// Searches of one or two characters, whose totals PostgreSQL reads from
/// tallies by fragment: common letters, across a word break, at the address
/// sign, not lower-case, not ASCII, a wildcard typed as text, and absent.
const SHORT_SEARCHES: [&str; 10] = ["e", "an", "n ", "@n", "A", "ë", "ñ", "0%", "1", "qx"];

/// Every total of a short search equals the members the same view lists, one
/// page holding them all: the tallies against the rows themselves.
async fn assert_short_search_totals_agree(store: &Arc<dyn Store>, org: i64, now: DateTime<Utc>, after: &str) {
    let roles = [None, Some(Role::Viewer), Some(Role::Admin)];
    let statuses = [None, Some(MembershipStatus::Active), Some(MembershipStatus::Suspended)];
    for search in SHORT_SEARCHES {
        for role in roles {
            for status in statuses {
                for sign_in in [None, Some(SignInFilter::Never)] {
                    let searched =
                        MemberView { search: search.into(), role, status, sign_in, page_size: 500, ..view() };
                    let page = store.list_members(org, &searched, now).await.unwrap();
                    assert_eq!(
                        page.total,
                        page.items.len() as i64,
                        "after {after}: “{search}” {role:?} {status:?} {sign_in:?}"
                    );
                }
            }
        }
    }
}

async fn tallied_totals_follow_every_change_to_members(db: &TestDatabase) {
    let store = db.store().await;
    let (org, now) = world(&store).await;
    assert_tallies_agree(&store, org, now, "the first members").await;
    assert_short_search_totals_agree(&store, org, now, "the first members").await;
    let searched = |search: &str| MemberView { search: search.into(), ..view() };
    assert_eq!(store.list_members(org, &searched("ë"), now).await.unwrap().total, 1, "Zoë");
    let people: Vec<_> = (1..=40).map(|n| seeded(n, now)).collect();
    store.seed_members(org, &people, Actor::system(), now).await.unwrap();
    assert_tallies_agree(&store, org, now, "seeding").await;
    assert_short_search_totals_agree(&store, org, now, "seeding").await;
    assert_eq!(store.list_members(org, &view(), now).await.unwrap().total, 46);

    let id = |n: usize| {
        let store = store.clone();
        async move {
            let search = MemberView { search: format!("person{n}@"), ..view() };
            store.list_members(org, &search, now).await.unwrap().items[0].user_id
        }
    };
    let system = Actor::system;
    store.change_member_role(org, id(3).await, Role::Editor, system(), now).await.unwrap();
    assert_tallies_agree(&store, org, now, "a role change").await;
    let suspended = id(5).await;
    store
        .set_membership_status(org, suspended, MembershipStatus::Suspended, None, system(), now)
        .await
        .unwrap();
    assert_tallies_agree(&store, org, now, "a suspension").await;
    store.set_membership_status(org, suspended, MembershipStatus::Active, None, system(), now).await.unwrap();
    assert_tallies_agree(&store, org, now, "a reactivation").await;
    assert_short_search_totals_agree(&store, org, now, "a reactivation").await;

    // A new name moves the member's fragments; their group stays.
    let renamed = id(11).await;
    store.rename_user(renamed, &DisplayName::parse("Señor Qxyz").unwrap(), system(), now).await.unwrap();
    assert_short_search_totals_agree(&store, org, now, "a rename").await;
    assert_eq!(store.list_members(org, &searched("qx"), now).await.unwrap().total, 1, "the new name");
    assert_eq!(store.list_members(org, &searched("ñ"), now).await.unwrap().total, 1, "the new name");

    // A first sign-in moves a member out of "never signed in"; a second
    // moves nothing.
    for (n, token) in [(6, "first"), (6, "second"), (8, "again")] {
        let session = NewSession {
            user_id: id(n).await,
            token_hash: format!("tally-{token}"),
            created_at: now,
            expires_at: now + Duration::days(1),
            ip: None,
            user_agent: None,
            amr: domain::Amr::password(),
            second_step: None,
            must_enroll: false,
        };
        store.record_sign_in(session, system()).await.unwrap();
        assert_tallies_agree(&store, org, now, &format!("a sign-in ({token})")).await;
        assert_short_search_totals_agree(&store, org, now, &format!("a sign-in ({token})")).await;
    }
    let never = MemberView { sign_in: Some(SignInFilter::Never), ..view() };
    assert_eq!(store.list_members(org, &never, now).await.unwrap().total, 2 + 30 - 1);

    store.remove_member(org, id(7).await, system(), now).await.unwrap();
    assert_tallies_agree(&store, org, now, "a removal").await;
    let deletion = store::AccountDeletion { user_id: id(9).await, confined_to: None, with_data: false };
    store.delete_account(deletion, system(), now).await.unwrap();
    assert_tallies_agree(&store, org, now, "an account deletion").await;
    assert_short_search_totals_agree(&store, org, now, "an account deletion").await;
    assert_eq!(store.list_members(org, &view(), now).await.unwrap().total, 44);
}
on_both_databases!(tallied_totals_follow_every_change_to_members);

/// A date cutoff falls at some hour of some day; PostgreSQL's total adds the
/// members of that day who signed in before the hour to the tallies of the
/// days before. Members signed in on either side of it, to the microsecond,
/// and at either end of its day and of the day before: each total equals
/// the members listed.
async fn date_cutoff_totals_count_the_cutoff_day_to_the_microsecond(db: &TestDatabase) {
    let store = db.store().await;
    let (org, now) = world(&store).await;
    let cutoff = now - Duration::days(90);
    let day_start = cutoff.date_naive().and_time(chrono::NaiveTime::MIN).and_utc();
    let tick = Duration::microseconds(1);
    let around = [
        cutoff - tick,
        cutoff,
        cutoff + tick,
        day_start,
        day_start - tick,
        day_start + Duration::days(1) - tick,
        day_start + Duration::days(1),
    ];
    let people: Vec<_> = (0..around.len() * 4)
        .map(|n| store::SeedMember {
            // Each moment four times: as viewer and admin, active and suspended.
            role: if n % 2 == 0 { Role::Viewer } else { Role::Admin },
            status: if n % 4 < 2 { MembershipStatus::Active } else { MembershipStatus::Suspended },
            last_sign_in_at: Some(around[n / 4]),
            ..seeded(n, now)
        })
        .collect();
    store.seed_members(org, &people, Actor::system(), now).await.unwrap();
    let roles = [None, Some(Role::Viewer), Some(Role::Admin)];
    let statuses = [None, Some(MembershipStatus::Active), Some(MembershipStatus::Suspended)];
    for role in roles {
        for status in statuses {
            let inactive = MemberView {
                role,
                status,
                sign_in: Some(SignInFilter::InactiveDays(90)),
                page_size: 500,
                ..view()
            };
            let page = store.list_members(org, &inactive, now).await.unwrap();
            assert_eq!(page.total, page.items.len() as i64, "{role:?} {status:?}");
            assert!(page.items.iter().all(|m| m.last_sign_in_at.is_some_and(|at| at < cutoff)));
        }
    }
    // Alan (100 days ago), and the members of the three moments before the cutoff.
    let inactive = MemberView { sign_in: Some(SignInFilter::InactiveDays(90)), ..view() };
    assert_eq!(store.list_members(org, &inactive, now).await.unwrap().total, 1 + 3 * 4);
}
on_both_databases!(date_cutoff_totals_count_the_cutoff_day_to_the_microsecond);

/// Name parts of generated people: ASCII in mixed case, digits, the `LIKE`
/// wildcards and its escape, and non-ASCII letters. Only lower-case ones
/// beyond ASCII: how each database lower-cases `Å` differs, today's
/// search included, which is not what this test is about.
const NAME_PARTS: [&str; 8] = ["Ada", "GRACE", "smith", "Søren", "straße", "100%", "a_b", "back\\Slash"];
const EMAIL_PARTS: [&str; 5] = ["ada", "x%y", "under_score", "zoë", "smith"];

/// The `n`th generated person of an organization (`org` keeps
/// addresses apart), from a fixed pseudo-random sequence.
fn generated(org: &str, n: u64, now: DateTime<Utc>) -> store::SeedMember {
    let mut state = n.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
    let mut pick = |len: usize| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize % len
    };
    let name = format!("{} {}{}", NAME_PARTS[pick(8)], NAME_PARTS[pick(8)], n % 97);
    let email = format!("{}.{n}@{org}.example", EMAIL_PARTS[pick(5)]);
    store::SeedMember {
        email: Email::parse(&email).unwrap(),
        name: DisplayName::parse(&name).unwrap(),
        password_hash: None,
        role: if n.is_multiple_of(7) { Role::Admin } else { Role::Viewer },
        status: MembershipStatus::Active,
        created_at: now,
        joined_at: None,
        last_sign_in_at: None,
    }
}

/// Today's search: the trimmed term, lower-cased, anywhere in the name
/// or the email, in any case, every character literal.
fn brute_force_matches(person: &store::SeedMember, search: &str) -> bool {
    let term = search.trim().to_lowercase();
    person.name.as_str().to_lowercase().contains(&term)
        || person.email.as_str().to_lowercase().contains(&term)
}

async fn searches_find_exactly_the_members_whose_name_or_email_holds_the_term(db: &TestDatabase) {
    let store = db.store().await;
    let now = Utc::now();
    let mut orgs = Vec::new();
    for slug in ["acme", "other"] {
        let name = OrganizationName::parse(slug).unwrap();
        orgs.push(
            store
                .create_organization(&Slug::parse(slug).unwrap(), &name, Actor::system(), now)
                .await
                .unwrap()
                .id,
        );
    }
    // Enough people that common terms pass both thresholds at which the
    // SQLite store stops reading only the people its trigram index names.
    let people: Vec<_> = (0..4_500).map(|n| generated("acme", n, now)).collect();
    store.seed_members(orgs[0], &people, Actor::system(), now).await.unwrap();
    let others: Vec<_> = (0..300).map(|n| generated("other", n, now)).collect();
    store.seed_members(orgs[1], &others, Actor::system(), now).await.unwrap();
    let seeded = store.list_members(orgs[0], &MemberView { page_size: 10_000, ..view() }, now).await.unwrap();
    let id_of: std::collections::HashMap<String, i64> =
        seeded.items.iter().map(|member| (member.email.clone(), member.user_id)).collect();

    let terms = [
        "",
        "a",
        "S",
        "ab",
        "%",
        "_",
        "\\",
        "%%",
        "a%",
        "0_",
        "ada",
        "Ada G",
        "smi",
        "SMITH",
        "smith 1",
        "h@",
        "ith.",
        "søren",
        "SØREN",
        "straß",
        "e 10",
        "100%",
        "100%a",
        "x%y",
        "x_y",
        "a_b",
        "a%b",
        "a_b ",
        " ada",
        "k\\s",
        "\\slash",
        "back\\\\",
        "zoë",
        "oë.",
        "example",
        "@acme",
        ".example",
        "acme.ex",
        "@other",
        "zzz",
        "qqqq",
        "12",
        "123",
        "1234@",
        "1_b",
        "grace grace",
        "ce gr",
        "e.1",
        "r.4",
        "under_sc",
        "_score.",
        "ß",
        "ø",
        "ë",
        "yx",
        "%y.",
        "0%",
        "00% ",
        "abc",
        "sh1",
    ];
    for search in terms {
        let expected: std::collections::BTreeSet<i64> = people
            .iter()
            .filter(|person| brute_force_matches(person, search))
            .map(|person| id_of[person.email.as_str()])
            .collect();
        let all = MemberView { search: search.into(), page_size: 10_000, ..view() };
        let found = store.list_members(orgs[0], &all, now).await.unwrap();
        let ids: std::collections::BTreeSet<i64> = found.items.iter().map(|member| member.user_id).collect();
        assert_eq!(found.total, expected.len() as i64, "total for {search:?}");
        assert_eq!(ids, expected, "members for {search:?}");

        let admins = MemberView { role: Some(Role::Admin), ..all.clone() };
        let expected_admins = people
            .iter()
            .filter(|person| person.role == Role::Admin && brute_force_matches(person, search))
            .count();
        assert_eq!(store.list_members(orgs[0], &admins, now).await.unwrap().total, expected_admins as i64);

        let second_page =
            MemberView { sort: MemberSort::Email, descending: true, page: 2, page_size: 25, ..all };
        let page = store.list_members(orgs[0], &second_page, now).await.unwrap();
        assert_eq!(page.total, expected.len() as i64, "paged total for {search:?}");
        let expected_len = if expected.len() <= 25 { expected.len() } else { (expected.len() - 25).min(25) };
        assert_eq!(page.items.len(), expected_len, "a page for {search:?}");
        assert!(page.items.iter().all(|member| expected.contains(&member.user_id)), "a page for {search:?}");
    }
}
on_both_databases!(searches_find_exactly_the_members_whose_name_or_email_holds_the_term);

/// What an organization's overview reads: the tallies by role and status
/// add up to the members table's totals, and its inactivity counts are the
/// table's totals for the same filters.
async fn overview_figures_equal_the_members_tables_totals(db: &TestDatabase) {
    let store = db.store().await;
    let (org, now) = world(&store).await;
    let tallies = store.member_tallies(org).await.unwrap();
    for role in Role::ALL {
        for status in MembershipStatus::ALL {
            let tallied: i64 =
                tallies.iter().filter(|t| t.role == role && t.status == status).map(|t| t.members).sum();
            let view = MemberView { role: Some(role), status: Some(status), ..view() };
            assert_eq!(
                tallied,
                store.list_members(org, &view, now).await.unwrap().total,
                "{role:?} {status:?}"
            );
        }
    }
    assert_eq!(tallies.iter().map(|t| t.members).sum::<i64>(), 6);
    for (filter, expected) in
        [(SignInFilter::Never, 2), (SignInFilter::InactiveDays(30), 2), (SignInFilter::InactiveDays(90), 1)]
    {
        let view = MemberView { sign_in: Some(filter), ..view() };
        let counted = store.count_members(org, &view, now).await.unwrap();
        assert_eq!(counted, expected, "{filter:?}");
        assert_eq!(counted, store.list_members(org, &view, now).await.unwrap().total, "{filter:?}");
    }
    let searched = MemberView { search: "ada".into(), ..view() };
    assert_eq!(store.count_members(org, &searched, now).await.unwrap(), 1, "only this organization's Ada");

    // Sign-ins of this organization's members only, since the day asked.
    let times = store.organization_sign_in_times(org, now - Duration::days(50)).await.unwrap();
    assert_eq!(times.len(), 3, "Ada, Grace and Barbara signed in within 50 days: {times:?}");
    assert!(times.windows(2).all(|pair| pair[0] <= pair[1]), "oldest first");
}
on_both_databases!(overview_figures_equal_the_members_tables_totals);

/// Every member of `view` by keyset slices of `size`, seeding `add_between`
/// new people after each slice; returns the ids in the order read.
async fn by_slices(
    store: &Arc<dyn Store>,
    org: i64,
    view: &MemberView,
    size: i64,
    add_between: &mut impl Iterator<Item = store::SeedMember>,
    now: DateTime<Utc>,
) -> Vec<i64> {
    let mut seen = Vec::new();
    let mut after = None;
    loop {
        let slice = store.list_members_after(org, view, after.as_ref(), size, now).await.unwrap();
        assert!(slice.items.len() as i64 <= size);
        seen.extend(slice.items.iter().map(|m| m.user_id));
        if let Some(person) = add_between.next() {
            store.seed_members(org, &[person], Actor::system(), now).await.unwrap();
        }
        match slice.next {
            Some(next) => after = Some(next),
            None => return seen,
        }
    }
}

async fn keyset_slices_miss_and_repeat_no_one_while_members_are_added(db: &TestDatabase) {
    let store = db.store().await;
    let (org, now) = world(&store).await;
    let people: Vec<_> = (1..=300).map(|n| seeded(n, now)).collect();
    store.seed_members(org, &people, Actor::system(), now).await.unwrap();
    let mut fresh = (10_000..).map(|n| seeded(n, now));
    for sort in MemberSort::ALL {
        for descending in [false, true] {
            let view = MemberView { sort, descending, page_size: 100, ..view() };
            let before: Vec<i64> = store
                .list_members_after(org, &view, None, 10_000, now)
                .await
                .unwrap()
                .items
                .iter()
                .map(|m| m.user_id)
                .collect();
            let whole = MemberView { page_size: 100, ..view.clone() };
            let first_page: Vec<i64> =
                store.list_members(org, &whole, now).await.unwrap().items.iter().map(|m| m.user_id).collect();
            assert_eq!(before[..100], first_page[..], "the table's order, {sort:?} descending={descending}");

            let read = by_slices(&store, org, &view, 37, &mut fresh, now).await;
            let mut unique = read.clone();
            unique.sort_unstable();
            unique.dedup();
            assert_eq!(unique.len(), read.len(), "nobody twice, {sort:?} descending={descending}");
            for id in &before {
                assert!(read.contains(id), "{id} missed, {sort:?} descending={descending}");
            }
        }
    }
    let suspended = MemberView { status: Some(MembershipStatus::Suspended), ..view() };
    let slice = store.list_members_after(org, &suspended, None, 10, now).await.unwrap();
    assert_eq!((slice.items.len(), slice.next), (1, None), "filters apply");
}
on_both_databases!(keyset_slices_miss_and_repeat_no_one_while_members_are_added);
