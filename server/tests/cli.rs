//! The `roster` binary's commands, run as a person or a script would.

use std::{
    io::Write,
    process::{Command, Output, Stdio},
};

use testkit::{Backend, TestDatabase};

fn roster(db: &TestDatabase, args: &[&str], env: &[(&str, &str)], stdin: &str) -> Output {
    let url = match &db.url {
        store::DatabaseUrl::Sqlite(url) | store::DatabaseUrl::Postgres(url) => url.clone(),
    };
    let mut child = Command::new(env!("CARGO_BIN_EXE_roster"))
        .args(args)
        .env("ROSTER_DATABASE_URL", url)
        .envs(env.iter().copied())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run roster");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

#[tokio::test]
async fn create_super_admin_reads_the_password_from_stdin() {
    let db = TestDatabase::new(Backend::Sqlite).await;
    let created =
        roster(&db, &["create-super-admin", "--email", "Ops@Example.com"], &[], "correct horse battery\n");
    assert!(created.status.success(), "{}", String::from_utf8_lossy(&created.stderr));
    assert!(String::from_utf8_lossy(&created.stdout).contains("Created super admin ops@example.com"));

    let store = db.store().await;
    assert!(store.super_admin_exists().await.unwrap());

    let again =
        roster(&db, &["create-super-admin", "--email", "ops@example.com"], &[], "correct horse battery\n");
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
}

#[tokio::test]
async fn create_super_admin_refuses_bad_input_and_changes_nothing() {
    let db = TestDatabase::new(Backend::Sqlite).await;
    let short = roster(&db, &["create-super-admin", "--email", "ops@example.com"], &[], "short\n");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 8 characters"));
    let bad_email = roster(&db, &["create-super-admin", "--email", "ops"], &[], "correct horse battery\n");
    assert!(String::from_utf8_lossy(&bad_email.stderr).contains("--email"));
    assert!(!db.store().await.super_admin_exists().await.unwrap());
}

#[tokio::test]
async fn migrate_applies_the_schema() {
    let db = TestDatabase::new(Backend::Sqlite).await;
    let migrated = roster(&db, &["migrate"], &[], "");
    assert!(migrated.status.success(), "{}", String::from_utf8_lossy(&migrated.stderr));
    assert!(String::from_utf8_lossy(&migrated.stdout).contains("Migrations applied"));
}

#[tokio::test]
async fn an_invalid_setting_stops_start_up_naming_the_variable() {
    let db = TestDatabase::new(Backend::Sqlite).await;
    for (variable, value) in [("ROSTER_PUBLIC_URL", "roster.example.com"), ("LEPTOS_SITE_ADDR", "everywhere")]
    {
        let refused = roster(&db, &["serve"], &[(variable, value)], "");
        assert_eq!(refused.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(stderr.starts_with(&format!("roster: {variable}: ")), "{stderr}");
    }
}
