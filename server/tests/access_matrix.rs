//! Every server function, called as every kind of actor, against targets in
//! their own organization and in another: the outcome of each call is
//! asserted. A call outside the caller's scope must look exactly like a call
//! about something that does not exist (404). Grows with every new server
//! function: a test below fails while one is registered that the matrix
//! does not call.

mod support;

use std::collections::BTreeSet;

use domain::{AppKind, AppSettings, Role};
use reqwest::StatusCode;
use store::NewApp;
use support::{Browser, TestApp};
use testkit::{TestDatabase, on_both_databases};

const OK: u16 = 200;
const BAD: u16 = 400;
const UNAUTHENTICATED: u16 = 401;
const NOT_FOUND: u16 = 404;
const CONFLICT: u16 = 409;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    SuperAdmin,
    AdminA,
    EditorA,
    ViewerA,
    AdminB,
    SignedOut,
}

const ACTORS: [Who; 6] =
    [Who::SuperAdmin, Who::AdminA, Who::EditorA, Who::ViewerA, Who::AdminB, Who::SignedOut];
/// Where the signed-out browser is in `ACTORS` and in each case's answers.
const SIGNED_OUT: usize = ACTORS.len() - 1;

/// The server functions anyone may call, signed in or not: they answer the
/// signed-out browser as they answer everyone else. Every other function
/// answers it "please sign in".
const PUBLIC: [&str; 17] = [
    "current_user",
    "sign_in",
    "sign_out",
    "check_setup_link",
    "complete_setup",
    "request_password_reset",
    "check_reset_link",
    "reset_password",
    "invitation",
    "accept_invitation",
    "app_sign_in_name",
    // The second step of a sign-in: the browser has no session yet.
    "second_step_options",
    "verify_second_step",
    "start_passkey_second_step",
    "finish_passkey_second_step",
    // Signing in with a passkey alone.
    "start_passkey_sign_in",
    "finish_passkey_sign_in",
];

/// Called after the cases, in this order, each with its own assertions:
/// they change the world the cases rely on.
const LAST: [&str; 2] = ["create_organization", "sign_out"];

struct World {
    browsers: Vec<(Who, Browser)>,
    viewer_a: i64,
    admin_b: i64,
}

async fn world(app: &TestApp) -> World {
    let a = app.create_organization("Org A").await;
    let b = app.create_organization("Org B").await;
    let (_, super_admin) = app.signed_in("root@example.com", true).await;
    let mut browsers = vec![(Who::SuperAdmin, super_admin)];
    let mut ids = Vec::new();
    for (who, email, org, role) in [
        (Who::AdminA, "admin@a.example", a.id, Role::Admin),
        (Who::EditorA, "editor@a.example", a.id, Role::Editor),
        (Who::ViewerA, "viewer@a.example", a.id, Role::Viewer),
        (Who::AdminB, "admin@b.example", b.id, Role::Admin),
    ] {
        let (user, browser) = app.signed_in(email, false).await;
        app.add_member(org, user.id, role).await;
        browsers.push((who, browser));
        ids.push(user.id);
    }
    browsers.push((Who::SignedOut, app.browser()));
    World { browsers, viewer_a: ids[2], admin_b: ids[3] }
}

/// One server function call and the status each actor must get.
struct Case {
    function: &'static str,
    form: Vec<(&'static str, String)>,
    expected: [u16; 6],
}

fn case(function: &'static str, form: &[(&'static str, &str)], expected: [u16; 6]) -> Case {
    Case { function, form: form.iter().map(|(k, v)| (*k, v.to_string())).collect(), expected }
}

/// The ids the cases name, as form values.
struct Ids {
    viewer_a: String,
    admin_b: String,
    /// A registered application: its id and client ID.
    app: String,
    client_id: String,
    /// Webhook endpoints: Org A's and the installation's.
    hook_a: String,
    hook_all: String,
    /// An API key of Org A.
    api_key: String,
    /// A SCIM token of Org A.
    scim_token: String,
    /// A member of Org A who acts in no case (a reset signs them out).
    bystander_a: String,
}

/// Every call but the [`LAST`] ones, with the status each actor must get.
fn cases(ids: &Ids) -> Vec<Case> {
    let (viewer_a, admin_b) = (ids.viewer_a.as_str(), ids.admin_b.as_str());
    let (app, client_id) = (ids.app.as_str(), ids.client_id.as_str());
    let (hook_a, hook_all) = (ids.hook_a.as_str(), ids.hook_all.as_str());
    let receiver = "http://127.0.0.1:9/hooks";
    let (api_key, scim_token) = (ids.api_key.as_str(), ids.scim_token.as_str());
    let bystander_a = ids.bystander_a.as_str();
    //                                                  super  adminA  editorA viewerA adminB  signed out
    vec![
        case("current_user", &[], [OK, OK, OK, OK, OK, OK]),
        case("organization", &[("slug", "org-a")], [OK, OK, OK, OK, NOT_FOUND, UNAUTHENTICATED]),
        case(
            "organization",
            &[("slug", "org-b")],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, UNAUTHENTICATED],
        ),
        case(
            "organization",
            &[("slug", "no-such-org")],
            [NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case("organization_context", &[("slug", "org-a")], [OK, OK, OK, OK, NOT_FOUND, UNAUTHENTICATED]),
        case(
            "organization_context",
            &[("slug", "no-such-org")],
            [NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        // The overview is for those who manage the members.
        case(
            "organization_overview",
            &[("slug", "org-a")],
            [OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "organization_overview",
            &[("slug", "org-b")],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, UNAUTHENTICATED],
        ),
        case(
            "organization_overview",
            &[("slug", "no-such-org")],
            [NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case("installation_overview", &[], [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED]),
        case("switcher_organizations", &[("search", "")], [OK, OK, OK, OK, OK, UNAUTHENTICATED]),
        case(
            "list_organizations",
            &[("search", ""), ("page", "1")],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "rename_organization",
            &[("slug", "org-a"), ("name", "Org A")],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "rename_organization",
            &[("slug", "org-a"), ("name", "")],
            [BAD, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "set_organization_suspended",
            &[("slug", "org-b"), ("suspended", "false")],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        // Same role as now: allowed calls change nothing, so the world stays as it is.
        case(
            "change_member_role",
            &[("slug", "org-a"), ("user_id", viewer_a), ("role", "viewer")],
            [OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "change_member_role",
            &[("slug", "org-b"), ("user_id", viewer_a), ("role", "viewer")],
            [NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "change_member_role",
            &[("slug", "org-a"), ("user_id", viewer_a), ("role", "owner")],
            [BAD, BAD, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        // B's only admin: the policy lets the super admin try and the store refuses;
        // everyone else is refused by the policy first and learns nothing.
        case(
            "change_member_role",
            &[("slug", "org-b"), ("user_id", admin_b), ("role", "viewer")],
            [CONFLICT, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "change_member_role",
            &[("slug", "org-a"), ("user_id", "999999"), ("role", "viewer")],
            [NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "list_members",
            &[("slug", "org-a"), ("query", "")],
            [OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "list_members",
            &[("slug", "org-b"), ("query", "sort=name")],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, UNAUTHENTICATED],
        ),
        case(
            "list_accounts",
            &[("search", ""), ("page", "1")],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "matching_members",
            &[("slug", "org-a"), ("query", "role=viewer")],
            [OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "matching_members",
            &[("slug", "org-b"), ("query", "")],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, UNAUTHENTICATED],
        ),
        // Same role as now: changes nothing.
        case(
            "act_on_members",
            &[
                ("slug", "org-a"),
                ("action", "role:viewer"),
                ("members", viewer_a),
                ("all_matching", "false"),
                ("reason", ""),
                ("query", ""),
            ],
            [OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "act_on_members",
            &[
                ("slug", "org-b"),
                ("action", "suspend"),
                ("members", viewer_a),
                ("all_matching", "false"),
                ("reason", ""),
                ("query", ""),
            ],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, UNAUTHENTICATED],
        ),
        // Reactivating an active account changes nothing; only a super admin may.
        case(
            "set_account_suspended",
            &[("user_id", viewer_a), ("suspended", "false"), ("reason", "")],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        // Public: everyone gets the same answer, whoever is signed in.
        case(
            "sign_in",
            &[("email", "nobody@example.com"), ("password", "not the password")],
            [
                UNAUTHENTICATED,
                UNAUTHENTICATED,
                UNAUTHENTICATED,
                UNAUTHENTICATED,
                UNAUTHENTICATED,
                UNAUTHENTICATED,
            ],
        ),
        case("check_setup_link", &[("token", "forged")], [BAD, BAD, BAD, BAD, BAD, BAD]),
        case(
            "complete_setup",
            &[
                ("token", "forged"),
                ("email", "new@example.com"),
                ("name", "New"),
                ("password", "violet kettle orbit 42"),
            ],
            [BAD, BAD, BAD, BAD, BAD, BAD],
        ),
        case("request_password_reset", &[("email", "not an address")], [BAD, BAD, BAD, BAD, BAD, BAD]),
        case("check_reset_link", &[("token", "forged")], [BAD, BAD, BAD, BAD, BAD, BAD]),
        case("reset_password", &[("token", "forged"), ("password", "x")], [BAD, BAD, BAD, BAD, BAD, BAD]),
        // An org admin may reset their own members, not another tenant's:
        // the refusal is per member, inside a 200 answer.
        case(
            "act_on_members",
            &[
                ("slug", "org-b"),
                ("action", "reset"),
                ("members", admin_b),
                ("all_matching", "false"),
                ("reason", ""),
                ("query", ""),
            ],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, UNAUTHENTICATED],
        ),
        case(
            "invite_members",
            &[("slug", "org-a"), ("emails", "new@a.example"), ("role", "viewer")],
            [OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "invite_members",
            &[("slug", "org-b"), ("emails", "new@b.example"), ("role", "viewer")],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, UNAUTHENTICATED],
        ),
        case(
            "pending_invitations",
            &[("slug", "org-a")],
            [OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "pending_invitations",
            &[("slug", "org-b")],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, UNAUTHENTICATED],
        ),
        case(
            "pending_invitations",
            &[("slug", "org-a"), ("show", "expired")],
            [OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "resend_invitation",
            &[("slug", "org-a"), ("user_id", viewer_a)],
            [NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "revoke_invitation",
            &[("slug", "org-b"), ("user_id", "999999")],
            [NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case("invitation", &[("token", "forged")], [BAD, BAD, BAD, BAD, BAD, BAD]),
        case("accept_invitation", &[("token", "forged")], [BAD, BAD, BAD, BAD, BAD, BAD]),
        // A wrong confirmation changes nothing: 400 for whoever may remove.
        case(
            "remove_member",
            &[("slug", "org-a"), ("user_id", viewer_a), ("confirm_email", "wrong@a.example")],
            [BAD, BAD, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "remove_member",
            &[("slug", "org-b"), ("user_id", admin_b), ("confirm_email", "wrong@b.example")],
            [BAD, NOT_FOUND, NOT_FOUND, NOT_FOUND, CONFLICT, UNAUTHENTICATED],
        ),
        case(
            "delete_account",
            &[("user_id", viewer_a), ("confirm_email", "wrong@a.example"), ("with_data", "false")],
            [BAD, BAD, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "delete_account",
            &[("user_id", admin_b), ("confirm_email", "wrong@b.example"), ("with_data", "true")],
            [BAD, NOT_FOUND, NOT_FOUND, NOT_FOUND, CONFLICT, UNAUTHENTICATED],
        ),
        case(
            "list_outbox",
            &[("page", "1")],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "retry_email",
            &[("id", "999999")],
            [NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        // A member's activity: their organization's admins, the super admin
        // and the person; through another organization, nobody.
        case(
            "person_activity",
            &[("org", "org-a"), ("user_id", viewer_a)],
            [OK, OK, NOT_FOUND, OK, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "person_activity",
            &[("org", "org-b"), ("user_id", viewer_a)],
            [NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "person_activity",
            &[("user_id", viewer_a)],
            [OK, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "person_timeline",
            &[("org", "org-a"), ("user_id", viewer_a), ("page", "1")],
            [OK, OK, NOT_FOUND, OK, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "person_timeline",
            &[("user_id", admin_b), ("page", "1")],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, UNAUTHENTICATED],
        ),
        case(
            "end_person_session",
            &[("org", "org-a"), ("user_id", viewer_a), ("session_id", "999999")],
            [NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "audit_log",
            &[("org", "org-a"), ("query", "")],
            [OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "audit_log",
            &[("org", "org-b"), ("query", "action=member.added")],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, UNAUTHENTICATED],
        ),
        case(
            "audit_log",
            &[("query", "")],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "audit_log",
            &[("org", "org-a"), ("query", "from=yesterday")],
            [BAD, BAD, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        // Applications: super admins manage them.
        case("list_apps", &[], [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED]),
        case(
            "app_details",
            &[("id", app)],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "app_details",
            &[("id", "999999")],
            [NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "register_app",
            &[
                ("name", "Registered"),
                ("kind", "public"),
                ("redirect_uris", "https://registered.example/cb"),
                ("post_logout_redirect_uris", ""),
                ("backchannel_logout_uri", ""),
            ],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "update_app",
            &[
                ("id", app),
                ("name", "Billing"),
                ("redirect_uris", "https://billing.example/cb"),
                ("post_logout_redirect_uris", ""),
                ("backchannel_logout_uri", ""),
            ],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "update_app",
            &[
                ("id", app),
                ("name", "Billing"),
                ("redirect_uris", "http://billing.example/cb"),
                ("post_logout_redirect_uris", ""),
                ("backchannel_logout_uri", ""),
            ],
            [BAD, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "replace_app_secret",
            &[("id", app)],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        // Enabling an enabled app changes nothing.
        case(
            "set_app_enabled",
            &[("id", app), ("enabled", "true")],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "delete_app",
            &[("id", app), ("confirm_name", "Not its name")],
            [BAD, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "list_logouts",
            &[("page", "1")],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        // Public: what the sign-in page says about the app it leads to.
        case("app_sign_in_name", &[("client_id", client_id)], [OK, OK, OK, OK, OK, OK]),
        case("app_sign_in_name", &[("client_id", "no-such-client")], [OK, OK, OK, OK, OK, OK]),
        // The organization picker: one's own organizations, for an active app.
        case("organization_choice", &[("client_id", client_id)], [OK, OK, OK, OK, OK, UNAUTHENTICATED]),
        case(
            "organization_choice",
            &[("client_id", "no-such-client")],
            [NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "end_person_app_session",
            &[("org", "org-a"), ("user_id", viewer_a), ("grant_id", "999999")],
            [NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "end_person_app_session",
            &[("user_id", admin_b), ("grant_id", "999999")],
            [NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        // Webhooks: an organization's for its admins (and super admins), the
        // installation's (scope "") for super admins; another scope's is absent.
        case(
            "list_webhooks",
            &[("scope", "org-a")],
            [OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "list_webhooks",
            &[("scope", "")],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "webhook_details",
            &[("scope", "org-a"), ("id", hook_a)],
            [OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "webhook_details",
            &[("scope", "org-b"), ("id", hook_a)],
            [NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "webhook_details",
            &[("scope", ""), ("id", hook_a)],
            [NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "webhook_details",
            &[("scope", ""), ("id", hook_all)],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "register_webhook",
            &[("scope", "org-a"), ("url", receiver), ("description", ""), ("events", "member.invited")],
            [OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "register_webhook",
            &[("scope", ""), ("url", receiver), ("description", ""), ("events", "member.invited")],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "register_webhook",
            &[("scope", "org-a"), ("url", receiver), ("description", ""), ("events", "")],
            [BAD, BAD, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "update_webhook",
            &[
                ("scope", "org-a"),
                ("id", hook_a),
                ("url", receiver),
                ("description", "A"),
                ("events", "member.removed"),
            ],
            [OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "update_webhook",
            &[
                ("scope", "org-b"),
                ("id", hook_a),
                ("url", receiver),
                ("description", "A"),
                ("events", "member.removed"),
            ],
            [NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "rotate_webhook_secret",
            &[("scope", "org-a"), ("id", hook_a)],
            [OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "set_webhook_enabled",
            &[("scope", "org-a"), ("id", hook_a), ("enabled", "true")],
            [OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "delete_webhook",
            &[("scope", "org-a"), ("id", hook_a), ("confirm_url", "not its address")],
            [BAD, BAD, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "list_webhook_deliveries",
            &[("scope", "org-a"), ("id", hook_a), ("page", "1")],
            [OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "send_test_webhook",
            &[("scope", "org-a"), ("id", hook_a)],
            [OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "send_test_webhook",
            &[("scope", ""), ("id", hook_all)],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "resend_webhook_delivery",
            &[("scope", "org-a"), ("id", hook_a), ("delivery_id", "msg_none")],
            [NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        // API keys: an organization's admins manage its keys, super admins every key.
        case(
            "list_api_keys",
            &[("slug", "org-a")],
            [OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "list_api_keys",
            &[("slug", "org-b")],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, UNAUTHENTICATED],
        ),
        case(
            "list_api_keys",
            &[("slug", "")],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "list_api_keys",
            &[("slug", "no-such-org")],
            [NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "create_api_key",
            &[("slug", "org-a"), ("name", "ci"), ("expires_in_days", "")],
            [OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "create_api_key",
            &[("slug", ""), ("name", "warehouse"), ("expires_in_days", "30")],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "create_api_key",
            &[("slug", "org-a"), ("name", "ci"), ("expires_in_days", "0")],
            [BAD, BAD, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        // Org A's key is not Org B's to revoke, whoever asks.
        case(
            "revoke_api_key",
            &[("slug", "org-b"), ("id", api_key)],
            [NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        // The super admin revokes it first; then it is no longer there to revoke.
        case(
            "revoke_api_key",
            &[("slug", "org-a"), ("id", api_key)],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        // SCIM provisioning: an organization's admins, and super admins.
        case(
            "scim_provisioning",
            &[("slug", "org-a")],
            [OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "scim_provisioning",
            &[("slug", "no-such-org")],
            [NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "create_scim_token",
            &[("slug", "org-a"), ("name", "Okta")],
            [OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "create_scim_token",
            &[("slug", "org-b"), ("name", "")],
            [BAD, NOT_FOUND, NOT_FOUND, NOT_FOUND, BAD, UNAUTHENTICATED],
        ),
        case(
            "set_scim_welcome_email",
            &[("slug", "org-a"), ("on", "false")],
            [OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "rename_scim_group",
            &[("slug", "org-a"), ("role", "admin"), ("display_name", "Roster admins")],
            [OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "rename_scim_group",
            &[("slug", "org-a"), ("role", "owner"), ("display_name", "Owners")],
            [BAD, BAD, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        // Org A's token is not Org B's to revoke, nor an API key's page's.
        case(
            "revoke_scim_token",
            &[("slug", "org-b"), ("id", scim_token)],
            [NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "revoke_api_key",
            &[("slug", "org-a"), ("id", scim_token)],
            [NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "revoke_scim_token",
            &[("slug", "org-a"), ("id", scim_token)],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        // Two-factor: the second step has nothing pending here, alike for everyone.
        case("second_step_options", &[], [OK, OK, OK, OK, OK, OK]),
        case(
            "verify_second_step",
            &[("code", "123456")],
            [
                UNAUTHENTICATED,
                UNAUTHENTICATED,
                UNAUTHENTICATED,
                UNAUTHENTICATED,
                UNAUTHENTICATED,
                UNAUTHENTICATED,
            ],
        ),
        case("start_passkey_second_step", &[], [UNAUTHENTICATED; 6]),
        case("finish_passkey_second_step", &[("credential", "{}")], [UNAUTHENTICATED; 6]),
        // The test server's public URL is an IP address, where browsers
        // refuse passkeys: alike for everyone (the ceremonies themselves
        // are tested end to end, at localhost).
        case("start_passkey_sign_in", &[], [CONFLICT; 6]),
        case("finish_passkey_sign_in", &[("challenge", "x"), ("credential", "{}")], [BAD; 6]),
        // One's own factors.
        case("own_two_factor", &[], [OK, OK, OK, OK, OK, UNAUTHENTICATED]),
        case(
            "start_passkey_registration",
            &[],
            [CONFLICT, CONFLICT, CONFLICT, CONFLICT, CONFLICT, UNAUTHENTICATED],
        ),
        case(
            "finish_passkey_registration",
            &[("challenge", "x"), ("passkey_name", "Laptop"), ("credential", "{}")],
            [BAD, BAD, BAD, BAD, BAD, UNAUTHENTICATED],
        ),
        case(
            "start_passkey_confirmation",
            &[],
            [CONFLICT, CONFLICT, CONFLICT, CONFLICT, CONFLICT, UNAUTHENTICATED],
        ),
        case(
            "confirm_with_passkey",
            &[("challenge", "x"), ("credential", "{}")],
            [BAD, BAD, BAD, BAD, BAD, UNAUTHENTICATED],
        ),
        case("start_totp_setup", &[], [OK, OK, OK, OK, OK, UNAUTHENTICATED]),
        case(
            "confirm_totp",
            &[("factor_name", "Phone"), ("secret", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"), ("code", "12")],
            [BAD, BAD, BAD, BAD, BAD, UNAUTHENTICATED],
        ),
        case(
            "remove_second_factor",
            &[("id", "999999")],
            [NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "regenerate_recovery_codes",
            &[],
            [CONFLICT, CONFLICT, CONFLICT, CONFLICT, CONFLICT, UNAUTHENTICATED],
        ),
        case(
            "confirm_second_factor",
            &[("confirm_code", "")],
            [CONFLICT, CONFLICT, CONFLICT, CONFLICT, CONFLICT, UNAUTHENTICATED],
        ),
        // Resetting someone's factors: their organization's admins, super admins.
        case(
            "reset_two_factor",
            &[("org", "org-a"), ("user_id", bystander_a)],
            [OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "reset_two_factor",
            &[("user_id", bystander_a)],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "reset_two_factor",
            &[("org", "org-b"), ("user_id", bystander_a)],
            [NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        // Who must use a second factor.
        case(
            "organization_two_factor",
            &[("slug", "org-a")],
            [OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "set_two_factor_requirement",
            &[("slug", "org-a"), ("required_for", "off")],
            [OK, OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "set_two_factor_requirement",
            &[("slug", "org-b"), ("required_for", "sometimes")],
            [BAD, NOT_FOUND, NOT_FOUND, NOT_FOUND, BAD, UNAUTHENTICATED],
        ),
        case(
            "super_admin_two_factor",
            &[],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        case(
            "set_super_admin_two_factor",
            &[("required", "false")],
            [OK, NOT_FOUND, NOT_FOUND, NOT_FOUND, NOT_FOUND, UNAUTHENTICATED],
        ),
        // One's own account: everyone signed in, about themselves only.
        case("end_other_sessions", &[], [OK, OK, OK, OK, OK, UNAUTHENTICATED]),
        case("rename_self", &[("name", "")], [BAD, BAD, BAD, BAD, BAD, UNAUTHENTICATED]),
        case("change_password", &[("current", ""), ("new", "x")], [BAD, BAD, BAD, BAD, BAD, UNAUTHENTICATED]),
    ]
}

/// A management key of `organization_id`, made directly in the store.
fn key_of(organization_id: i64) -> store::NewApiKey {
    store::NewApiKey {
        organization_id: Some(organization_id),
        name: "billing".to_owned(),
        prefix: "abcdefgh".to_owned(),
        secret_hash: "stand-in-hash".to_owned(),
        expires_at: None,
        purpose: store::KeyPurpose::Management,
    }
}

async fn every_server_function_answers_every_actor_as_designed(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let mut world = world(&app).await;
    let viewer_a = world.viewer_a.to_string();
    let admin_b = world.admin_b.to_string();
    let billing = AppSettings::parse("Billing", "https://billing.example/cb", "", "").unwrap();
    let billing = NewApp {
        client_id: "billing-client".to_owned(),
        kind: AppKind::Confidential,
        secret_hash: Some("stand-in".to_owned()),
        settings: billing,
    };
    let billing = app.store.create_app(billing, store::Actor::system(), chrono::Utc::now()).await.unwrap();
    let org_a = app.store.find_organization("org-a").await.unwrap().unwrap();
    let mut hooks = Vec::new();
    for organization_id in [Some(org_a.id), None] {
        let events = ["member.invited".to_owned()];
        let endpoint = store::NewWebhookEndpoint {
            organization_id,
            settings: domain::WebhookSettings::parse("http://127.0.0.1:9/hooks", "", &events).unwrap(),
            secret: app::ssr::webhooks::new_secret(),
        };
        hooks.push(
            app.store.create_webhook(endpoint, store::Actor::system(), chrono::Utc::now()).await.unwrap().id,
        );
    }
    let key = key_of(org_a.id);
    let key = app.store.create_api_key(key, store::Actor::system(), chrono::Utc::now()).await.unwrap();
    let token = store::NewApiKey {
        name: "Okta".to_owned(),
        prefix: "ijklmnop".to_owned(),
        secret_hash: "another-stand-in-hash".to_owned(),
        purpose: store::KeyPurpose::Scim,
        ..key_of(org_a.id)
    };
    let token = app.store.create_api_key(token, store::Actor::system(), chrono::Utc::now()).await.unwrap();
    let bystander = app.create_user("bystander@a.example", support::SUPPORT_PASSWORD, false).await;
    app.add_member(org_a.id, bystander.id, Role::Viewer).await;
    let cases = cases(&Ids {
        viewer_a: viewer_a.clone(),
        admin_b: admin_b.clone(),
        app: billing.id.to_string(),
        client_id: billing.client_id,
        hook_a: hooks[0].to_string(),
        hook_all: hooks[1].to_string(),
        api_key: key.id.to_string(),
        scim_token: token.id.to_string(),
        bystander_a: bystander.id.to_string(),
    });

    let mut failures = Vec::new();
    for case in &cases {
        for (index, (who, browser)) in world.browsers.iter_mut().enumerate() {
            let form: Vec<(&str, &str)> = case.form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let answer = browser.call(case.function, &form).await;
            if answer.status.as_u16() != case.expected[index] {
                failures.push(format!(
                    "{} {:?} as {who:?}: expected {}, got {} {}",
                    case.function, case.form, case.expected[index], answer.status, answer.body
                ));
            }
            if answer.status == StatusCode::NOT_FOUND {
                assert!(
                    answer.body.contains("\"NotFound\""),
                    "a refusal looks like absence: {}",
                    answer.body
                );
            }
        }
    }
    assert!(failures.is_empty(), "{} unexpected answers:\n{}", failures.len(), failures.join("\n"));

    // The calls above made events in both organizations. An org admin sees
    // none of the other's, through the log, a timeline or the export.
    let (_, admin_a) = world.browsers.iter_mut().find(|(who, _)| *who == Who::AdminA).unwrap();
    let log = admin_a.call("audit_log", &[("org", "org-a"), ("query", "")]).await;
    let timeline =
        admin_a.call("person_timeline", &[("org", "org-a"), ("user_id", &viewer_a), ("page", "1")]).await;
    let export = admin_a.get("/orgs/org-a/audit.csv").await;
    for answer in [&log, &timeline, &export] {
        assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
        assert!(answer.body.contains("Org A"), "Org A's events are there: {}", answer.body);
        assert!(!answer.body.contains("Org B"), "nothing of Org B: {}", answer.body);
    }
    assert_eq!(admin_a.get("/orgs/org-b/audit.csv").await.status, StatusCode::NOT_FOUND);
    assert_eq!(admin_a.get(&format!("/orgs/org-b/members/{admin_b}")).await.status, StatusCode::NOT_FOUND);

    // Creating is checked last: it changes the world.
    for (index, (who, browser)) in world.browsers.iter_mut().enumerate() {
        let name = format!("Created by {index}");
        let answer = browser.call("create_organization", &[("name", &name), ("slug", "")]).await;
        let expected = if *who == Who::SuperAdmin {
            OK
        } else if *who == Who::SignedOut {
            UNAUTHENTICATED
        } else {
            NOT_FOUND
        };
        assert_eq!(answer.status.as_u16(), expected, "create_organization as {who:?}: {}", answer.body);
    }
    assert_eq!(app.store.list_organizations("created by", 10, 0).await.unwrap().total, 1);

    // Signing out is last: it ends the sessions everything above used. It
    // answers everyone alike, and nobody is signed in afterwards.
    for (who, browser) in world.browsers.iter_mut() {
        let answer = browser.call("sign_out", &[]).await;
        assert_eq!(answer.status, StatusCode::OK, "sign_out as {who:?}: {}", answer.body);
        assert_eq!(browser.whoami().await, None, "{who:?} is signed out");
    }
    assert_eq!(ACTORS.len(), world.browsers.len());
    app.stop().await;
}
on_both_databases!(every_server_function_answers_every_actor_as_designed);

/// Placeholder ids: enough to list the calls without a database.
fn listed_cases() -> Vec<Case> {
    cases(&Ids {
        viewer_a: "1".to_owned(),
        admin_b: "2".to_owned(),
        app: "3".to_owned(),
        client_id: "client".to_owned(),
        hook_a: "4".to_owned(),
        hook_all: "5".to_owned(),
        api_key: "4".to_owned(),
        scim_token: "6".to_owned(),
        bystander_a: "7".to_owned(),
    })
}

/// The functions server_fn registers (what `/api/…` answers), by endpoint.
fn registered_server_functions() -> BTreeSet<&'static str> {
    leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.strip_prefix("/api/").unwrap_or(path))
        .collect()
}

#[test]
fn the_matrix_calls_every_server_function() {
    let registered = registered_server_functions();
    let called: BTreeSet<&str> = listed_cases().iter().map(|case| case.function).chain(LAST).collect();
    let missing: Vec<_> = registered.difference(&called).collect();
    assert!(missing.is_empty(), "server functions the access matrix does not call: {missing:?}");
    let unknown: Vec<_> = called.difference(&registered).collect();
    assert!(unknown.is_empty(), "the matrix calls functions that do not exist: {unknown:?}");
}

#[test]
fn only_the_listed_public_functions_answer_the_signed_out() {
    let cases = listed_cases();
    for case in &cases {
        let signed_out = case.expected[SIGNED_OUT];
        if PUBLIC.contains(&case.function) {
            assert!(
                case.expected.iter().all(|&status| status == signed_out),
                "{} {:?} is public: every actor gets the same answer",
                case.function,
                case.form
            );
        } else {
            assert_eq!(signed_out, UNAUTHENTICATED, "{} {:?} needs a session", case.function, case.form);
        }
    }
    let called: BTreeSet<&str> = cases.iter().map(|case| case.function).chain(LAST).collect();
    for function in PUBLIC {
        assert!(called.contains(function), "{function} is listed as public and called");
    }
}
