//! The discovery endpoints (RFC 7644 §4): what this service provider
//! supports, exactly, so that an identity provider's setup wizard (and a
//! conformance checker) can read it. They need no token (§4: "SHALL NOT
//! require authentication") and say the same for every organization, so
//! they tell nobody whether a slug exists.

use app::ssr::AppState;
use axum::extract::{Path, State};
use serde_json::{Value, json};

use super::{
    auth::REQUESTS_PER_MINUTE,
    body::Scim,
    error::ScimError,
    resource::{self, GROUP_SCHEMA, USER_SCHEMA},
    users::MAX_COUNT,
};

const SERVICE_PROVIDER_CONFIG_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig";
const RESOURCE_TYPE_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:ResourceType";
const SCHEMA_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Schema";

fn base(state: &AppState, slug: &str) -> String {
    state.settings.link(&format!("/scim/v2/orgs/{slug}"))
}

pub async fn service_provider_config(State(state): State<AppState>, Path(slug): Path<String>) -> Scim {
    let base = base(&state, &slug);
    Scim::ok(json!({
        "schemas": [SERVICE_PROVIDER_CONFIG_SCHEMA],
        "patch": { "supported": true },
        "bulk": { "supported": false, "maxOperations": 0, "maxPayloadSize": 0 },
        "filter": { "supported": true, "maxResults": MAX_COUNT },
        "changePassword": { "supported": false },
        "sort": { "supported": false },
        "etag": { "supported": false },
        "authenticationSchemes": [{
            "type": "oauthbearertoken",
            "name": "SCIM token",
            "description": format!(
                "A token made on the organization's Provisioning page, sent as Authorization: Bearer \
                 roster_scim_…; at most {REQUESTS_PER_MINUTE} requests a minute."
            ),
            "primary": true,
        }],
        "meta": {
            "resourceType": "ServiceProviderConfig",
            "location": format!("{base}/ServiceProviderConfig"),
        },
    }))
}

fn resource_type_of(id: &str, base: &str) -> Option<Value> {
    let (name, endpoint, schema, description) = match id {
        "User" => ("User", "/Users", USER_SCHEMA, "A member of the organization."),
        "Group" => ("Group", "/Groups", GROUP_SCHEMA, "One of the organization's three roles."),
        _ => return None,
    };
    Some(json!({
        "schemas": [RESOURCE_TYPE_SCHEMA],
        "id": name,
        "name": name,
        "endpoint": endpoint,
        "description": description,
        "schema": schema,
        "schemaExtensions": [],
        "meta": { "resourceType": "ResourceType", "location": format!("{base}/ResourceTypes/{name}") },
    }))
}

pub async fn resource_types(State(state): State<AppState>, Path(slug): Path<String>) -> Scim {
    let base = base(&state, &slug);
    let types: Vec<Value> = ["User", "Group"].iter().filter_map(|id| resource_type_of(id, &base)).collect();
    Scim::ok(resource::list(types.len() as i64, 1, types))
}

pub async fn resource_type(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Scim, ScimError> {
    resource_type_of(&id, &base(&state, &slug)).map(Scim::ok).ok_or_else(ScimError::not_found)
}

/// One attribute's definition (RFC 7643 §7).
fn attribute(name: &str, kind: &str, required: bool, mutability: &str, description: &str) -> Value {
    json!({
        "name": name,
        "type": kind,
        "multiValued": false,
        "description": description,
        "required": required,
        "caseExact": false,
        "mutability": mutability,
        "returned": "default",
        "uniqueness": "none",
    })
}

fn with(mut attribute: Value, changes: Value) -> Value {
    if let (Some(attribute), Value::Object(changes)) = (attribute.as_object_mut(), changes) {
        attribute.extend(changes);
    }
    attribute
}

fn user_schema() -> Value {
    let name = with(
        attribute(
            "name",
            "complex",
            false,
            "readWrite",
            "The person's name: formatted is the account's name.",
        ),
        json!({ "subAttributes": [
            attribute("formatted", "string", false, "readWrite", "The whole name."),
            attribute("givenName", "string", false, "readWrite", "Kept as sent; else the words of the name before the last."),
            attribute("familyName", "string", false, "readWrite", "Kept as sent; else the last word of the name."),
        ]}),
    );
    let emails = with(
        attribute(
            "emails",
            "complex",
            true,
            "readWrite",
            "The sign-in address: the primary one sent, or userName.",
        ),
        json!({ "multiValued": true, "subAttributes": [
            attribute("value", "string", true, "readWrite", "The address."),
            attribute("type", "string", false, "readWrite", "Kept as sent for the address; else work."),
            attribute("primary", "boolean", false, "readWrite", "Kept as sent for the address; else true."),
        ]}),
    );
    let groups = with(
        attribute("groups", "complex", false, "readOnly", "The group of the member's role."),
        json!({ "multiValued": true, "subAttributes": [
            attribute("value", "string", false, "readOnly", "The group's id: admin, editor or viewer."),
            attribute("display", "string", false, "readOnly", "The group's name."),
            with(
                attribute("$ref", "reference", false, "readOnly", "The group's URL."),
                json!({ "referenceTypes": ["Group"] }),
            ),
        ]}),
    );
    json!({
        "schemas": [SCHEMA_SCHEMA],
        "id": USER_SCHEMA,
        "name": "User",
        "description": "A member of the organization.",
        "attributes": [
            with(
                attribute("userName", "string", true, "readWrite", "The directory's name for the person; unique in the organization."),
                json!({ "uniqueness": "server" }),
            ),
            name,
            attribute("displayName", "string", false, "readWrite", "The name, as name.formatted."),
            emails,
            attribute("active", "boolean", true, "readWrite", "false suspends the membership; true reactivates it (true when left out)."),
            with(
                attribute("externalId", "string", false, "readWrite", "The directory's id for the person."),
                json!({ "caseExact": true }),
            ),
            groups,
        ],
        "meta": { "resourceType": "Schema" },
    })
}

fn group_schema() -> Value {
    let members = with(
        attribute("members", "complex", false, "readWrite", "The members with the group's role."),
        json!({ "multiValued": true, "subAttributes": [
            with(
                attribute("value", "string", true, "immutable", "The member's id."),
                json!({ "caseExact": true }),
            ),
            attribute("display", "string", false, "readOnly", "The member's address."),
            with(
                attribute("$ref", "reference", false, "immutable", "The member's URL."),
                json!({ "referenceTypes": ["User"] }),
            ),
        ]}),
    );
    json!({
        "schemas": [SCHEMA_SCHEMA],
        "id": GROUP_SCHEMA,
        "name": "Group",
        "description": "One of the organization's three roles: admin, editor, viewer.",
        "attributes": [
            with(
                attribute("displayName", "string", true, "readWrite", "The group's name; unique among the three."),
                json!({ "uniqueness": "server" }),
            ),
            members,
        ],
        "meta": { "resourceType": "Schema" },
    })
}

fn schema_of(id: &str, base: &str) -> Option<Value> {
    let mut schema = match id {
        USER_SCHEMA => user_schema(),
        GROUP_SCHEMA => group_schema(),
        _ => return None,
    };
    schema["meta"]["location"] = format!("{base}/Schemas/{id}").into();
    Some(schema)
}

pub async fn schemas(State(state): State<AppState>, Path(slug): Path<String>) -> Scim {
    let base = base(&state, &slug);
    let schemas: Vec<Value> =
        [USER_SCHEMA, GROUP_SCHEMA].iter().filter_map(|id| schema_of(id, &base)).collect();
    Scim::ok(resource::list(schemas.len() as i64, 1, schemas))
}

pub async fn schema(
    State(state): State<AppState>,
    Path((slug, id)): Path<(String, String)>,
) -> Result<Scim, ScimError> {
    schema_of(&id, &base(&state, &slug)).map(Scim::ok).ok_or_else(ScimError::not_found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_attribute_a_user_resource_carries_is_described() {
        let schema = schema_of(USER_SCHEMA, "https://r.example/scim/v2/orgs/acme").unwrap();
        let names: Vec<&str> =
            schema["attributes"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
        for carried in ["userName", "name", "displayName", "emails", "active", "externalId", "groups"] {
            assert!(names.contains(&carried), "{carried} is not described");
        }
        assert!(schema_of("urn:ietf:params:scim:schemas:extension:enterprise:2.0:User", "").is_none());
    }
}
