//! Property tests for the parsers of what people type or edit: the invite
//! dialog's address list and the members table's URL query. Both take any
//! string a browser can send, so they are fed arbitrary text as well as
//! text shaped like real input. Case counts stay small: the whole file runs
//! in a few seconds.

use std::collections::HashMap;

use domain::{
    Email, EmailList, EmailListError, MAX_ADDRESSES, MAX_SEARCH_CHARS, MemberSort, MemberView,
    MembershipStatus, PAGE_SIZES, Role, SignInFilter, query,
};
use proptest::prelude::*;

/// No regression files: a failure found here becomes a named unit test
/// beside the code it concerns.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

// ---------------------------------------------------------------------------
// The invite dialog's list of addresses.

/// Addresses as people type them: mixed case, dots, plus tags, hyphens,
/// and a few non-ASCII letters (whose lower case can be longer).
fn address() -> impl Strategy<Value = String> {
    (
        "[a-zA-Z0-9]{1,12}(\\.[a-zA-Z0-9]{1,6})?(\\+[a-z0-9]{1,5})?",
        "[a-zA-Z0-9]{1,10}(-[a-zA-Z0-9]{1,5})?",
        "[a-zA-Z]{2,6}",
        proptest::option::weighted(0.1, "[éÉßẞİ]{1,3}"),
    )
        .prop_map(|(local, domain, tld, accent)| {
            format!("{local}{}@{domain}.{tld}", accent.unwrap_or_default())
        })
}

/// Entries that are not addresses, and contain no separator.
fn not_an_address() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z]{1,10}",
        "[a-z]{1,6}@",
        "@[a-z]{1,6}\\.com",
        "[a-z]{1,6}@[a-z]{1,6}",
        "[a-z]{1,6}@@[a-z]{1,6}\\.com",
        "[a-z]{1,6}\\.\\.[a-z]{1,3}@[a-z]{1,6}\\.com",
    ]
}

/// What may stand between two entries: any run of the accepted separators.
fn separator() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![Just(","), Just(";"), Just("\n"), Just("\r\n"), Just(" "), Just("\t")],
        1..4,
    )
    .prop_map(|parts| parts.concat())
}

fn join(entries: &[String], separators: &[String], edges: (&str, &str)) -> String {
    let mut text = edges.0.to_owned();
    for (i, entry) in entries.iter().enumerate() {
        if i > 0 {
            text.push_str(&separators[i % separators.len()]);
        }
        text.push_str(entry);
    }
    text.push_str(edges.1);
    text
}

/// Characters as hostile input mixes them: any Unicode, control
/// characters, and the separators, `@` and URL specials far more often than
/// uniform Unicode would.
fn any_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => any::<char>(),
        1 => proptest::char::range('\0', '\u{1f}'),
        2 => proptest::sample::select(vec![',', ';', ' ', '\n', '\r', '\t', '@', '.', '%', '&', '=', '+', '\u{a0}']),
        2 => proptest::char::range('a', 'z'),
    ]
}

fn any_text(max_chars: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(any_char(), 0..max_chars).prop_map(|chars| chars.into_iter().collect())
}

/// Up to 10 kB: a few short runs of [`any_char`], each repeated many times
/// (generating 10,000 independent characters per case would take seconds).
fn big_text() -> impl Strategy<Value = String> {
    proptest::collection::vec((any_text(64), 1..=60usize), 1..4).prop_map(|runs| {
        runs.iter().map(|(run, times)| run.repeat(*times)).collect::<String>().chars().take(10_240).collect()
    })
}

proptest! {
    // Each case holds up to a hundred addresses.
    #![proptest_config(config(64))]

    /// Valid addresses, however separated, come back lower-cased, in order,
    /// each once, with nothing reported invalid.
    #[test]
    fn valid_addresses_come_back_normalised_in_order_and_once(
        addresses in proptest::collection::vec(address(), 1..=MAX_ADDRESSES),
        separators in proptest::collection::vec(separator(), 1..5),
        leading in "[ ,;\n\t]{0,3}",
        trailing in "[ ,;\n\t]{0,3}",
    ) {
        let list = EmailList::parse(&join(&addresses, &separators, (&leading, &trailing))).unwrap();
        let mut expected: Vec<String> = Vec::new();
        for address in &addresses {
            let lower = address.to_lowercase();
            if !expected.contains(&lower) {
                expected.push(lower);
            }
        }
        let got: Vec<&str> = list.addresses.iter().map(Email::as_str).collect();
        prop_assert_eq!(got, expected);
        prop_assert!(list.invalid.is_empty(), "{:?}", list.invalid);
    }

    /// Every invalid entry is reported exactly as typed, in order, and never
    /// hides a valid one; the valid part parses again to itself.
    #[test]
    fn each_invalid_entry_is_named_as_typed(
        entries in proptest::collection::vec(prop_oneof![address().prop_map(Ok), not_an_address().prop_map(Err)], 1..=MAX_ADDRESSES),
        separators in proptest::collection::vec(separator(), 1..5),
    ) {
        let typed: Vec<String> = entries.iter().map(|e| e.clone().unwrap_or_else(|bad| bad)).collect();
        let list = EmailList::parse(&join(&typed, &separators, ("", ""))).unwrap();
        let bad: Vec<&String> = entries.iter().filter_map(|e| e.as_ref().err()).collect();
        let reported: Vec<&String> = list.invalid.iter().map(|(entry, _)| entry).collect();
        prop_assert_eq!(reported, bad);
        let good = entries.iter().filter_map(|e| e.as_ref().ok()).count();
        prop_assert!(list.addresses.len() <= good && (good == 0 || !list.addresses.is_empty()));

        if !list.addresses.is_empty() {
            let canonical = list.addresses.iter().map(Email::as_str).collect::<Vec<_>>().join(", ");
            let again = EmailList::parse(&canonical).unwrap();
            prop_assert_eq!(again.addresses, list.addresses);
            prop_assert!(again.invalid.is_empty());
        }
    }

    /// More entries than one request may carry are refused whole.
    #[test]
    fn too_many_entries_are_refused(
        extra in 1..20usize,
        entry in prop_oneof![address(), not_an_address()],
        separator in separator(),
    ) {
        let entries = vec![entry; MAX_ADDRESSES + extra];
        prop_assert_eq!(EmailList::parse(&join(&entries, &[separator], ("", ""))), Err(EmailListError::TooMany));
    }
}

proptest! {
    #![proptest_config(config(128))]

    /// Any text at all, 10 kB included: no panic, and a consistent answer.
    /// "Empty" means nothing but separators and white space was typed; an
    /// accepted address is normalised (parsing it again gives it back), and
    /// every entry is accounted for.
    #[test]
    fn any_text_gets_an_answer_and_never_a_panic(input in prop_oneof![any_text(300), big_text()]) {
        match EmailList::parse(&input) {
            Err(EmailListError::Empty) => {
                prop_assert!(input.chars().all(|c| c.is_whitespace() || c == ',' || c == ';'), "{:?}", input);
            }
            Err(EmailListError::TooMany) => {}
            Ok(list) => {
                prop_assert!(list.addresses.len() + list.invalid.len() <= MAX_ADDRESSES);
                prop_assert!(!list.addresses.is_empty() || !list.invalid.is_empty());
                for (i, email) in list.addresses.iter().enumerate() {
                    prop_assert_eq!(Email::parse(email.as_str()), Ok(email.clone()));
                    prop_assert!(!list.addresses[..i].contains(email), "duplicate {}", email);
                }
                for (entry, _) in &list.invalid {
                    prop_assert!(!entry.is_empty() && input.contains(entry.as_str()));
                }
            }
        }
    }

    /// An address, once accepted, is stable: parsing its stored form gives
    /// the same address (what the database's unique index relies on).
    #[test]
    fn an_accepted_address_parses_to_itself(local in "[a-zA-ZéÉßẞİ0-9.+_-]{1,64}", domain in "[a-zA-ZİK0-9-]{1,60}\\.[a-zA-Z]{2,6}") {
        if let Ok(email) = Email::parse(&format!("{local}@{domain}")) {
            prop_assert_eq!(Email::parse(email.as_str()), Ok(email.clone()));
        }
    }
}

// ---------------------------------------------------------------------------
// The members table's URL query.

/// Parses a raw query string as form-urlencoded pairs, the last of repeated
/// keys winning, and checks that `MemberView::from_query_string` (what the
/// page, the API and the CSV export use) reads it the same way.
fn parse(query: &str) -> MemberView {
    let params: HashMap<String, String> =
        url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
    let view = MemberView::from_query(|key| params.get(key).cloned());
    assert_eq!(MemberView::from_query_string(query), view, "{query:?}");
    view
}

fn percent_encode(value: &str) -> String {
    query::encode(value).to_string()
}

/// Values that mean something to the parser, near misses, and junk.
fn query_value() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(vec![
            "viewer",
            "editor",
            "admin",
            "Admin",
            "owner",
            "active",
            "invited",
            "suspended",
            "never",
            "inactive_30",
            "inactive_90",
            "inactive_31",
            "name",
            "email",
            "role",
            "joined",
            "last_sign_in",
            "password_hash",
            "desc",
            "asc",
            "DESC",
            "10",
            "25",
            "50",
            "100",
            "101",
            "0",
            "1",
            "+7",
            "-1",
            "007",
            "4294967295",
            "4294967296",
            "1e3",
            "１",
            " 2",
            "",
        ])
        .prop_map(str::to_owned),
        any_text(40),
        "[0-9]{1,12}",
    ]
}

fn query_key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(vec!["q", "role", "status", "signin", "sort", "dir", "page", "size"]).prop_map(str::to_owned),
        1 => proptest::sample::select(vec!["Q", "q ", "page[]", "", "utm_source"]).prop_map(str::to_owned),
        1 => any_text(8),
    ]
}

/// How a pair is written into the query: as typed, percent-encoded, with
/// `+` for spaces, or with broken escapes (`%`, `%G1`, a lone UTF-8 byte).
fn write_pair(key: &str, value: &str, style: u8, junk: &str) -> String {
    match style % 4 {
        0 => format!("{key}={value}"),
        1 => format!("{}={}", percent_encode(key), percent_encode(value)),
        2 => format!("{}={}", percent_encode(key), percent_encode(value).replace("%20", "+")),
        _ => format!("{}={}{junk}", percent_encode(key), percent_encode(value)),
    }
}

fn raw_query() -> impl Strategy<Value = String> {
    let pair = (
        query_key(),
        query_value(),
        any::<u8>(),
        prop_oneof![Just("%"), Just("%G1"), Just("%e9"), Just("%%"), Just("%ff%fe"), Just("&&"), Just("=")],
    );
    prop_oneof![
        3 => proptest::collection::vec(pair, 0..12).prop_map(|pairs| {
            pairs.iter().map(|(k, v, style, junk)| write_pair(k, v, *style, junk)).collect::<Vec<_>>().join("&")
        }),
        1 => any_text(200),
    ]
}

fn member_view() -> impl Strategy<Value = MemberView> {
    (
        any_text(60).prop_map(|s| s.trim().to_owned()),
        proptest::option::of(proptest::sample::select(Role::ALL.to_vec())),
        proptest::option::of(proptest::sample::select(vec![
            MembershipStatus::Active,
            MembershipStatus::Invited,
            MembershipStatus::Suspended,
        ])),
        proptest::option::of(proptest::sample::select(SignInFilter::CHOICES.to_vec())),
        any::<bool>(),
        proptest::option::of(any::<bool>()),
        proptest::sample::select(MemberSort::ALL.to_vec()),
        any::<bool>(),
        prop_oneof![1..5u32, 1..=u32::MAX],
        proptest::sample::select(PAGE_SIZES.to_vec()),
    )
        .prop_map(
            |(search, role, status, sign_in, provisioned, two_factor, sort, descending, page, page_size)| {
                MemberView {
                    search,
                    role,
                    status,
                    sign_in,
                    provisioned,
                    two_factor,
                    sort,
                    descending,
                    page,
                    page_size,
                }
            },
        )
}

/// The canonical query holds only known keys and URL-safe characters, so a
/// link built from it is the same in every browser.
fn assert_canonical_shape(query: &str) -> Result<(), TestCaseError> {
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (key, value) =
            pair.split_once('=').ok_or_else(|| TestCaseError::fail(format!("no '=' in {pair:?}")))?;
        prop_assert!(
            ["q", "role", "status", "signin", "source", "2fa", "sort", "dir", "size", "page"].contains(&key),
            "{}",
            key
        );
        prop_assert!(value.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.~%".contains(&b)), "{}", value);
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(512))]

    /// Whatever a link says, the view it shows has one canonical query, and
    /// that query shows the same view: parse(canonical(parse(x))) == parse(x).
    #[test]
    fn any_query_has_a_canonical_form_showing_the_same_view(query in raw_query()) {
        let view = parse(&query);
        let canonical = view.to_query();
        assert_canonical_shape(&canonical)?;
        prop_assert_eq!(parse(&canonical), view.clone());
        prop_assert_eq!(parse(&canonical).to_query(), canonical);
        prop_assert!(view.page >= 1 && PAGE_SIZES.contains(&view.page_size));
        prop_assert_eq!(view.check().is_err(), view.search.chars().count() > MAX_SEARCH_CHARS);
    }

    /// Every view the table can show survives the trip through its URL.
    #[test]
    fn every_view_survives_its_url(view in member_view()) {
        let query = view.to_query();
        assert_canonical_shape(&query)?;
        prop_assert_eq!(parse(&query), view);
    }
}

proptest! {
    #![proptest_config(config(64))]

    /// 10 kB queries, raw or as a search, with control characters and broken
    /// escapes: no panic, the same canonical round trip, and an over-long
    /// search refused by `check` rather than sent to the database.
    #[test]
    fn ten_kilobyte_queries_are_handled(text in big_text(), as_search in any::<bool>()) {
        let query = if as_search { format!("q={text}") } else { text };
        let view = parse(&query);
        prop_assert_eq!(parse(&view.to_query()), view.clone());
        prop_assert_eq!(view.check().is_err(), view.search.chars().count() > MAX_SEARCH_CHARS);
    }
}
