//! `roster seed-demo`: organizations full of made-up but plausible people,
//! for trying Roster out and for the benchmark.

use app::ssr::passwords;
use chrono::{DateTime, Duration, Utc};
use domain::{DisplayName, Email, MembershipStatus, NewPassword, OrganizationName, Role, Slug};
use rand::{Rng, SeedableRng, rngs::StdRng, seq::IndexedRandom};
use store::{Actor, NewUser, SeedMember, StoreError};

use crate::{Config, Error};

/// Given names: (as written, as it appears in an email address).
#[rustfmt::skip]
const GIVEN: [(&str, &str); 48] = [
    ("Ada", "ada"), ("Amara", "amara"), ("Aiko", "aiko"), ("Alejandro", "alejandro"), ("Anders", "anders"),
    ("Bea", "bea"), ("Chen", "chen"), ("Chloé", "chloe"), ("Dmitri", "dmitri"), ("Elif", "elif"),
    ("Emma", "emma"), ("Farah", "farah"), ("Femi", "femi"), ("Grace", "grace"), ("Hana", "hana"),
    ("Hugo", "hugo"), ("Ingrid", "ingrid"), ("Isabel", "isabel"), ("Jamal", "jamal"), ("José", "jose"),
    ("Kai", "kai"), ("Kwame", "kwame"), ("Leila", "leila"), ("Liam", "liam"), ("Lucía", "lucia"),
    ("Mateo", "mateo"), ("Mei", "mei"), ("Mohammed", "mohammed"), ("Nadia", "nadia"), ("Noah", "noah"),
    ("Olu", "olu"), ("Omar", "omar"), ("Priya", "priya"), ("Rafael", "rafael"), ("Ravi", "ravi"),
    ("Rosa", "rosa"), ("Saanvi", "saanvi"), ("Sofia", "sofia"), ("Søren", "soren"), ("Tariq", "tariq"),
    ("Thandiwe", "thandiwe"), ("Tomás", "tomas"), ("Uma", "uma"), ("Valentina", "valentina"), ("Wei", "wei"),
    ("Yara", "yara"), ("Yusuf", "yusuf"), ("Zoë", "zoe"),
];

/// Family names: (as written, as it appears in an email address).
#[rustfmt::skip]
const FAMILY: [(&str, &str); 40] = [
    ("Abebe", "abebe"), ("Andersen", "andersen"), ("Bianchi", "bianchi"), ("Chowdhury", "chowdhury"),
    ("Dubois", "dubois"), ("Eriksson", "eriksson"), ("Fernández", "fernandez"), ("García", "garcia"),
    ("Haddad", "haddad"), ("Hopper", "hopper"), ("Ivanova", "ivanova"), ("Jensen", "jensen"), ("Kim", "kim"),
    ("Kowalski", "kowalski"), ("Li", "li"), ("Lovelace", "lovelace"), ("Martin", "martin"),
    ("Mensah", "mensah"), ("Müller", "muller"), ("Nakamura", "nakamura"), ("Nguyen", "nguyen"),
    ("Novak", "novak"), ("O'Brien", "obrien"), ("Okafor", "okafor"), ("Patel", "patel"), ("Popescu", "popescu"),
    ("Quispe", "quispe"), ("Rossi", "rossi"), ("Santos", "santos"), ("Schmidt", "schmidt"), ("Silva", "silva"),
    ("Singh", "singh"), ("Smith", "smith"), ("Tanaka", "tanaka"), ("Van der Berg", "vanderberg"),
    ("Wang", "wang"), ("Williams", "williams"), ("Yilmaz", "yilmaz"), ("Zhang", "zhang"), ("Żak", "zak"),
];

/// Makes `organizations` organizations named "Demo Org N", each with an admin
/// (`admin@<slug>.example`) and `users` other members, all with `password`.
/// Organizations that already exist are left alone, so a second run can add
/// more of them. The people are the same on every run (a fixed random seed).
pub async fn demo(config: &Config, organizations: u32, users: u32, password: String) -> Result<(), Error> {
    let password = NewPassword::parse(password).map_err(|e| Error::Input(format!("--password: {e}")))?;
    let store = store::connect(&config.database_url).await?;
    let password_hash = passwords::hash(password)
        .await
        .map_err(|_| Error::Input("the password could not be hashed".to_owned()))?;
    let invalid = |e: &dyn std::fmt::Display| Error::Input(e.to_string());

    for n in 1..=organizations {
        let name = OrganizationName::parse(&format!("Demo Org {n}")).map_err(|e| invalid(&e))?;
        let slug = Slug::from_name(name.as_str()).map_err(|e| invalid(&e))?;
        let now = Utc::now();
        let organization = match store.create_organization(&slug, &name, Actor::system(), now).await {
            Ok(organization) => organization,
            Err(StoreError::SlugTaken) => {
                println!("{slug}: exists, left alone");
                continue;
            }
            Err(other) => return Err(other.into()),
        };
        let admin = NewUser {
            email: Email::parse(&format!("admin@{slug}.example")).map_err(|e| invalid(&e))?,
            name: DisplayName::parse(&format!("Demo Admin {n}")).map_err(|e| invalid(&e))?,
            password_hash: password_hash.clone(),
            is_super_admin: false,
        };
        let admin = store.create_user(admin, Actor::system(), now).await?;
        store
            .add_member(
                organization.id,
                admin.id,
                Role::Admin,
                MembershipStatus::Active,
                Actor::system(),
                now,
            )
            .await?;

        let mut random = StdRng::seed_from_u64(u64::from(n));
        let people = (1..=users)
            .map(|u| person(&mut random, u, slug.as_str(), &password_hash, now))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| invalid(&e))?;
        store.seed_members(organization.id, &people, Actor::system(), now).await?;
        println!("{slug}: created, admin admin@{slug}.example, {users} members");
    }
    Ok(())
}

/// The `number`th person of an organization: about 5% admins and 25%
/// editors; 8% invited and not yet joined, 4% suspended; joined some time in
/// the last three years, and most signed in since, recently more often.
fn person(
    random: &mut StdRng,
    number: u32,
    slug: &str,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<SeedMember, String> {
    let (given, given_ascii) = *GIVEN.choose(random).unwrap_or(&GIVEN[0]);
    let (family, family_ascii) = *FAMILY.choose(random).unwrap_or(&FAMILY[0]);
    let role = match random.random_range(0..100) {
        0..5 => Role::Admin,
        5..30 => Role::Editor,
        _ => Role::Viewer,
    };
    let status = match random.random_range(0..100) {
        0..8 => MembershipStatus::Invited,
        8..12 => MembershipStatus::Suspended,
        _ => MembershipStatus::Active,
    };
    let created_at = now - Duration::minutes(random.random_range(60..3 * 365 * 24 * 60));
    let joined_at = (status != MembershipStatus::Invited)
        .then(|| created_at + Duration::minutes(random.random_range(1..3 * 24 * 60)))
        .filter(|at| *at < now);
    let last_sign_in_at = joined_at.filter(|_| random.random_ratio(9, 10)).map(|joined| {
        // Squaring a uniform draw favours recent sign-ins.
        let span = (now - joined).num_minutes().max(1) as f64;
        let ago = span * random.random::<f64>().powi(2);
        now - Duration::minutes(ago as i64)
    });
    Ok(SeedMember {
        email: Email::parse(&format!("{given_ascii}.{family_ascii}.{number}@{slug}.example"))
            .map_err(|e| e.to_string())?,
        name: DisplayName::parse(&format!("{given} {family}")).map_err(|e| e.to_string())?,
        password_hash: (status != MembershipStatus::Invited).then(|| password_hash.to_owned()),
        role,
        status,
        created_at,
        joined_at,
        last_sign_in_at,
    })
}
