//! `roster-bench`: seeds a database, starts a release build of `roster` on
//! it and measures it over HTTP, the way a browser uses it. Prints one
//! Markdown table row per measurement. See `scripts/bench`.

mod api;
mod browser;
mod database;
mod figures;
mod oidc;
mod scim;
mod server;
mod two_factor;
mod workload;

use std::{path::PathBuf, time::Duration};

use clap::{Parser, ValueEnum};

use crate::{database::Database, figures::Figures, server::Roster};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Parser)]
#[command(about = "Measures a release build of Roster against its performance budget")]
struct Args {
    /// The `roster` binary to measure (a release build).
    #[arg(long, default_value = "target/release/roster")]
    roster: PathBuf,
    #[arg(long, value_enum)]
    database: Backend,
    /// A PostgreSQL server where the benchmark may create and drop a database.
    #[arg(
        long,
        env = "ROSTER_BENCH_POSTGRES_URL",
        default_value = "postgres://postgres@127.0.0.1:5432/postgres"
    )]
    postgres_url: String,
    /// Members of the organization that is measured.
    #[arg(long, default_value_t = 100_000)]
    members: u32,
    /// Other organizations beside it, of 2,000 members each.
    #[arg(long, default_value_t = 4)]
    other_organizations: u32,
    /// Also measure sign-ins per second, and the list under that load.
    #[arg(long)]
    sign_ins: bool,
    /// Also measure Sign in with Roster: authorization-code sign-ins and
    /// token refreshes per second.
    #[arg(long)]
    oidc: bool,
    /// Also measure the management API: the members list through `/v1`
    /// (first slices, and the whole list walked by cursor) and webhook
    /// deliveries per second.
    #[arg(long)]
    api: bool,
    /// Also measure the SCIM service provider: users created per second and
    /// filtered lookups at the organization's size.
    #[arg(long)]
    scim: bool,
    /// Also measure navigation to interactive in headless Chromium (needs
    /// `scripts/prerequisites --test`: Chromium and the end-to-end packages).
    #[arg(long)]
    browser: bool,
    /// How many of the slowest list requests to print (on standard error).
    #[arg(long, default_value_t = 3)]
    slowest: usize,
}

const PASSWORD: &str = "benchmark password, not secret";
const ORGANIZATION: &str = "demo-org-1";
const ADMIN: &str = "admin@demo-org-1.example";
const SUPER_ADMIN: &str = "root@bench.example";

#[tokio::main]
async fn main() {
    let args = Args::parse();
    if let Err(error) = run(args).await {
        eprintln!("roster-bench: {error}");
        std::process::exit(1);
    }
}

async fn run(args: Args) -> Result<(), String> {
    let database = Database::create(args.database, &args.postgres_url).await?;
    // The database is dropped and the server stopped whatever happens.
    let measured = seed_and_measure(&args, &database).await;
    database.drop().await;
    let (rows, facts) = measured?;
    for row in rows {
        println!("{row}");
    }
    for fact in facts {
        println!("{fact}");
    }
    Ok(())
}

/// Table rows and facts, in the order they are printed.
async fn seed_and_measure(args: &Args, database: &Database) -> Result<(Vec<String>, Vec<String>), String> {
    let label = format!("{:?}", args.database).to_lowercase();
    let seeded = database.seed(&args.roster, args.members, args.other_organizations).await?;
    eprintln!("{label}: seeded {} members in {:.1} s", args.members, seeded.as_secs_f64());
    if args.oidc {
        database.create_super_admin(&args.roster, SUPER_ADMIN)?;
    }
    let roster = Roster::start(&args.roster, database).await?;
    let measured = measure(args, &label, &roster).await;
    roster.stop();
    measured
}

async fn measure(args: &Args, label: &str, roster: &Roster) -> Result<(Vec<String>, Vec<String>), String> {
    let client = workload::signed_in(&roster.base, ADMIN, PASSWORD).await?;
    let idle_memory = roster.resident_kib();

    workload::warm_up(&client, &roster.base).await?;
    let list = workload::every_list_combination(&client, &roster.base).await?;
    let page = workload::members_page(&client, &roster.base).await?;
    let mut rows = vec![
        Figures::row(label, args.members, "list members (server function), every combination", &list),
        Figures::row(label, args.members, "members page (server-rendered HTML)", &page),
    ];
    // The same list requests by search, to show where the time goes.
    for (search, figures) in list.split_by(workload::search_of) {
        let what = if search.is_empty() {
            "list, no search".to_owned()
        } else {
            format!("list, search “{search}”")
        };
        rows.push(Figures::row(label, args.members, &what, &figures));
    }
    if args.browser {
        for (what, figures) in browser::members_page_visits(&roster.base, 20)? {
            rows.push(Figures::row(
                label,
                args.members,
                &format!("members page in Chromium: {what}"),
                &figures,
            ));
        }
    }
    let mut facts = Vec::new();
    if args.browser {
        facts.extend(
            browser::page_downloads(&roster.base)?.into_iter().map(|line| format!("{label}: {line}")),
        );
    }
    if args.sign_ins {
        let (rate, under_load) =
            workload::sign_ins_with_list(&client, &roster.base, Duration::from_secs(15)).await?;
        rows.push(Figures::row(
            label,
            args.members,
            "list members while sign-ins saturate the CPU",
            &under_load,
        ));
        facts.push(format!("{label}: {rate:.1} sign-ins per second on all cores"));
        let admin = workload::signed_in(&roster.base, ADMIN, PASSWORD).await?;
        let rate = two_factor::sign_ins(&admin, &roster.base, 300, Duration::from_secs(15)).await?;
        facts.push(format!(
            "{label}: {rate:.1} sign-ins per second with an authenticator app (password, then code; on all cores)"
        ));
    }
    if args.oidc {
        let root = workload::signed_in(&roster.base, SUPER_ADMIN, PASSWORD).await?;
        let client_id = oidc::register_app(&root, &roster.base).await?;
        let (sign_ins, refreshes) =
            oidc::rates(client.clone(), &roster.base, &client_id, Duration::from_secs(10)).await?;
        facts.push(format!(
            "{label}: {sign_ins:.1} authorization-code sign-ins per second (authorize + token)"
        ));
        facts.push(format!("{label}: {refreshes:.1} token refreshes per second"));
    }
    if args.api {
        let (first, deep) = api::members_list(&client, &roster.base, args.members).await?;
        rows.push(Figures::row(
            label,
            args.members,
            "/v1 members, first slice of 50, every search × filter × order",
            &first,
        ));
        rows.push(Figures::row(
            label,
            args.members,
            "/v1 members, the whole list walked by cursor, 500 a slice",
            &deep,
        ));
        let (rate, latency) = api::webhook_deliveries(&client, &roster.base, 1_000).await?;
        rows.push(Figures::row(label, args.members, "webhook event, queued to received", &latency));
        facts.push(format!("{label}: {rate:.1} webhook deliveries per second (one endpoint, one worker)"));
    }
    if args.scim {
        let (rate, created) = scim::creations(&client, &roster.base, 1_000).await?;
        rows.push(Figures::row(label, args.members, "SCIM POST /Users, 8 at a time", &created));
        facts.push(format!("{label}: {rate:.1} SCIM user creations per second (8 in flight)"));
        let lookups = scim::filtered_gets(&client, &roster.base, args.members).await?;
        for (filter, figures) in
            lookups.split_by(|what| what.split(' ').take(2).collect::<Vec<_>>().join(" "))
        {
            rows.push(Figures::row(
                label,
                args.members,
                &format!("SCIM GET /Users?filter={filter} …"),
                &figures,
            ));
        }
    }
    let megabytes =
        |kib: Option<u64>| kib.map_or("?".to_owned(), |kib| format!("{:.1} MB", kib as f64 / 1024.0));
    facts.push(format!(
        "{label}: server resident memory {} idle, {} at most",
        megabytes(idle_memory),
        megabytes(roster.peak_resident_kib())
    ));
    for (slowest, duration) in list.slowest(args.slowest) {
        eprintln!("{label}: slow list query {:.1} ms: {slowest}", duration.as_secs_f64() * 1000.0);
    }
    Ok((rows, facts))
}
