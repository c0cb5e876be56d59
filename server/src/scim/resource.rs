//! SCIM resources as JSON: a member as a `User`, a role as a `Group`, and
//! the `attributes` / `excludedAttributes` projection of either.

use domain::{MembershipStatus, Role};
use serde_json::{Map, Value, json};
use store::ScimMemberRecord;

pub const USER_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:User";
pub const GROUP_SCHEMA: &str = "urn:ietf:params:scim:schemas:core:2.0:Group";
pub const LIST_SCHEMA: &str = "urn:ietf:params:scim:api:messages:2.0:ListResponse";

/// The three groups, one per role; their ids are the role names.
pub const GROUP_ROLES: [Role; 3] = [Role::Admin, Role::Editor, Role::Viewer];

/// A name split the way a directory keeps it: everything before the last
/// word, and the last word.
pub fn split_name(name: &str) -> (&str, &str) {
    match name.trim().rsplit_once(' ') {
        Some((given, family)) => (given.trim_end(), family),
        None => (name.trim(), ""),
    }
}

/// A member as a SCIM `User`. `base` is the service provider's URL.
pub fn user(member: &ScimMemberRecord, group_name: &str, base: &str) -> Value {
    let location = format!("{base}/Users/{}", member.user_id);
    let mut user = json!({
        "schemas": [USER_SCHEMA],
        "id": member.user_id.to_string(),
        "userName": member.user_name.as_deref().unwrap_or(&member.email),
        "active": member.status == MembershipStatus::Active,
        "emails": [email(member)],
        "groups": [{
            "value": member.role.as_str(),
            "display": group_name,
            "$ref": format!("{base}/Groups/{}", member.role.as_str()),
        }],
        "meta": {
            "resourceType": "User",
            "created": member.created_at.to_rfc3339(),
            "lastModified": member.created_at.to_rfc3339(),
            "location": location,
        },
    });
    // Parts the directory never described are read from the name.
    let (split_given, split_family) = split_name(&member.name);
    let details = &member.details;
    let mut name = Map::new();
    if !member.name.is_empty() {
        user["displayName"] = member.name.clone().into();
        name.insert("formatted".into(), member.name.clone().into());
    }
    for (key, part, split) in
        [("givenName", &details.given_name, split_given), ("familyName", &details.family_name, split_family)]
    {
        let part = part.as_deref().unwrap_or(split);
        if !part.is_empty() {
            name.insert(key.into(), part.into());
        }
    }
    if !name.is_empty() {
        user["name"] = Value::Object(name);
    }
    if let Some(external_id) = &member.external_id {
        user["externalId"] = external_id.clone().into();
    }
    user
}

/// A member's address as an `emails` entry: a primary work address,
/// unless the directory described it otherwise.
pub fn email(member: &ScimMemberRecord) -> Value {
    let details = &member.details;
    let mut email = json!({ "value": member.email });
    match details.email_type.as_deref() {
        None => {
            email["type"] = "work".into();
            email["primary"] = true.into();
        }
        Some(kind) => {
            if !kind.is_empty() {
                email["type"] = kind.into();
            }
            if let Some(primary) = details.email_primary {
                email["primary"] = primary.into();
            }
        }
    }
    email
}

/// A role's group with its members (`(user id, address)`), unless they are left out.
pub fn group(role: Role, display_name: &str, members: Option<&[(i64, String)]>, base: &str) -> Value {
    let mut group = json!({
        "schemas": [GROUP_SCHEMA],
        "id": role.as_str(),
        "displayName": display_name,
        "meta": { "resourceType": "Group", "location": format!("{base}/Groups/{}", role.as_str()) },
    });
    if let Some(members) = members {
        group["members"] = members
            .iter()
            .map(|(id, email)| json!({ "value": id.to_string(), "display": email, "$ref": format!("{base}/Users/{id}") }))
            .collect();
    }
    group
}

pub fn list(total: i64, start_index: i64, resources: Vec<Value>) -> Value {
    json!({
        "schemas": [LIST_SCHEMA],
        "totalResults": total,
        "startIndex": start_index,
        "itemsPerPage": resources.len(),
        "Resources": resources,
    })
}

/// Which attributes a response carries (RFC 7644 §3.9).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Projection {
    /// Only these (and those always returned), lower-cased paths.
    pub only: Vec<String>,
    pub excluded: Vec<String>,
}

impl Projection {
    pub fn new(attributes: Option<&str>, excluded: Option<&str>, schema: &str) -> Self {
        let paths = |list: Option<&str>| -> Vec<String> {
            list.unwrap_or_default()
                .split(',')
                .map(|path| {
                    let path = path.trim().to_ascii_lowercase();
                    let prefix = format!("{}:", schema.to_ascii_lowercase());
                    path.strip_prefix(&prefix).map(str::to_owned).unwrap_or(path)
                })
                .filter(|path| !path.is_empty())
                .collect()
        };
        Self { only: paths(attributes), excluded: paths(excluded) }
    }

    /// Whether `members` is left out: a role's group can hold every member.
    pub fn leaves_out(&self, attribute: &str) -> bool {
        self.excluded.iter().any(|path| path == attribute)
            || (!self.only.is_empty()
                && !self.only.iter().any(|path| path.split('.').next() == Some(attribute)))
    }

    pub fn apply(&self, mut resource: Value) -> Value {
        let Some(object) = resource.as_object_mut() else { return resource };
        const ALWAYS: [&str; 2] = ["schemas", "id"];
        if !self.only.is_empty() {
            let kept: Map<String, Value> = object
                .iter()
                .filter_map(|(key, value)| {
                    let lower = key.to_ascii_lowercase();
                    if ALWAYS.contains(&key.as_str()) || self.only.contains(&lower) {
                        return Some((key.clone(), value.clone()));
                    }
                    // `name.givenName` keeps that part of `name`.
                    let parts: Vec<&str> =
                        self.only.iter().filter_map(|path| path.strip_prefix(&format!("{lower}."))).collect();
                    if parts.is_empty() {
                        return None;
                    }
                    let sub = value.as_object()?;
                    let sub: Map<String, Value> = sub
                        .iter()
                        .filter(|(k, _)| parts.contains(&k.to_ascii_lowercase().as_str()))
                        .map(|(k, v)| (k.clone(), v.clone()))
                        .collect();
                    Some((key.clone(), Value::Object(sub)))
                })
                .collect();
            *object = kept;
        }
        for path in &self.excluded {
            match path.split_once('.') {
                None => object
                    .retain(|key, _| ALWAYS.contains(&key.as_str()) || key.to_ascii_lowercase() != *path),
                Some((parent, child)) => {
                    if let Some(Value::Object(sub)) =
                        object.iter_mut().find(|(k, _)| k.to_ascii_lowercase() == parent).map(|(_, v)| v)
                    {
                        sub.retain(|key, _| key.to_ascii_lowercase() != child);
                    }
                }
            }
        }
        resource
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_before_the_last_word() {
        assert_eq!(split_name("Mary Ann Smith"), ("Mary Ann", "Smith"));
        assert_eq!(split_name("Cher"), ("Cher", ""));
    }

    #[test]
    fn a_projection_keeps_what_was_asked_and_what_is_always_returned() {
        let user = json!({ "schemas": [USER_SCHEMA], "id": "1", "userName": "a", "name": { "givenName": "A", "familyName": "B" }, "active": true });
        let only = Projection::new(Some("userName,name.familyName"), None, USER_SCHEMA).apply(user.clone());
        assert_eq!(
            only,
            json!({ "schemas": [USER_SCHEMA], "id": "1", "userName": "a", "name": { "familyName": "B" } })
        );
        let without =
            Projection::new(None, Some(&format!("{USER_SCHEMA}:active,id,name.givenName")), USER_SCHEMA)
                .apply(user);
        assert_eq!(
            without,
            json!({ "schemas": [USER_SCHEMA], "id": "1", "userName": "a", "name": { "familyName": "B" } })
        );
        assert!(Projection::new(None, Some("members"), GROUP_SCHEMA).leaves_out("members"));
        assert!(Projection::new(Some("displayName"), None, GROUP_SCHEMA).leaves_out("members"));
        assert!(!Projection::new(None, None, GROUP_SCHEMA).leaves_out("members"));
    }
}
