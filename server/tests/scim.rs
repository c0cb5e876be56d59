//! The SCIM 2.0 service provider (`/scim/v2/orgs/{slug}`) over real HTTP,
//! on both databases: the requests Okta and Microsoft Entra ID send,
//! replayed in their dialects; tokens confined to their organization
//! (another's answers 404); the policy's rules (the last admin) met as
//! conflicts; discovery without a token; the limit; and bad input answered
//! with a SCIM error, changing nothing.

mod support;

use chrono::{Duration, Utc};
use domain::{MembershipStatus, OrganizationStatus, Role};
use reqwest::{Method, StatusCode, header};
use serde_json::{Value, json};
use store::Actor;
use support::{Browser, TestApp};
use testkit::{TestDatabase, on_both_databases};

const USER: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
const ENTERPRISE: &str = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";
const PATCH: &str = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const ERROR: &str = "urn:ietf:params:scim:api:messages:2.0:Error";

struct Reply {
    status: StatusCode,
    headers: header::HeaderMap,
    body: Value,
}

impl Reply {
    fn scim_type(&self) -> &str {
        self.body["scimType"].as_str().unwrap_or_default()
    }
}

async fn raw(app: &TestApp, token: Option<&str>, method: Method, path: &str, body: Option<String>) -> Reply {
    let mut request = reqwest::Client::new().request(method, format!("{}{path}", app.base));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.header(header::CONTENT_TYPE, "application/scim+json").body(body);
    }
    let response = request.send().await.expect("Roster answers");
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let body = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text).unwrap_or(Value::String(text))
    };
    Reply { status, headers, body }
}

async fn scim(app: &TestApp, token: &str, method: Method, path: &str, body: Option<Value>) -> Reply {
    raw(app, Some(token), method, path, body.map(|b| b.to_string())).await
}

/// Makes a SCIM token on the Provisioning page, as its admin would.
async fn make_token(browser: &mut Browser, slug: &str, name: &str) -> (i64, String) {
    let answer = browser.call("create_scim_token", &[("slug", slug), ("name", name)]).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let created: Value = serde_json::from_str(&answer.body).unwrap();
    let secret = created["secret"].as_str().unwrap().to_owned();
    assert!(secret.starts_with("roster_scim_"), "{secret}");
    (created["key"]["id"].as_i64().unwrap(), secret)
}

struct World {
    org_a: i64,
    org_b: i64,
    alice: Browser,
    alice_id: i64,
    okta: String,
    okta_id: i64,
    b_token: String,
}

async fn world(app: &TestApp) -> World {
    let a = app.create_organization("Org A").await;
    let b = app.create_organization("Org B").await;
    let (alice, mut alice_browser) = app.signed_in("alice@a.example", false).await;
    app.add_member(a.id, alice.id, Role::Admin).await;
    let (bob, mut bob_browser) = app.signed_in("bob@b.example", false).await;
    app.add_member(b.id, bob.id, Role::Admin).await;
    let (okta_id, okta) = make_token(&mut alice_browser, "org-a", "Okta").await;
    let (_, b_token) = make_token(&mut bob_browser, "org-b", "Entra").await;
    World { org_a: a.id, org_b: b.id, alice: alice_browser, alice_id: alice.id, okta, okta_id, b_token }
}

fn id_of(reply: &Reply) -> i64 {
    reply.body["id"].as_str().expect("an id").parse().unwrap()
}

async fn membership(app: &TestApp, organization_id: i64, user_id: i64) -> Option<store::MembershipRecord> {
    app.store.find_membership(organization_id, user_id).await.unwrap()
}

/// What Okta sends, in the order its "Provisioning to App" runs: it looks
/// the person up by userName, creates them, deactivates and reactivates
/// them with PUT (and, in newer tenants, PATCH), pushes a group, deletes.
async fn okta_provisions_a_person_and_takes_them_away(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let mut w = world(&app).await;
    let base = "/scim/v2/orgs/org-a";
    let lookup = format!("{base}/Users?filter=userName%20eq%20%22ann%40a.example%22&startIndex=1&count=100");
    let none = scim(&app, &w.okta, Method::GET, &lookup, None).await;
    assert_eq!(none.status, StatusCode::OK, "{}", none.body);
    assert_eq!(none.body["totalResults"], json!(0));
    assert_eq!(none.headers[header::CONTENT_TYPE], "application/scim+json");

    let ann = json!({
        "schemas": [USER],
        "userName": "ann@a.example",
        "name": { "givenName": "Ann", "familyName": "Lee" },
        "emails": [{ "primary": true, "value": "ann@a.example", "type": "work" }],
        "displayName": "Ann Lee",
        "locale": "en-US",
        "externalId": "00u1abcd",
        "groups": [],
        "password": "never kept",
        "active": true,
    });
    let created = scim(&app, &w.okta, Method::POST, &format!("{base}/Users"), Some(ann.clone())).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let ann_id = id_of(&created);
    assert_eq!(created.headers[header::LOCATION], format!("{}{base}/Users/{ann_id}", app.base));
    assert_eq!(created.body["userName"], json!("ann@a.example"));
    assert_eq!(created.body["name"]["formatted"], json!("Ann Lee"));
    assert_eq!(created.body["externalId"], json!("00u1abcd"));
    assert_eq!(created.body["active"], json!(true));
    assert_eq!(created.body["groups"][0]["value"], json!("viewer"));
    assert!(created.body.get("password").is_none());
    let member = membership(&app, w.org_a, ann_id).await.expect("a member");
    assert_eq!((member.role, member.status), (Role::Viewer, MembershipStatus::Active));
    let outbox = app.store.list_outbox(100, 0).await.unwrap().items;
    let welcome = outbox.iter().find(|e| e.recipient == "ann@a.example").expect("a welcome email");
    assert!(welcome.body_text.contains("/reset-password?token="), "{}", welcome.body_text);
    let found = scim(&app, &w.okta, Method::GET, &lookup, None).await;
    assert_eq!(found.body["totalResults"], json!(1), "{}", found.body);
    assert_eq!(found.body["Resources"][0]["id"], json!(ann_id.to_string()));

    let user = format!("{base}/Users/{ann_id}");
    let deactivated = with(&ann, "active", json!(false));
    let put = scim(&app, &w.okta, Method::PUT, &user, Some(deactivated)).await;
    assert_eq!(put.status, StatusCode::OK, "{}", put.body);
    assert_eq!(put.body["active"], json!(false));
    assert_eq!(membership(&app, w.org_a, ann_id).await.unwrap().status, MembershipStatus::Suspended);
    let put = scim(&app, &w.okta, Method::PUT, &user, Some(ann.clone())).await;
    assert_eq!(put.body["active"], json!(true), "{}", put.body);
    assert_eq!(membership(&app, w.org_a, ann_id).await.unwrap().status, MembershipStatus::Active);
    let patch =
        json!({ "schemas": [PATCH], "Operations": [{ "op": "replace", "value": { "active": false } }] });
    let patched = scim(&app, &w.okta, Method::PATCH, &user, Some(patch)).await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    assert_eq!(membership(&app, w.org_a, ann_id).await.unwrap().status, MembershipStatus::Suspended);

    // Group push: the editors' group, found by name, gets Ann.
    let groups = scim(
        &app,
        &w.okta,
        Method::GET,
        &format!("{base}/Groups?filter=displayName%20eq%20%22editor%22"),
        None,
    )
    .await;
    assert_eq!(groups.body["totalResults"], json!(1), "{}", groups.body);
    assert_eq!(groups.body["Resources"][0]["id"], json!("editor"));
    let add = json!({ "schemas": [PATCH], "Operations": [
        { "op": "add", "path": "members", "value": [{ "value": ann_id.to_string(), "display": "ann@a.example" }] },
    ]});
    let added = scim(&app, &w.okta, Method::PATCH, &format!("{base}/Groups/editor"), Some(add)).await;
    assert_eq!(added.status, StatusCode::NO_CONTENT, "{}", added.body);
    assert_eq!(membership(&app, w.org_a, ann_id).await.unwrap().role, Role::Editor);
    let editors = scim(&app, &w.okta, Method::GET, &format!("{base}/Groups/editor"), None).await;
    assert_eq!(editors.body["members"][0]["value"], json!(ann_id.to_string()), "{}", editors.body);
    let remove = json!({ "schemas": [PATCH], "Operations": [
        { "op": "remove", "path": format!("members[value eq \"{ann_id}\"]") },
    ]});
    let removed = scim(&app, &w.okta, Method::PATCH, &format!("{base}/Groups/editor"), Some(remove)).await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.body);
    assert_eq!(membership(&app, w.org_a, ann_id).await.unwrap().role, Role::Viewer);

    // Each change is the token's, made for the person who created it.
    let page = w.alice.call("audit_log", &[("org", "org-a"), ("query", "action=member.role_changed")]).await;
    let page: Value = serde_json::from_str(&page.body).unwrap();
    let event = &page["entries"][0];
    assert_eq!(event["api_key"], json!("Okta"), "{page}");
    assert_eq!(event["by_scim"], json!(true), "{page}");
    assert_eq!(event["actor"]["email"], json!("alice@a.example"), "{page}");

    let deleted = scim(&app, &w.okta, Method::DELETE, &user, None).await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.body);
    assert_eq!(scim(&app, &w.okta, Method::GET, &user, None).await.status, StatusCode::NOT_FOUND);
    // Ann's account was Org A's alone: it went with the membership.
    assert!(app.store.find_user(ann_id).await.unwrap().is_none());

    // The Provisioning page lists what the token did, newest first.
    let log = app.store.recent_scim_requests(w.org_a, 50).await.unwrap();
    let create = log.iter().find(|r| r.method == "POST").expect("the create is logged");
    assert_eq!((create.status, create.outcome.as_str()), (201, "Added ann@a.example."));
    assert_eq!(create.token_name.as_deref(), Some("Okta"));
    assert_eq!((log[0].method.as_str(), log[0].status), ("GET", 404), "the newest first: {log:?}");
    assert_eq!((log[1].method.as_str(), log[1].status), ("DELETE", 204), "{log:?}");
    app.stop().await;
}
on_both_databases!(okta_provisions_a_person_and_takes_them_away);

/// `resource` with one attribute set.
fn with(resource: &Value, attribute: &str, value: Value) -> Value {
    let mut resource = resource.clone();
    resource[attribute] = value;
    resource
}

/// What Microsoft Entra ID sends: a probe for a random userName, a create
/// with the enterprise extension, PATCH with `Replace` in capitals,
/// filtered paths, string booleans and path-less value maps.
async fn entra_provisions_in_its_own_dialect(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let w = world(&app).await;
    let base = "/scim/v2/orgs/org-a";
    let probe = format!("{base}/Users?filter=userName+eq+%227a3f1c2e-9b1d-4c55-8f0e-2d1b5e6a9c10%22");
    let probe = scim(&app, &w.okta, Method::GET, &probe, None).await;
    assert_eq!((probe.status, &probe.body["totalResults"]), (StatusCode::OK, &json!(0)), "{}", probe.body);

    let bo = json!({
        "schemas": [USER, ENTERPRISE],
        "externalId": "8a6b2c4d",
        "userName": "Bo@A.example",
        "active": true,
        "displayName": "Bo Chen",
        "emails": [{ "primary": true, "type": "work", "value": "bo@a.example" }],
        "meta": { "resourceType": "User" },
        "name": { "formatted": "Bo Chen", "familyName": "Chen", "givenName": "Bo" },
        "roles": [],
        (ENTERPRISE): { "department": "Operations", "manager": { "value": "x" } },
    });
    let created = scim(&app, &w.okta, Method::POST, &format!("{base}/Users"), Some(bo.clone())).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let bo_id = id_of(&created);
    assert_eq!(created.body["userName"], json!("Bo@A.example"));
    assert_eq!(created.body["emails"][0]["value"], json!("bo@a.example"));
    // userName is unique without regard to case.
    let again = with(&with(&bo, "userName", json!("bo@a.example")), "externalId", json!("other"));
    let twice = scim(&app, &w.okta, Method::POST, &format!("{base}/Users"), Some(again)).await;
    assert_eq!((twice.status, twice.scim_type()), (StatusCode::CONFLICT, "uniqueness"), "{}", twice.body);
    let filter = format!("{base}/Users?filter=externalId%20eq%20%228a6b2c4d%22");
    assert_eq!(scim(&app, &w.okta, Method::GET, &filter, None).await.body["totalResults"], json!(1));

    let user = format!("{base}/Users/{bo_id}");
    let patch = json!({ "schemas": [PATCH], "Operations": [
        { "op": "Replace", "path": "displayName", "value": "Bo Q. Chen" },
        { "op": "Add", "path": "emails[type eq \"work\"].value", "value": "bo.chen@a.example" },
        { "op": "Replace", "path": "name.familyName", "value": "Chen" },
        { "op": "Add", "path": format!("{ENTERPRISE}:department"), "value": "Engineering" },
        { "op": "Replace", "path": "active", "value": "False" },
    ]});
    let patched = scim(&app, &w.okta, Method::PATCH, &user, Some(patch)).await;
    assert_eq!(patched.status, StatusCode::OK, "{}", patched.body);
    assert_eq!(patched.body["emails"][0]["value"], json!("bo.chen@a.example"));
    assert_eq!(patched.body["name"]["formatted"], json!("Bo Q. Chen"));
    assert_eq!(patched.body["active"], json!(false));
    let account = app.store.find_user(bo_id).await.unwrap().unwrap();
    assert_eq!((account.email.as_str(), account.name.as_str()), ("bo.chen@a.example", "Bo Q. Chen"));
    let on = json!({ "schemas": [PATCH], "Operations": [{ "op": "Replace", "value": { "active": "True", "externalId": "8a6b2c4e" } }] });
    let on = scim(&app, &w.okta, Method::PATCH, &user, Some(on)).await;
    assert_eq!(
        (on.body["active"].clone(), on.body["externalId"].clone()),
        (json!(true), json!("8a6b2c4e")),
        "{}",
        on.body
    );

    // Deprovisioning takes effect at once: Sam, signed in, belongs to Org A
    // alone, so his suspension ends his sessions.
    let (sam, mut sam_browser) = app.signed_in("sam@a.example", false).await;
    app.add_member(w.org_a, sam.id, Role::Editor).await;
    assert_eq!(sam_browser.whoami().await.as_deref(), Some("sam@a.example"));
    let off = json!({ "schemas": [PATCH], "Operations": [{ "op": "Replace", "path": "active", "value": "False" }] });
    let off = scim(&app, &w.okta, Method::PATCH, &format!("{base}/Users/{}", sam.id), Some(off)).await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.body);
    assert_eq!(sam_browser.whoami().await, None, "signed out by the suspension");

    // Carol belongs to Org B too: Org A's directory suspends and removes her
    // membership, but her address and name are not its to change.
    let carol = app.create_user("carol@b.example", support::SUPPORT_PASSWORD, false).await;
    app.add_member(w.org_a, carol.id, Role::Viewer).await;
    app.add_member(w.org_b, carol.id, Role::Viewer).await;
    let carol_path = format!("{base}/Users/{}", carol.id);
    let rename = json!({ "schemas": [PATCH], "Operations": [{ "op": "replace", "path": "emails[type eq \"work\"].value", "value": "c@a.example" }] });
    let refused = scim(&app, &w.okta, Method::PATCH, &carol_path, Some(rename)).await;
    assert_eq!(
        (refused.status, refused.scim_type()),
        (StatusCode::BAD_REQUEST, "mutability"),
        "{}",
        refused.body
    );
    let off = json!({ "schemas": [PATCH], "Operations": [{ "op": "replace", "path": "active", "value": false }, { "op": "replace", "path": "displayName", "value": "Someone Else" }] });
    assert_eq!(scim(&app, &w.okta, Method::PATCH, &carol_path, Some(off)).await.status, StatusCode::OK);
    assert_eq!(membership(&app, w.org_a, carol.id).await.unwrap().status, MembershipStatus::Suspended);
    assert_eq!(membership(&app, w.org_b, carol.id).await.unwrap().status, MembershipStatus::Active);
    let account = app.store.find_user(carol.id).await.unwrap().unwrap();
    assert_eq!((account.email.as_str(), account.name.as_str()), ("carol@b.example", carol.name.as_str()));
    assert_eq!(scim(&app, &w.okta, Method::DELETE, &carol_path, None).await.status, StatusCode::NO_CONTENT);
    assert!(membership(&app, w.org_a, carol.id).await.is_none());
    assert!(membership(&app, w.org_b, carol.id).await.is_some());
    assert!(app.store.find_user(carol.id).await.unwrap().is_some());
    app.stop().await;
}
on_both_databases!(entra_provisions_in_its_own_dialect);

/// A token opens its own organization's service provider and nothing
/// else; discovery needs none and says the same for every slug.
async fn a_token_reaches_its_organization_alone(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let mut w = world(&app).await;
    let users = "/scim/v2/orgs/org-a/Users";
    let anonymous = raw(&app, None, Method::GET, users, None).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert_eq!(anonymous.headers[header::WWW_AUTHENTICATE], "Bearer realm=\"SCIM\"");
    assert_eq!(anonymous.body["schemas"], json!([ERROR]));
    assert_eq!(anonymous.body["status"], json!("401"));
    for token in ["roster_scim_not-a-token", "nonsense"] {
        assert_eq!(scim(&app, token, Method::GET, users, None).await.status, StatusCode::UNAUTHORIZED);
    }
    // A management key is no SCIM token, and a SCIM token no management key.
    let key = w
        .alice
        .call("create_api_key", &[("slug", "org-a"), ("name", "billing"), ("expires_in_days", "")])
        .await;
    let key: Value = serde_json::from_str(&key.body).unwrap();
    let key = key["secret"].as_str().unwrap();
    assert_eq!(scim(&app, key, Method::GET, users, None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        scim(&app, &w.okta, Method::GET, "/v1/organizations", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    // Another organization's token, slug or member: not found.
    assert_eq!(scim(&app, &w.b_token, Method::GET, users, None).await.status, StatusCode::NOT_FOUND);
    let alice_in_a = format!("/scim/v2/orgs/org-b/Users/{}", w.alice_id);
    assert_eq!(scim(&app, &w.b_token, Method::GET, &alice_in_a, None).await.status, StatusCode::NOT_FOUND);
    let delete = scim(&app, &w.b_token, Method::DELETE, &alice_in_a, None).await;
    assert_eq!(delete.status, StatusCode::NOT_FOUND);
    assert!(membership(&app, w.org_a, w.alice_id).await.is_some());
    assert_eq!(
        scim(&app, &w.okta, Method::GET, "/scim/v2/orgs/no-such-org/Users", None).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(scim(&app, &w.okta, Method::GET, "/scim/v2/Users", None).await.status, StatusCode::NOT_FOUND);

    // Discovery: no token, the same answer whether or not the slug exists.
    let config = raw(&app, None, Method::GET, "/scim/v2/orgs/org-a/ServiceProviderConfig", None).await;
    assert_eq!(config.status, StatusCode::OK, "{}", config.body);
    assert_eq!(config.body["patch"]["supported"], json!(true));
    assert_eq!(config.body["bulk"]["supported"], json!(false));
    let elsewhere =
        raw(&app, None, Method::GET, "/scim/v2/orgs/no-such-org/ServiceProviderConfig", None).await;
    let unlocated = |mut body: Value| {
        body["meta"]["location"] = Value::Null;
        body
    };
    assert_eq!(unlocated(config.body), unlocated(elsewhere.body));
    let schemas = raw(&app, None, Method::GET, "/scim/v2/orgs/org-a/Schemas", None).await;
    assert_eq!(schemas.body["totalResults"], json!(2), "{}", schemas.body);
    let types = raw(&app, None, Method::GET, "/scim/v2/orgs/org-a/ResourceTypes/User", None).await;
    assert_eq!(types.body["endpoint"], json!("/Users"), "{}", types.body);
    let unknown =
        raw(&app, None, Method::GET, &format!("/scim/v2/orgs/org-a/Schemas/{ENTERPRISE}"), None).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);

    // The limit is counted in the database, for every instance.
    let now = Utc::now();
    let bucket = format!("scim-token:{}", w.okta_id);
    assert!(
        app.store.take_rate_limit_many(&bucket, 1_200, 1_200, now - Duration::minutes(1), now).await.unwrap()
    );
    let limited = scim(&app, &w.okta, Method::GET, users, None).await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS, "{}", limited.body);
    assert_eq!(limited.headers[header::RETRY_AFTER], "60");

    // A suspended organization's directory is refused; a revoked token is unknown.
    app.store
        .set_organization_status(w.org_b, OrganizationStatus::Suspended, Actor::system(), now)
        .await
        .unwrap();
    let suspended = scim(&app, &w.b_token, Method::GET, "/scim/v2/orgs/org-b/Users", None).await;
    assert_eq!(suspended.status, StatusCode::FORBIDDEN, "{}", suspended.body);
    let revoked =
        w.alice.call("revoke_scim_token", &[("slug", "org-a"), ("id", &w.okta_id.to_string())]).await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
    let schemas = scim(&app, &w.okta, Method::GET, "/scim/v2/orgs/org-a/Groups", None).await;
    assert_eq!(schemas.status, StatusCode::UNAUTHORIZED);
    app.stop().await;
}
on_both_databases!(a_token_reaches_its_organization_alone);

/// The directory is an admin like any other: it cannot leave the
/// organization without an active admin, and says so.
async fn the_last_admin_stays(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let w = world(&app).await;
    let base = "/scim/v2/orgs/org-a";
    let alice = format!("{base}/Users/{}", w.alice_id);
    let demote = json!({ "schemas": [PATCH], "Operations": [{ "op": "remove", "path": format!("members[value eq \"{}\"]", w.alice_id) }] });
    let demoted = scim(&app, &w.okta, Method::PATCH, &format!("{base}/Groups/admin"), Some(demote)).await;
    assert_eq!(demoted.status, StatusCode::CONFLICT, "{}", demoted.body);
    let suspend =
        json!({ "schemas": [PATCH], "Operations": [{ "op": "replace", "path": "active", "value": false }] });
    let suspended = scim(&app, &w.okta, Method::PATCH, &alice, Some(suspend)).await;
    assert_eq!(suspended.status, StatusCode::CONFLICT, "{}", suspended.body);
    assert_eq!(scim(&app, &w.okta, Method::DELETE, &alice, None).await.status, StatusCode::CONFLICT);
    let member = membership(&app, w.org_a, w.alice_id).await.unwrap();
    assert_eq!((member.role, member.status), (Role::Admin, MembershipStatus::Active));

    // With a second admin, replacing the admins' group by them goes through:
    // the newcomer is promoted before Alice is demoted.
    let dee = app.create_user("dee@a.example", support::SUPPORT_PASSWORD, false).await;
    app.add_member(w.org_a, dee.id, Role::Viewer).await;
    let replace = json!({ "schemas": [PATCH], "Operations": [{ "op": "replace", "path": "members", "value": [{ "value": dee.id.to_string() }] }] });
    let replaced = scim(&app, &w.okta, Method::PATCH, &format!("{base}/Groups/admin"), Some(replace)).await;
    assert_eq!(replaced.status, StatusCode::NO_CONTENT, "{}", replaced.body);
    assert_eq!(membership(&app, w.org_a, dee.id).await.unwrap().role, Role::Admin);
    assert_eq!(membership(&app, w.org_a, w.alice_id).await.unwrap().role, Role::Viewer);
    // A group renamed by the directory keeps the name; another group's name is refused.
    let rename = json!({ "schemas": [PATCH], "Operations": [{ "op": "replace", "value": { "id": "admin", "displayName": "Roster Admins" } }] });
    assert_eq!(
        scim(&app, &w.okta, Method::PATCH, &format!("{base}/Groups/admin"), Some(rename)).await.status,
        StatusCode::NO_CONTENT
    );
    let admins =
        scim(&app, &w.okta, Method::GET, &format!("{base}/Groups/admin?excludedAttributes=members"), None)
            .await;
    assert_eq!(admins.body["displayName"], json!("Roster Admins"), "{}", admins.body);
    assert!(admins.body.get("members").is_none());
    let clash = json!({ "schemas": [PATCH], "Operations": [{ "op": "replace", "path": "displayName", "value": "roster admins" }] });
    let clash = scim(&app, &w.okta, Method::PATCH, &format!("{base}/Groups/editor"), Some(clash)).await;
    assert_eq!((clash.status, clash.scim_type()), (StatusCode::CONFLICT, "uniqueness"), "{}", clash.body);
    app.stop().await;
}
on_both_databases!(the_last_admin_stays);

/// Bad input: a SCIM error with the `scimType` RFC 7644 names, and nothing changed.
async fn bad_input_is_refused_and_changes_nothing(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let w = world(&app).await;
    let base = "/scim/v2/orgs/org-a";
    let users = format!("{base}/Users");
    let alice = format!("{base}/Users/{}", w.alice_id);
    let before = scim(&app, &w.okta, Method::GET, &users, None).await.body;
    let valid =
        json!({ "schemas": [USER], "userName": "new@a.example", "emails": [{ "value": "new@a.example" }] });
    let cases: Vec<(Method, String, String, u16, &str)> = vec![
        (Method::POST, users.clone(), "{not json".into(), 400, "invalidSyntax"),
        (Method::POST, users.clone(), "[1, 2]".into(), 400, "invalidSyntax"),
        (Method::POST, users.clone(), json!({ "schemas": [USER] }).to_string(), 400, "invalidValue"),
        (
            Method::POST,
            users.clone(),
            json!({ "userName": "x", "emails": [{ "value": "not an address" }] }).to_string(),
            400,
            "invalidValue",
        ),
        (
            Method::POST,
            users.clone(),
            json!({ "userName": "nul\u{0}@a.example" }).to_string(),
            400,
            "invalidValue",
        ),
        (Method::POST, users.clone(), json!({ "userName": 7 }).to_string(), 400, "invalidValue"),
        (
            Method::POST,
            users.clone(),
            json!({ "userName": "a@a.example", "active": "maybe" }).to_string(),
            400,
            "invalidValue",
        ),
        (
            Method::POST,
            users.clone(),
            json!({ "userName": "x".repeat(300) + "@a.example" }).to_string(),
            400,
            "invalidValue",
        ),
        (Method::GET, format!("{users}?filter=userName%20eq"), String::new(), 400, "invalidFilter"),
        (Method::GET, format!("{users}?filter=password%20eq%20%22x%22"), String::new(), 400, "invalidFilter"),
        (Method::GET, format!("{users}?filter=((((userName%20pr"), String::new(), 400, "invalidFilter"),
        (Method::GET, format!("{users}?count=many"), String::new(), 400, "invalidValue"),
        (
            Method::GET,
            format!("{base}/Groups?filter=displayName%20zz%20%22x%22"),
            String::new(),
            400,
            "invalidFilter",
        ),
        (
            Method::PATCH,
            alice.clone(),
            json!({ "Operations": [{ "op": "move", "path": "active" }] }).to_string(),
            400,
            "invalidValue",
        ),
        (Method::PATCH, alice.clone(), json!({ "Operations": [] }).to_string(), 400, "invalidValue"),
        (
            Method::PATCH,
            alice.clone(),
            json!({ "Operations": [{ "op": "replace", "path": "emails[type eq", "value": "x" }] })
                .to_string(),
            400,
            "invalidPath",
        ),
        (
            Method::PATCH,
            alice.clone(),
            json!({ "Operations": [{ "op": "remove" }] }).to_string(),
            400,
            "noTarget",
        ),
        (
            Method::PATCH,
            alice.clone(),
            json!({ "Operations": [{ "op": "remove", "path": "userName" }] }).to_string(),
            400,
            "mutability",
        ),
        (
            Method::PATCH,
            alice.clone(),
            json!({ "Operations": [{ "op": "add", "path": "groups", "value": [{ "value": "admin" }] }] })
                .to_string(),
            400,
            "mutability",
        ),
        (
            Method::PATCH,
            alice.clone(),
            json!({ "Operations": [{ "op": "replace", "path": "active", "value": 3 }] }).to_string(),
            400,
            "invalidValue",
        ),
        (
            Method::PATCH,
            format!("{base}/Groups/admin"),
            json!({ "Operations": [{ "op": "add", "path": "members", "value": [{ "value": "ann" }] }] })
                .to_string(),
            400,
            "invalidValue",
        ),
        (
            Method::PATCH,
            format!("{base}/Groups/admin"),
            json!({ "Operations": [{ "op": "add", "path": "members", "value": [{ "value": "999999" }] }] })
                .to_string(),
            400,
            "invalidValue",
        ),
        (
            Method::PATCH,
            format!("{base}/Groups/admin"),
            json!({ "Operations": [{ "op": "add", "path": "owner", "value": "x" }] }).to_string(),
            400,
            "noTarget",
        ),
        (
            Method::POST,
            format!("{base}/Groups"),
            json!({ "displayName": "Sales" }).to_string(),
            400,
            "mutability",
        ),
        (
            Method::POST,
            format!("{base}/Groups"),
            json!({ "displayName": "Admin" }).to_string(),
            409,
            "uniqueness",
        ),
        (Method::DELETE, format!("{base}/Groups/admin"), String::new(), 400, "mutability"),
        (Method::GET, format!("{base}/Groups/owners"), String::new(), 404, ""),
        (Method::GET, format!("{users}/not-a-number"), String::new(), 404, ""),
        (Method::POST, format!("{users}/.search"), valid.to_string(), 501, ""),
        (
            Method::POST,
            users.clone(),
            format!("{{\"userName\": \"{}\"}}", "x".repeat(2 * 1024 * 1024)),
            413,
            "",
        ),
    ];
    let mut failures = Vec::new();
    for (method, path, body, status, scim_type) in &cases {
        let body = (!body.is_empty()).then(|| body.clone());
        let reply = raw(&app, Some(&w.okta), method.clone(), path, body).await;
        if reply.status.as_u16() != *status || reply.scim_type() != *scim_type {
            failures.push(format!("{method} {path}: {} {}", reply.status, reply.body));
        }
        if *status != 413 && reply.body["schemas"] != json!([ERROR]) {
            failures.push(format!("{method} {path}: not a SCIM error: {}", reply.body));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert_eq!(scim(&app, &w.okta, Method::GET, &users, None).await.body, before, "nothing changed");
    assert_eq!(membership(&app, w.org_a, w.alice_id).await.unwrap().role, Role::Admin);
    assert_eq!(app.store.list_outbox(10, 0).await.unwrap().total, 0, "nobody was emailed");
    app.stop().await;
}
on_both_databases!(bad_input_is_refused_and_changes_nothing);

/// scim2-tester, an independent SCIM 2.0 checker, runs every check it has
/// (discovery, then creating, reading, filtering, replacing, patching and
/// deleting users and groups) against Org A's service provider. A check it
/// fails on a MUST of the RFCs fails this test.
async fn an_independent_checker_finds_no_violation(db: &TestDatabase) {
    let app = TestApp::spawn(db).await;
    let w = world(&app).await;
    let base = format!("{}/scim/v2/orgs/org-a", app.base);
    let results = run_scim_checker(&json!({ "base": base, "token": w.okta })).expect("scim2-tester runs");
    let results = results.as_array().expect("a list of checks");
    let ran = results.iter().filter(|r| r["status"] != json!("SKIPPED")).count();
    assert!(ran >= 20, "scim2-tester ran only {ran} checks: {results:#?}");
    let mut statuses = std::collections::BTreeMap::<String, usize>::new();
    for result in results {
        *statuses.entry(result["status"].as_str().unwrap_or_default().to_owned()).or_default() += 1;
    }
    eprintln!("scim2-tester: {statuses:?}");
    let violations: Vec<&Value> = results
        .iter()
        .filter(|r| r["status"] == json!("ERROR") || r["status"] == json!("CRITICAL"))
        .collect();
    assert!(violations.is_empty(), "{} of {ran} checks failed: {violations:#?}", violations.len());
    app.stop().await;
}
on_both_databases!(an_independent_checker_finds_no_violation);

/// Runs end2end/support/scim_conformance.py with tools/venv's Python
/// (installed by `scripts/prerequisites --test`).
fn run_scim_checker(input: &Value) -> Result<Value, String> {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut child = Command::new(root.join("tools/venv/bin/python"))
        .arg(root.join("end2end/support/scim_conformance.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("tools/venv/bin/python runs (scripts/prerequisites --test installs it)");
    child.stdin.take().unwrap().write_all(input.to_string().as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).into_owned());
    }
    serde_json::from_slice(&output.stdout).map_err(|e| e.to_string())
}
