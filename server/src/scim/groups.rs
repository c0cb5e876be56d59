//! `/Groups`: the organization's three roles as SCIM groups, with the ids
//! `admin`, `editor` and `viewer` and the display names the organization
//! gave them. Being a member of a group is having its role: adding a
//! member to `admin` makes them an admin; removing a member from `admin`
//! or `editor` makes them a viewer, the role everyone has at least. The
//! groups themselves are fixed: none is created or deleted.

use std::collections::BTreeSet;

use app::ssr::{self, AppState, access};
use axum::{
    body::Bytes,
    extract::{Path, Query, State, rejection::QueryRejection},
    http::StatusCode,
};
use chrono::Utc;
use domain::{
    Role,
    policy::{Action, Target},
    scim_filter::{self, Attribute, Resource},
};
use serde_json::Value;
use store::ScimSettings;

use super::{
    auth::Directory,
    body::{self, Scim},
    error::ScimError,
    patch::{self, Op},
    resource::{self, GROUP_ROLES, GROUP_SCHEMA, Projection},
    users::{ListQuery, base, group_name},
};

/// The role a group id names; any other id is not found.
fn role_of(id: &str) -> Result<Role, ScimError> {
    GROUP_ROLES.into_iter().find(|role| role.as_str() == id).ok_or_else(ScimError::not_found)
}

async fn group(
    state: &AppState,
    directory: &Directory,
    settings: &ScimSettings,
    role: Role,
    projection: &Projection,
) -> Result<Value, ScimError> {
    let members = match projection.leaves_out("members") {
        true => None,
        false => Some(state.store.scim_members_with_role(directory.organization.id, role).await?),
    };
    let group =
        resource::group(role, group_name(settings, role), members.as_deref(), &base(state, directory));
    Ok(projection.apply(group))
}

pub async fn list(
    State(state): State<AppState>,
    directory: Directory,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Scim, ScimError> {
    directory.require(Action::ListMembers, &Target::Organization(directory.organization.id))?;
    let query = ListQuery::read(query)?;
    let filter = query.filter(Resource::Group)?;
    let settings = state.store.scim_settings(directory.organization.id).await?;
    let matching: Vec<Role> = GROUP_ROLES
        .into_iter()
        .filter(|&role| {
            filter.as_ref().is_none_or(|filter| {
                filter.matches(&|attribute| match attribute {
                    Attribute::Id => Some(scim_filter::Value::Text(role.as_str().to_owned())),
                    Attribute::DisplayName => {
                        Some(scim_filter::Value::Text(group_name(&settings, role).to_owned()))
                    }
                    _ => None,
                })
            })
        })
        .collect();
    let projection = query.projection(GROUP_SCHEMA);
    let mut resources = Vec::new();
    let skip = usize::try_from(query.start_index - 1).unwrap_or(usize::MAX);
    let take = usize::try_from(query.count).unwrap_or(0);
    for &role in matching.iter().skip(skip).take(take) {
        resources.push(group(&state, &directory, &settings, role, &projection).await?);
    }
    Ok(Scim::ok(resource::list(matching.len() as i64, query.start_index, resources)))
}

pub async fn get(
    State(state): State<AppState>,
    directory: Directory,
    Path((_, id)): Path<(String, String)>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Scim, ScimError> {
    directory.require(Action::ListMembers, &Target::Organization(directory.organization.id))?;
    let query = ListQuery::read(query)?;
    let role = role_of(&id)?;
    let settings = state.store.scim_settings(directory.organization.id).await?;
    let projection = query.projection(GROUP_SCHEMA);
    Ok(Scim::ok(group(&state, &directory, &settings, role, &projection).await?))
}

/// The groups are the roles: a directory pushing a group of the same name
/// (Okta's "Push groups" creates before it links) is told it exists.
pub async fn create(
    State(state): State<AppState>,
    directory: Directory,
    body: Bytes,
) -> Result<Scim, ScimError> {
    directory.require(Action::ListMembers, &Target::Organization(directory.organization.id))?;
    let object = body::object(&body)?;
    let settings = state.store.scim_settings(directory.organization.id).await?;
    let names: Vec<&str> = GROUP_ROLES.iter().map(|&role| group_name(&settings, role)).collect();
    match body::text(&object, "displayName")? {
        Some(name) if names.iter().any(|n| n.eq_ignore_ascii_case(name.trim())) => Err(ScimError::new(
            StatusCode::CONFLICT,
            Some("uniqueness"),
            format!("The group {:?} exists: link to it rather than creating it.", name.trim()),
        )),
        _ => Err(ScimError::new(
            StatusCode::BAD_REQUEST,
            Some("mutability"),
            format!(
                "Roster's groups are its three roles and cannot be created: {}. Rename one on the \
                 Provisioning page to match your directory's group.",
                names.join(", ")
            ),
        )),
    }
}

pub async fn delete(directory: Directory, Path((_, id)): Path<(String, String)>) -> Result<Scim, ScimError> {
    directory.require(Action::ListMembers, &Target::Organization(directory.organization.id))?;
    role_of(&id)?;
    Err(ScimError::bad("mutability", "A role's group cannot be deleted: remove its members instead."))
}

pub async fn replace(
    State(state): State<AppState>,
    directory: Directory,
    Path((_, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Scim, ScimError> {
    let role = role_of(&id)?;
    let object = body::object(&body)?;
    let current = current_members(&state, &directory, role).await?;
    let mut change = Change { members: current.clone(), display_name: None };
    match body::field(&object, "members") {
        Some(members) => change.members = member_ids(members)?,
        None => change.members.clear(),
    }
    change.display_name = body::text(&object, "displayName")?.map(str::to_owned);
    let outcome = carry_out(&state, &directory, role, &current, change).await?;
    let settings = state.store.scim_settings(directory.organization.id).await?;
    let group = group(&state, &directory, &settings, role, &Projection::default()).await?;
    Ok(Scim::ok(group).noting(outcome))
}

/// PATCH answers 204 without a body: Entra and Okta send many in a row
/// and read none.
pub async fn patch(
    State(state): State<AppState>,
    directory: Directory,
    Path((_, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Scim, ScimError> {
    let role = role_of(&id)?;
    let operations = patch::operations(&body::object(&body)?, GROUP_SCHEMA)?;
    let current = current_members(&state, &directory, role).await?;
    let mut change = Change { members: current.clone(), display_name: None };
    for operation in &operations {
        patch::for_each_target(operation, GROUP_SCHEMA, |op, path, value| change.apply(op, path, value))?;
    }
    let outcome = carry_out(&state, &directory, role, &current, change).await?;
    Ok(Scim::no_content().noting(outcome))
}

async fn current_members(
    state: &AppState,
    directory: &Directory,
    role: Role,
) -> Result<BTreeSet<i64>, ScimError> {
    directory.require(Action::ListMembers, &Target::Organization(directory.organization.id))?;
    let members = state.store.scim_members_with_role(directory.organization.id, role).await?;
    Ok(members.into_iter().map(|(id, _)| id).collect())
}

/// What a group should be after a request: its members, and maybe a new name.
#[derive(Debug, Clone, PartialEq)]
struct Change {
    members: BTreeSet<i64>,
    display_name: Option<String>,
}

impl Change {
    fn apply(&mut self, op: Op, path: &patch::Path, value: &Value) -> Result<(), ScimError> {
        match (path.attribute.as_str(), op) {
            ("members", Op::Add) => self.members.extend(member_ids(value)?),
            ("members", Op::Replace) if path.filter.is_none() => self.members = member_ids(value)?,
            ("members", Op::Remove) => match &path.filter {
                // `members[value eq "12"]`
                Some((key, Value::String(id))) if key == "value" => {
                    self.members.remove(&member_id(id)?);
                }
                Some(_) => {
                    return Err(ScimError::bad("invalidPath", "Name a member as members[value eq \"id\"]."));
                }
                // Entra: `"path": "members", "value": [{"value": "12"}]`; no value: all of them.
                None if value.is_null() => self.members.clear(),
                None => {
                    for id in member_ids(value)? {
                        self.members.remove(&id);
                    }
                }
            },
            ("members", Op::Replace) => {
                return Err(ScimError::bad(
                    "invalidPath",
                    "Replace members as a whole, or add and remove them.",
                ));
            }
            ("displayname", Op::Remove) => {
                return Err(ScimError::bad("mutability", "A group's displayName is required."));
            }
            ("displayname", _) => match value {
                Value::String(name) => self.display_name = Some(name.clone()),
                _ => return Err(ScimError::invalid_value("displayName must be a string.")),
            },
            // Okta's path-less replace repeats the id; the directory's own
            // id for the group is not kept.
            ("id" | "schemas" | "meta" | "externalid", _) => {}
            (other, _) => {
                return Err(ScimError::bad("noTarget", format!("A group has no attribute {other:?}.")));
            }
        }
        Ok(())
    }
}

/// `[{"value": "12"}, …]`, or one such object.
fn member_ids(value: &Value) -> Result<BTreeSet<i64>, ScimError> {
    let one = |item: &Value| -> Result<i64, ScimError> {
        let Value::Object(item) = item else {
            return Err(ScimError::invalid_value("A member is an object with its id as value."));
        };
        match body::field(item, "value") {
            Some(Value::String(id)) => member_id(id),
            _ => Err(ScimError::invalid_value("A member is an object with its id as value.")),
        }
    };
    match value {
        Value::Array(items) => items.iter().map(one).collect(),
        Value::Null => Ok(BTreeSet::new()),
        item => Ok(BTreeSet::from([one(item)?])),
    }
}

fn member_id(id: &str) -> Result<i64, ScimError> {
    id.trim().parse().map_err(|_| ScimError::invalid_value(format!("No member has the id {id:?}.")))
}

/// Makes the group what `change` says, after checking all of it: each
/// member exists and may be given the role, and the new name is one the
/// other two groups do not have. Promotions come before demotions, so
/// replacing the admins by others never leaves the organization without
/// one on the way.
async fn carry_out(
    state: &AppState,
    directory: &Directory,
    role: Role,
    current: &BTreeSet<i64>,
    change: Change,
) -> Result<String, ScimError> {
    let organization_id = directory.organization.id;
    let joining: Vec<i64> = change.members.difference(current).copied().collect();
    // Everyone is a viewer at least: leaving the viewers' group changes nothing.
    let leaving: Vec<i64> = match role {
        Role::Viewer => Vec::new(),
        _ => current.difference(&change.members).copied().collect(),
    };
    for &user_id in joining.iter().chain(&leaving) {
        if state.store.scim_member(organization_id, user_id).await?.is_none() {
            return Err(ScimError::invalid_value(format!("No member has the id \"{user_id}\".")));
        }
        let target = access::member(state, organization_id, user_id).await?;
        directory.require(Action::ChangeRole, &target)?;
    }
    let rename = match change.display_name {
        Some(name) => {
            let name = ssr::scim::group_name(&name).map_err(ScimError::invalid_value)?;
            let settings = state.store.scim_settings(organization_id).await?;
            if settings
                .group_names
                .iter()
                .any(|(other, existing)| *other != role && existing.eq_ignore_ascii_case(&name))
            {
                return Err(ScimError::new(
                    StatusCode::CONFLICT,
                    Some("uniqueness"),
                    "Another group has this name.",
                ));
            }
            (group_name(&settings, role) != name).then_some(name)
        }
        None => None,
    };
    if rename.is_some() {
        directory.require(Action::ManageScim, &Target::Organization(organization_id))?;
    }
    let now = Utc::now();
    for &user_id in &joining {
        state.store.change_member_role(organization_id, user_id, role, directory.actor(), now).await?;
    }
    for &user_id in &leaving {
        state
            .store
            .change_member_role(organization_id, user_id, Role::Viewer, directory.actor(), now)
            .await?;
    }
    if let Some(name) = &rename {
        state.store.rename_scim_group(organization_id, role, name, directory.actor(), now).await?;
    }
    let mut outcome = Vec::new();
    if !joining.is_empty() {
        outcome.push(format!("{} made {}", joining.len(), role.as_str()));
    }
    if !leaving.is_empty() {
        outcome.push(format!("{} made viewer", leaving.len()));
    }
    if let Some(name) = rename {
        outcome.push(format!("renamed {name:?}"));
    }
    Ok(match outcome.is_empty() {
        true => format!("No change to the {} group.", role.as_str()),
        false => format!("The {} group: {}.", role.as_str(), outcome.join("; ")),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Map, json};

    use super::*;

    fn patched(members: &[i64], operations: Value) -> Result<Change, ScimError> {
        let mut change = Change { members: members.iter().copied().collect(), display_name: None };
        let request: Map<String, Value> =
            json!({ "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"], "Operations": operations })
                .as_object()
                .unwrap()
                .clone();
        for operation in patch::operations(&request, GROUP_SCHEMA)? {
            patch::for_each_target(&operation, GROUP_SCHEMA, |op, path, value| {
                change.apply(op, path, value)
            })?;
        }
        Ok(change)
    }

    #[test]
    fn members_are_added_and_removed_in_each_dialect() {
        let okta = patched(&[1, 2], json!([{ "op": "remove", "path": "members[value eq \"2\"]" }])).unwrap();
        assert_eq!(okta.members, BTreeSet::from([1]));
        let entra = patched(
            &[1, 2],
            json!([
                { "op": "Add", "path": "members", "value": [{ "value": "3" }] },
                { "op": "Remove", "path": "members", "value": [{ "value": "1" }] },
            ]),
        )
        .unwrap();
        assert_eq!(entra.members, BTreeSet::from([2, 3]));
        let replaced =
            patched(&[1, 2], json!([{ "op": "replace", "path": "members", "value": [{ "value": "5" }] }]));
        assert_eq!(replaced.unwrap().members, BTreeSet::from([5]));
        let renamed = patched(
            &[1],
            json!([{ "op": "replace", "value": { "id": "admin", "displayName": "Roster admins" } }]),
        );
        assert_eq!(renamed.unwrap().display_name.as_deref(), Some("Roster admins"));
    }

    #[test]
    fn a_member_that_is_no_id_or_an_unknown_attribute_is_refused() {
        let not_an_id =
            patched(&[], json!([{ "op": "add", "path": "members", "value": [{ "value": "ann" }] }]));
        assert_eq!(not_an_id.unwrap_err().scim_type, Some("invalidValue"));
        let unknown = patched(&[], json!([{ "op": "add", "path": "owner", "value": "x" }]));
        assert_eq!(unknown.unwrap_err().scim_type, Some("noTarget"));
        assert_eq!(role_of("owner").unwrap_err().status, StatusCode::NOT_FOUND);
    }
}
