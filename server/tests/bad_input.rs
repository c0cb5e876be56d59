//! Every server function that takes input, called with each of its fields
//! made bad in turn: missing, sent twice, of the wrong type, oversized,
//! broken UTF-8, control characters, SQL and markup. Each call must answer
//! 4xx with a message (a listing may instead fall back to a sane default)
//! and leave the database exactly as it was (DESIGN invariant 7). The other
//! fields of each call are valid, and for a call that changes something the
//! valid call would change it, so a refusal is the bad field's doing.

mod support;

use domain::{AppKind, Role};
use reqwest::{StatusCode, header};
use support::{
    Browser, SUPPORT_PASSWORD, TestApp, oidc,
    snapshot::{Snapshots, differences},
};
use testkit::{TestDatabase, on_both_databases};

/// What a field holds, which decides the bad values it is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A database id.
    Id,
    Page,
    Bool,
    /// Finds something by name: a slug or a link's token.
    Lookup,
    Email,
    EmailList,
    /// One of a few words: a role, a bulk action.
    Choice,
    /// A person's or an organization's name.
    Name,
    /// A suspension reason: free text, newlines allowed.
    Reason,
    /// Free text to search for, or a listing's URL query.
    Search,
    /// A password to check.
    Password,
    /// A password to set.
    NewPassword,
    /// A comma-separated list of member ids.
    Ids,
    /// URIs of an application, one per line.
    Uris,
    /// A browser's answer to a passkey prompt, as JSON.
    Json,
}

const SQL: &str = "x' OR '1'='1'; DROP TABLE users; --";
const MARKUP: &str = "<script>alert(1)</script>";

/// The bad values for a field of `kind`, by name. Missing, sent-twice and
/// broken-UTF-8 values are added for every field.
fn bad_values(kind: Kind) -> Vec<(&'static str, String)> {
    let huge = "x".repeat(100_000);
    let values: Vec<(&str, String)> = match kind {
        Kind::Id => vec![
            ("letters", "abc".into()),
            ("empty", "".into()),
            ("fraction", "1.5".into()),
            ("overflowing", "99999999999999999999".into()),
            ("sql", SQL.into()),
        ],
        Kind::Page => {
            vec![("negative", "-1".into()), ("letters", "abc".into()), ("overflowing", "4294967296".into())]
        }
        Kind::Bool => vec![("not a boolean", "maybe".into()), ("empty", "".into())],
        Kind::Lookup | Kind::Email | Kind::EmailList | Kind::Choice | Kind::Ids => vec![
            ("oversized", huge),
            ("nul", "a\0b".into()),
            ("sql", SQL.into()),
            ("markup", MARKUP.into()),
            ("path", "../../etc/passwd".into()),
        ],
        Kind::Name => vec![
            ("oversized", huge),
            ("nul", "a\0b".into()),
            ("escape sequence", "\u{1b}[31mred".into()),
            ("blank", "   ".into()),
        ],
        Kind::Reason => vec![("oversized", huge), ("nul", "a\0b".into())],
        Kind::Search => vec![("oversized", huge)],
        Kind::Password => vec![("oversized", huge)],
        Kind::NewPassword => vec![("oversized", huge), ("empty", "".into()), ("short", "short".into())],
        Kind::Json => vec![
            ("oversized", huge),
            ("nul", "{\"id\":\"a\0b\"}".into()),
            ("not json", "{\"id\":".into()),
            ("another shape", "[1, 2, 3]".into()),
            ("sql", SQL.into()),
            ("markup", MARKUP.into()),
        ],
        Kind::Uris => vec![
            ("oversized", huge),
            ("nul", "https://a.example/\0cb".into()),
            ("relative", "/callback".into()),
            ("script", "javascript:alert(1)".into()),
            ("plain http", "http://billing.example/cb".into()),
            ("fragment", "https://billing.example/cb#x".into()),
            ("credentials", "https://user:pw@billing.example/cb".into()),
            ("markup", MARKUP.into()),
            ("too many", (0..11).map(|i| format!("https://a.example/{i}\n")).collect()),
        ],
    };
    values
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    SuperAdmin,
    SignedOut,
}

/// A server function and a valid call of it.
struct Function {
    name: &'static str,
    who: Who,
    /// Reads only: a bad value may also be answered with a default (200).
    reads: bool,
    fields: Vec<Field>,
}

struct Field {
    name: &'static str,
    kind: Kind,
    valid: String,
    optional: bool,
}

fn field(name: &'static str, kind: Kind, valid: impl ToString) -> Field {
    Field { name, kind, valid: valid.to_string(), optional: false }
}

fn optional(name: &'static str, kind: Kind, valid: impl ToString) -> Field {
    Field { name, kind, valid: valid.to_string(), optional: true }
}

fn changes(name: &'static str, who: Who, fields: Vec<Field>) -> Function {
    Function { name, who, reads: false, fields }
}

fn reads(name: &'static str, fields: Vec<Field>) -> Function {
    Function { name, who: Who::SuperAdmin, reads: true, fields }
}

/// How one field is spoilt.
enum Spoilt {
    Missing,
    Twice,
    BrokenUtf8,
    Value(String),
}

/// The form body of `function` with `target` spoilt.
fn body(function: &Function, target: &str, spoilt: &Spoilt) -> Vec<u8> {
    form_body(&function.fields, target, spoilt)
}

/// `fields`, form-encoded, with `target` spoilt.
fn form_body(fields: &[Field], target: &str, spoilt: &Spoilt) -> Vec<u8> {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for field in fields {
        if field.name != target {
            form.append_pair(field.name, &field.valid);
            continue;
        }
        match spoilt {
            Spoilt::Missing | Spoilt::BrokenUtf8 => {}
            Spoilt::Twice => {
                form.append_pair(field.name, &field.valid);
                form.append_pair(field.name, &field.valid);
            }
            Spoilt::Value(value) => {
                form.append_pair(field.name, value);
            }
        }
    }
    let mut body = form.finish().into_bytes();
    if let Spoilt::BrokenUtf8 = spoilt {
        body.extend_from_slice(format!("&{target}=Ad%FF%FEa").as_bytes());
    }
    body
}

struct World {
    super_admin: Browser,
    signed_out: Browser,
    functions: Vec<Function>,
}

async fn world(app: &TestApp) -> World {
    let acme = app.create_organization("Acme").await;
    let (_, mut super_admin) = app.signed_in("root@example.com", true).await;
    let (ada, _) = app.signed_in("ada@acme.example", false).await;
    app.add_member(acme.id, ada.id, Role::Admin).await;
    let (vic, _vic_browser) = app.signed_in("vic@acme.example", false).await;
    app.add_member(acme.id, vic.id, Role::Viewer).await;

    let invited = super_admin
        .call("invite_members", &[("slug", "acme"), ("emails", "ivy@example.com"), ("role", "viewer")])
        .await;
    assert_eq!(invited.status, StatusCode::OK, "{}", invited.body);
    let mut signed_out = app.browser();
    let reset = signed_out.call("request_password_reset", &[("email", "vic@acme.example")]).await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
    let outbox = app.store.list_outbox(100, 0).await.unwrap().items;
    let token_to = |recipient: &str, path: &str| {
        let email = outbox.iter().find(|e| e.recipient == recipient).expect("an email");
        let start = email.body_text.find(path).expect("a link") + path.len();
        email.body_text[start..].split_whitespace().next().unwrap().to_owned()
    };
    let invitation = token_to("ivy@example.com", "/invite?token=");
    let reset = token_to("vic@acme.example", "/reset-password?token=");
    let setup = app.setup_link.as_deref().and_then(|l| l.split("token=").nth(1)).unwrap_or("none").to_owned();
    let ivy = app.store.pending_invitations(acme.id, 10).await.unwrap()[0].user_id;
    let now = chrono::Utc::now();
    let vic_session =
        app.store.live_sessions(vic.id, now, now - chrono::Duration::days(1)).await.unwrap()[0].id;
    let email_id = outbox[0].id;
    let (app_id, client_id) = register_app(&mut super_admin).await;
    let grant_id = app_session(app, app_id, vic.id, acme.id).await;
    let (hook, delivery) = webhook(app, acme.id).await;
    let receiver = "http://127.0.0.1:9/hooks";
    let key = super_admin
        .call("create_api_key", &[("slug", "acme"), ("name", "billing"), ("expires_in_days", "")])
        .await;
    assert_eq!(key.status, StatusCode::OK, "{}", key.body);
    let key: serde_json::Value = serde_json::from_str(&key.body).unwrap();
    let key_id = key["key"]["id"].as_i64().unwrap();
    let token = super_admin.call("create_scim_token", &[("slug", "acme"), ("name", "Okta")]).await;
    assert_eq!(token.status, StatusCode::OK, "{}", token.body);
    let token: serde_json::Value = serde_json::from_str(&token.body).unwrap();
    let token_id = token["key"]["id"].as_i64().unwrap();

    use Kind::*;
    use Who::*;
    let functions = vec![
        changes(
            "sign_in",
            SignedOut,
            vec![field("email", Email, &vic.email), field("password", Password, SUPPORT_PASSWORD)],
        ),
        changes("request_password_reset", SignedOut, vec![field("email", Email, &vic.email)]),
        changes(
            "reset_password",
            SignedOut,
            vec![field("token", Lookup, &reset), field("password", NewPassword, "a brand new passphrase")],
        ),
        changes("check_reset_link", SignedOut, vec![field("token", Lookup, &reset)]),
        changes("check_setup_link", SignedOut, vec![field("token", Lookup, &setup)]),
        changes(
            "complete_setup",
            SignedOut,
            vec![
                field("token", Lookup, &setup),
                field("email", Email, "setup@example.com"),
                field("name", Name, "Setup"),
                field("password", NewPassword, "a brand new passphrase"),
            ],
        ),
        changes("invitation", SignedOut, vec![field("token", Lookup, &invitation)]),
        changes(
            "accept_invitation",
            SignedOut,
            vec![
                field("token", Lookup, &invitation),
                field("name", Name, "Ivy"),
                field("password", NewPassword, "a brand new passphrase"),
            ],
        ),
        changes(
            "invite_members",
            SuperAdmin,
            vec![
                field("slug", Lookup, "acme"),
                field("emails", EmailList, "new@example.com"),
                field("role", Choice, "viewer"),
            ],
        ),
        changes(
            "resend_invitation",
            SuperAdmin,
            vec![field("slug", Lookup, "acme"), field("user_id", Id, ivy)],
        ),
        changes(
            "revoke_invitation",
            SuperAdmin,
            vec![field("slug", Lookup, "acme"), field("user_id", Id, ivy)],
        ),
        changes(
            "change_member_role",
            SuperAdmin,
            vec![
                field("slug", Lookup, "acme"),
                field("user_id", Id, vic.id),
                field("role", Choice, "editor"),
            ],
        ),
        changes(
            "remove_member",
            SuperAdmin,
            vec![
                field("slug", Lookup, "acme"),
                field("user_id", Id, vic.id),
                field("confirm_email", Email, &vic.email),
            ],
        ),
        changes(
            "act_on_members",
            SuperAdmin,
            vec![
                field("slug", Lookup, "acme"),
                field("action", Choice, "suspend"),
                field("members", Ids, vic.id),
                field("all_matching", Bool, false),
                field("query", Search, ""),
                field("reason", Reason, "Left the team"),
            ],
        ),
        changes(
            "create_organization",
            SuperAdmin,
            vec![field("name", Name, "Globex"), field("slug", Lookup, "globex")],
        ),
        changes(
            "rename_organization",
            SuperAdmin,
            vec![field("slug", Lookup, "acme"), field("name", Name, "Acme Two")],
        ),
        changes(
            "set_organization_suspended",
            SuperAdmin,
            vec![field("slug", Lookup, "acme"), field("suspended", Bool, true)],
        ),
        changes(
            "set_account_suspended",
            SuperAdmin,
            vec![
                field("user_id", Id, vic.id),
                field("suspended", Bool, true),
                field("reason", Reason, "Left"),
            ],
        ),
        changes(
            "delete_account",
            SuperAdmin,
            vec![
                field("user_id", Id, vic.id),
                field("confirm_email", Email, &vic.email),
                field("with_data", Bool, false),
            ],
        ),
        changes("retry_email", SuperAdmin, vec![field("id", Id, email_id)]),
        changes(
            "end_person_session",
            SuperAdmin,
            vec![
                optional("org", Lookup, "acme"),
                field("user_id", Id, vic.id),
                field("session_id", Id, vic_session),
            ],
        ),
        changes(
            "change_password",
            SuperAdmin,
            vec![
                field("current", Password, SUPPORT_PASSWORD),
                field("new", NewPassword, "a brand new passphrase"),
            ],
        ),
        changes("rename_self", SuperAdmin, vec![field("name", Name, "Root Two")]),
        changes(
            "register_app",
            SuperAdmin,
            vec![
                field("name", Name, "Invoices"),
                field("kind", Choice, "public"),
                field("redirect_uris", Uris, "https://invoices.example/cb"),
                field("post_logout_redirect_uris", Uris, "https://invoices.example/bye"),
                field("backchannel_logout_uri", Uris, "https://invoices.example/logout"),
            ],
        ),
        changes(
            "update_app",
            SuperAdmin,
            vec![
                field("id", Id, app_id),
                field("name", Name, "Billing Two"),
                field("redirect_uris", Uris, "https://billing.example/cb2"),
                field("post_logout_redirect_uris", Uris, "https://billing.example/bye"),
                field("backchannel_logout_uri", Uris, "https://billing.example/logout"),
            ],
        ),
        changes("replace_app_secret", SuperAdmin, vec![field("id", Id, app_id)]),
        changes("set_app_enabled", SuperAdmin, vec![field("id", Id, app_id), field("enabled", Bool, false)]),
        changes(
            "delete_app",
            SuperAdmin,
            vec![field("id", Id, app_id), field("confirm_name", Name, "Billing")],
        ),
        changes(
            "end_person_app_session",
            SuperAdmin,
            vec![
                optional("org", Lookup, "acme"),
                field("user_id", Id, vic.id),
                field("grant_id", Id, grant_id),
            ],
        ),
        changes(
            "register_webhook",
            SuperAdmin,
            vec![
                field("scope", Lookup, "acme"),
                field("url", Uris, receiver),
                field("description", Reason, "Billing"),
                field("events", Choice, "member.invited,member.removed"),
            ],
        ),
        changes(
            "update_webhook",
            SuperAdmin,
            vec![
                field("scope", Lookup, "acme"),
                field("id", Id, hook),
                field("url", Uris, receiver),
                field("description", Reason, "Billing two"),
                field("events", Choice, "member.removed"),
            ],
        ),
        changes(
            "rotate_webhook_secret",
            SuperAdmin,
            vec![field("scope", Lookup, "acme"), field("id", Id, hook)],
        ),
        changes(
            "set_webhook_enabled",
            SuperAdmin,
            vec![field("scope", Lookup, "acme"), field("id", Id, hook), field("enabled", Bool, true)],
        ),
        changes(
            "delete_webhook",
            SuperAdmin,
            vec![
                field("scope", Lookup, "acme"),
                field("id", Id, hook),
                field("confirm_url", Lookup, receiver),
            ],
        ),
        changes("send_test_webhook", SuperAdmin, vec![field("scope", Lookup, "acme"), field("id", Id, hook)]),
        changes(
            "resend_webhook_delivery",
            SuperAdmin,
            vec![
                field("scope", Lookup, "acme"),
                field("id", Id, hook),
                field("delivery_id", Lookup, &delivery),
            ],
        ),
        reads("list_webhooks", vec![field("scope", Lookup, "acme")]),
        reads("webhook_details", vec![field("scope", Lookup, "acme"), field("id", Id, hook)]),
        reads(
            "list_webhook_deliveries",
            vec![field("scope", Lookup, "acme"), field("id", Id, hook), field("page", Page, 1)],
        ),
        changes(
            "create_api_key",
            SuperAdmin,
            vec![
                field("slug", Lookup, "acme"),
                field("name", Name, "warehouse"),
                field("expires_in_days", Page, 30),
            ],
        ),
        changes("revoke_api_key", SuperAdmin, vec![field("slug", Lookup, "acme"), field("id", Id, key_id)]),
        reads("list_api_keys", vec![field("slug", Lookup, "acme")]),
        reads("scim_provisioning", vec![field("slug", Lookup, "acme")]),
        changes(
            "create_scim_token",
            SuperAdmin,
            vec![field("slug", Lookup, "acme"), field("name", Name, "Entra")],
        ),
        changes(
            "revoke_scim_token",
            SuperAdmin,
            vec![field("slug", Lookup, "acme"), field("id", Id, token_id)],
        ),
        changes(
            "set_scim_welcome_email",
            SuperAdmin,
            vec![field("slug", Lookup, "acme"), field("on", Bool, false)],
        ),
        changes(
            "rename_scim_group",
            SuperAdmin,
            vec![
                field("slug", Lookup, "acme"),
                field("role", Choice, "admin"),
                field("display_name", Name, "Roster admins"),
            ],
        ),
        changes(
            "set_two_factor_requirement",
            SuperAdmin,
            vec![field("slug", Lookup, "acme"), field("required_for", Choice, "admins")],
        ),
        changes("set_super_admin_two_factor", SuperAdmin, vec![field("required", Bool, true)]),
        changes(
            "confirm_totp",
            SuperAdmin,
            vec![
                field("factor_name", Name, "Phone"),
                field("secret", Lookup, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"),
                field("code", Lookup, "123456"),
            ],
        ),
        changes("remove_second_factor", SuperAdmin, vec![field("id", Id, 1)]),
        changes("confirm_second_factor", SuperAdmin, vec![field("confirm_code", Lookup, "123456")]),
        changes(
            "verify_second_step",
            SignedOut,
            vec![field("code", Lookup, "123456"), optional("next", Lookup, "/")],
        ),
        changes(
            "finish_passkey_registration",
            SuperAdmin,
            vec![
                field("challenge", Lookup, "unknown"),
                field("passkey_name", Name, "Laptop"),
                field("credential", Json, "{}"),
            ],
        ),
        changes(
            "confirm_with_passkey",
            SuperAdmin,
            vec![field("challenge", Lookup, "unknown"), field("credential", Json, "{}")],
        ),
        changes(
            "finish_passkey_second_step",
            SignedOut,
            vec![field("credential", Json, "{}"), optional("next", Lookup, "/")],
        ),
        changes(
            "finish_passkey_sign_in",
            SignedOut,
            vec![
                field("challenge", Lookup, "unknown"),
                field("credential", Json, "{}"),
                optional("next", Lookup, "/"),
            ],
        ),
        changes(
            "reset_two_factor",
            SuperAdmin,
            vec![optional("org", Lookup, "acme"), field("user_id", Id, vic.id)],
        ),
        reads("organization_two_factor", vec![field("slug", Lookup, "acme")]),
        reads("app_details", vec![field("id", Id, app_id)]),
        reads("list_logouts", vec![field("page", Page, 1)]),
        reads("app_sign_in_name", vec![field("client_id", Lookup, &client_id)]),
        reads("organization_choice", vec![field("client_id", Lookup, &client_id)]),
        reads("list_accounts", vec![field("search", Search, ""), field("page", Page, 1)]),
        reads("list_organizations", vec![field("search", Search, ""), field("page", Page, 1)]),
        reads("switcher_organizations", vec![field("search", Search, "")]),
        reads("organization", vec![field("slug", Lookup, "acme")]),
        reads("organization_context", vec![field("slug", Lookup, "acme")]),
        reads("organization_overview", vec![field("slug", Lookup, "acme")]),
        reads(
            "pending_invitations",
            vec![field("slug", Lookup, "acme"), optional("show", Choice, "pending")],
        ),
        reads("list_members", vec![field("slug", Lookup, "acme"), field("query", Search, "sort=name")]),
        reads(
            "matching_members",
            vec![field("slug", Lookup, "acme"), field("query", Search, "status=active")],
        ),
        reads("list_outbox", vec![field("page", Page, 1)]),
        reads("person_activity", vec![optional("org", Lookup, "acme"), field("user_id", Id, vic.id)]),
        reads(
            "person_timeline",
            vec![optional("org", Lookup, "acme"), field("user_id", Id, vic.id), field("page", Page, 1)],
        ),
        reads("audit_log", vec![optional("org", Lookup, "acme"), field("query", Search, "")]),
    ];
    World { super_admin, signed_out, functions }
}

/// A disabled webhook endpoint of the organization with one queued
/// delivery: its id and the delivery's. Disabled, so the worker leaves it
/// alone while the snapshots are compared.
async fn webhook(app: &TestApp, organization_id: i64) -> (i64, String) {
    let events = ["member.invited".to_owned()];
    let endpoint = store::NewWebhookEndpoint {
        organization_id: Some(organization_id),
        settings: domain::WebhookSettings::parse("http://127.0.0.1:9/hooks", "", &events).unwrap(),
        secret: app::ssr::webhooks::new_secret(),
    };
    let now = chrono::Utc::now();
    let hook = app.store.create_webhook(endpoint, store::Actor::system(), now).await.unwrap().id;
    app.store.set_webhook_disabled(hook, Some("Paused."), store::Actor::system(), now).await.unwrap();
    let delivery = app.store.send_test_webhook(hook, store::Actor::system(), now).await.unwrap();
    (hook, delivery)
}

/// A confidential app, registered as the pages do: its id and client ID.
async fn register_app(super_admin: &mut Browser) -> (i64, String) {
    let answer = super_admin
        .call(
            "register_app",
            &[
                ("name", "Billing"),
                ("kind", "confidential"),
                ("redirect_uris", "https://billing.example/cb"),
                ("post_logout_redirect_uris", ""),
                ("backchannel_logout_uri", ""),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let created: serde_json::Value = serde_json::from_str(&answer.body).unwrap();
    (created["id"].as_i64().unwrap(), created["client_id"].as_str().unwrap().to_owned())
}

/// A live sign-in of `user_id` to the app, as the authorization endpoint records it: its grant id.
async fn app_session(app: &TestApp, app_id: i64, user_id: i64, organization_id: i64) -> i64 {
    let now = chrono::Utc::now();
    let sign_in = store::NewAppSignIn {
        app_id,
        app_name: "Billing".into(),
        user_id,
        organization_id: Some(organization_id),
        session_id: None,
        sid: "bad-input-sid".into(),
        scope: "openid".into(),
        auth_time: now,
        amr: domain::Amr::password(),
        grant_expires_at: now + chrono::Duration::days(1),
        code_hash: "bad-input-code".into(),
        redirect_uri: "https://billing.example/cb".into(),
        code_challenge: None,
        nonce: None,
        code_expires_at: now + chrono::Duration::seconds(60),
        new_user_public_id: "bad-input-user".into(),
        new_organization_public_id: "bad-input-org".into(),
        user_agent: None,
    };
    app.store.record_app_sign_in(sign_in, store::Actor::system(), now).await.unwrap();
    app.store.app_sessions_of(user_id, None).await.unwrap()[0].grant_id
}

async fn bad_input_gets_a_clear_answer_and_changes_nothing(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let mut world = world(&app).await;
    let snapshots = Snapshots::of(db).await;
    let mut before = snapshots.take().await;
    let mut failures = Vec::new();
    let mut calls = 0;

    for function in &world.functions {
        for target in &function.fields {
            let mut spoilings = vec![("sent twice", Spoilt::Twice), ("broken UTF-8", Spoilt::BrokenUtf8)];
            if !target.optional {
                spoilings.push(("missing", Spoilt::Missing));
            }
            spoilings.extend(
                bad_values(target.kind).into_iter().map(|(label, value)| (label, Spoilt::Value(value))),
            );
            for (label, spoilt) in spoilings {
                let browser = match function.who {
                    Who::SuperAdmin => &mut world.super_admin,
                    Who::SignedOut => &mut world.signed_out,
                };
                let request = reqwest::Client::new()
                    .post(format!("{}/api/{}", app.base, function.name))
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .body(body(function, target.name, &spoilt));
                let answer = browser.send(request).await;
                calls += 1;
                let what = format!("{}({} {label})", function.name, target.name);
                let status = answer.status;
                let refused = status.is_client_error();
                if !(refused || function.reads && status == StatusCode::OK) {
                    failures.push(format!("{what}: {status} {}", snippet(&answer.body)));
                } else if refused {
                    let message = serde_json::from_str::<serde_json::Value>(&answer.body)
                        .ok()
                        .and_then(|json| json["message"].as_str().map(str::to_owned))
                        .unwrap_or_default();
                    if message.trim().is_empty() {
                        failures
                            .push(format!("{what}: {status} without a message: {}", snippet(&answer.body)));
                    }
                }
                let after = snapshots.take().await;
                let changed = differences(&before, &after);
                if !changed.is_empty() {
                    failures.push(format!("{what}: {status} changed {changed:?}"));
                    // Later calls are judged against what is there now.
                    before = after;
                }
            }
        }
    }
    assert!(calls > 300, "{calls} calls");
    assert!(
        failures.is_empty(),
        "{} of {calls} calls answered badly:\n{}",
        failures.len(),
        failures.join("\n")
    );
    app.stop().await;
}
on_both_databases!(bad_input_gets_a_clear_answer_and_changes_nothing);

fn snippet(body: &str) -> String {
    body.chars().take(200).collect()
}

/// Pages and exports read their input from the address: bad paths and
/// queries get a clear message or a sane default, never a server error.
async fn bad_addresses_get_a_clear_answer_and_change_nothing(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let mut world = world(&app).await;
    let snapshots = Snapshots::of(db).await;
    let before = snapshots.take().await;
    let huge = "x".repeat(10_000);
    let paths = [
        "/orgs/a%00b".to_owned(),
        "/orgs/a%00b/members".to_owned(),
        "/orgs/%3Cscript%3E/members".to_owned(),
        format!("/orgs/{huge}/members"),
        "/orgs/acme/members?search=%00&sort=nope&dir=sideways&page=1000000000&size=-3".to_owned(),
        format!("/orgs/acme/members?search={huge}"),
        "/orgs/acme/members?role=owner&status=%FF&signed_in=yesterday".to_owned(),
        "/orgs/acme/members/abc".to_owned(),
        "/orgs/acme/members/99999999999999999999".to_owned(),
        "/orgs/acme/members.csv?search=%00%27%20OR%201%3D1".to_owned(),
        "/orgs/acme/audit?who=%00&about=%3Cscript%3E&action=nope&from=yesterday&to=2020-13-45&page=-1"
            .to_owned(),
        "/orgs/acme/audit.csv?from=2026-12-01&to=2026-01-01".to_owned(),
        format!("/audit?who={huge}"),
        "/audit.csv?page=%FF".to_owned(),
        "/users?search=%00&page=abc".to_owned(),
        "/users/abc".to_owned(),
        "/orgs?search=%00&page=-5".to_owned(),
        "/outbox?page=99999999999".to_owned(),
        "/apps/abc".to_owned(),
        "/apps/99999999999999999999".to_owned(),
        "/apps/logouts?page=-1".to_owned(),
        "/sign-in?next=%2Foauth2%2Fauthorize%3Fclient_id%3D%2500".to_owned(),
        format!("/oauth2/organization?client_id={huge}"),
        "/oauth2/organization?client_id=%3Cscript%3E&organization=x".to_owned(),
        "/invite?token=%00".to_owned(),
        format!("/reset-password?token={huge}"),
        "/setup?token=%3Cscript%3E".to_owned(),
    ];
    let mut failures = Vec::new();
    for path in &paths {
        let answer = world.super_admin.get(path).await;
        if answer.status.is_server_error() || answer.body.contains("Something went wrong") {
            failures.push(format!("{}: {}", &path[..path.len().min(80)], answer.status));
        }
    }
    assert_eq!(differences(&before, &snapshots.take().await), Vec::<String>::new());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    app.stop().await;
}
on_both_databases!(bad_addresses_get_a_clear_answer_and_change_nothing);

/// Text that looks like SQL or markup is a valid name: it is stored as
/// typed and escaped wherever a page shows it.
async fn markup_and_sql_in_names_are_kept_and_shown_as_text(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let mut world = world(&app).await;
    for name in [SQL, MARKUP] {
        let renamed = world.super_admin.call("rename_self", &[("name", name)]).await;
        assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
        let me: serde_json::Value =
            serde_json::from_str(&world.super_admin.call("current_user", &[]).await.body).unwrap();
        assert_eq!(me["name"], name, "stored exactly as typed");
        let renamed =
            world.super_admin.call("rename_organization", &[("slug", "acme"), ("name", name)]).await;
        assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
        assert_eq!(app.store.find_organization("acme").await.unwrap().unwrap().name, name);
    }
    // The names are now markup: on the account menu of every page, in the
    // organizations list and in the audit log.
    for path in ["/account", "/orgs", "/audit"] {
        let page = world.super_admin.get(path).await;
        assert!(!page.body.contains(MARKUP), "{path} holds the markup unescaped");
        assert!(page.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "{path} shows the name as text");
    }
    app.stop().await;
}
on_both_databases!(markup_and_sql_in_names_are_kept_and_shown_as_text);

/// How an OpenID Connect endpoint is called.
enum Protocol {
    /// A form post from an app's server: refused with a JSON `error`
    /// (RFC 6749 §5.2). `lenient` names the field whose bad values may be
    /// answered like an unknown token instead (RFC 7009 §2.2, RFC 7662 §2.2).
    Post { lenient: Option<&'static str> },
    /// A page the browser is sent to: refused with a page, or sent back to
    /// the app with an `error`, never with a code.
    Get,
}

/// The OpenID Connect endpoints, each field of a valid request spoilt in
/// turn (missing, sent twice, broken UTF-8, oversized, NUL, SQL, markup):
/// each answers with the error its specification names and changes nothing.
async fn bad_protocol_input_gets_the_error_the_specifications_name_and_changes_nothing(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let acme = app.create_organization("Acme").await;
    let (ada, mut browser) = app.signed_in("ada@acme.example", false).await;
    app.add_member(acme.id, ada.id, Role::Viewer).await;
    let client = oidc::register(&app.store, AppKind::Confidential, oidc::BACKCHANNEL).await;
    let tokens = oidc::sign_in_to(&app.base, &mut browser, &client, "").await;
    let code = oidc::code_for(&mut browser, &client.client_id, "").await;
    let challenge = oidc::challenge(oidc::VERIFIER);

    use Kind::*;
    let credentials = || {
        vec![field("client_id", Lookup, &client.client_id), field("client_secret", Password, &client.secret)]
    };
    let with_credentials = |mut fields: Vec<Field>| {
        fields.extend(credentials());
        fields
    };
    let endpoints: Vec<(&str, Protocol, Vec<Field>)> = vec![
        (
            "/oauth2/token",
            Protocol::Post { lenient: None },
            with_credentials(vec![
                field("grant_type", Choice, "refresh_token"),
                field("refresh_token", Lookup, &tokens.refresh),
            ]),
        ),
        (
            // A redirect URI or verifier that is readable but wrong uses the
            // code up (oidc.rs); here they are only made unreadable.
            "/oauth2/token",
            Protocol::Post { lenient: None },
            with_credentials(vec![
                field("grant_type", Choice, "authorization_code"),
                field("code", Lookup, &code),
                field("redirect_uri", Search, oidc::REDIRECT),
                optional("code_verifier", Search, oidc::VERIFIER),
            ]),
        ),
        (
            "/oauth2/revoke",
            Protocol::Post { lenient: Some("token") },
            with_credentials(vec![field("token", Lookup, &tokens.access)]),
        ),
        (
            "/oauth2/introspect",
            Protocol::Post { lenient: Some("token") },
            with_credentials(vec![field("token", Lookup, &tokens.access)]),
        ),
        (
            "/oauth2/authorize",
            Protocol::Get,
            vec![
                field("response_type", Choice, "code"),
                field("client_id", Lookup, &client.client_id),
                field("redirect_uri", Lookup, oidc::REDIRECT),
                field("scope", Choice, "openid email organization"),
                optional("state", Reason, "st4te"),
                optional("nonce", Reason, "n0nce"),
                optional("code_challenge", Lookup, &challenge),
                optional("code_challenge_method", Choice, "S256"),
                optional("max_age", Page, 3600),
                optional("organization", Lookup, "acme"),
            ],
        ),
        (
            "/oauth2/logout",
            Protocol::Get,
            vec![
                field("id_token_hint", Lookup, &tokens.id),
                optional("post_logout_redirect_uri", Lookup, oidc::POST_LOGOUT),
                optional("state", Reason, "st4te"),
            ],
        ),
    ];
    let snapshots = Snapshots::of(db).await;
    let mut before = snapshots.take().await;
    let mut failures = Vec::new();
    let mut calls = 0;
    for (path, protocol, fields) in &endpoints {
        for target in fields {
            let mut spoilings = vec![("sent twice", Spoilt::Twice), ("broken UTF-8", Spoilt::BrokenUtf8)];
            if !target.optional {
                spoilings.push(("missing", Spoilt::Missing));
            }
            spoilings.extend(
                bad_values(target.kind).into_iter().map(|(label, value)| (label, Spoilt::Value(value))),
            );
            for (label, mut spoilt) in spoilings {
                // An address of 100 kB is refused by the HTTP client itself;
                // 10 kB is past every limit of Roster's.
                if let (Protocol::Get, Spoilt::Value(value)) = (protocol, &mut spoilt) {
                    value.truncate(10_000);
                }
                let form = form_body(fields, target.name, &spoilt);
                let what = format!("{path}({} {label})", target.name);
                calls += 1;
                match protocol {
                    Protocol::Post { lenient } => {
                        let response = oidc::http()
                            .post(format!("{}{path}", app.base))
                            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                            .body(form)
                            .send()
                            .await
                            .unwrap();
                        let status = response.status();
                        let text = response.text().await.unwrap_or_default();
                        let error = serde_json::from_str::<serde_json::Value>(&text)
                            .ok()
                            .and_then(|json| json["error"].as_str().map(str::to_owned));
                        let as_unknown = *lenient == Some(target.name)
                            && status == StatusCode::OK
                            && (text.is_empty() || text == r#"{"active":false}"#);
                        if !(as_unknown || status.is_client_error() && error.is_some()) {
                            failures.push(format!("{what}: {status} {}", snippet(&text)));
                        }
                    }
                    Protocol::Get => {
                        let query = String::from_utf8(form).unwrap();
                        let answer = browser.get(&format!("{path}?{query}")).await;
                        let location = answer.headers.get(header::LOCATION).and_then(|l| l.to_str().ok());
                        let sent_back_refused = answer.status.is_redirection()
                            && location.is_some_and(|l| {
                                l.starts_with(oidc::REDIRECT) && l.contains("error=") && !l.contains("code=")
                            });
                        let page = answer.status == StatusCode::BAD_REQUEST && location.is_none();
                        if !(sent_back_refused || page) {
                            failures.push(format!("{what}: {} to {location:?}", answer.status));
                        }
                    }
                }
                let after = snapshots.take().await;
                let changed = differences(&before, &after);
                if !changed.is_empty() {
                    failures.push(format!("{what}: changed {changed:?}"));
                    before = after;
                }
            }
        }
    }
    assert!(calls > 150, "{calls} calls");
    assert!(
        failures.is_empty(),
        "{} of {calls} calls answered badly:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The requests were valid but for the spoilt field: unspoilt, they work.
    let (status, _) = oidc::refresh(&app.base, &client, &tokens.refresh).await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = oidc::exchange(&app.base, &client, &code).await;
    assert_eq!(status, StatusCode::OK);
    app.stop().await;
}
on_both_databases!(bad_protocol_input_gets_the_error_the_specifications_name_and_changes_nothing);
