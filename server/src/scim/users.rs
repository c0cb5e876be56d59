//! `/Users`: an organization's members as SCIM users. Creating one adds
//! the person (making their account if the address has none); `active`
//! is the membership's status; deleting one removes the membership, and
//! the account with it when it belongs to no other organization.

use app::ssr::{self, AppState, access};
use axum::{
    body::Bytes,
    extract::{Path, Query, State, rejection::QueryRejection},
};
use chrono::Utc;
use domain::{
    DisplayName, Email, MembershipStatus, Role,
    policy::{self, Action, Target},
    scim_filter::{Filter, Resource},
};
use serde_json::{Map, Value};
use store::{
    AccountDeletion, DirectoryDetails, NewScimMember, ScimIdentityChange, ScimMemberRecord, ScimSettings,
};

use super::{
    auth::Directory,
    body::{self, Scim},
    error::ScimError,
    patch::{self, Op},
    resource::{self, Projection, USER_SCHEMA},
};

/// A page's size when the request names none, and the most it may ask for
/// (`ServiceProviderConfig` says so).
pub const DEFAULT_COUNT: i64 = 100;
pub const MAX_COUNT: i64 = 1_000;
/// The longest `userName` or `externalId` kept.
const MAX_IDENTIFIER_CHARS: usize = 256;

/// The service provider's URL, as resources' `meta.location` gives it.
pub fn base(state: &AppState, directory: &Directory) -> String {
    state.settings.link(&format!("/scim/v2/orgs/{}", directory.organization.slug))
}

pub fn group_name(settings: &ScimSettings, role: Role) -> &str {
    settings.group_names.iter().find(|(r, _)| *r == role).map_or(role.as_str(), |(_, name)| name.as_str())
}

/// The query parameters of a list, by name without regard to case.
pub struct ListQuery {
    pub filter: Option<String>,
    pub start_index: i64,
    pub count: i64,
    pub attributes: Option<String>,
    pub excluded: Option<String>,
}

impl ListQuery {
    pub fn read(query: Result<Query<Vec<(String, String)>>, QueryRejection>) -> Result<Self, ScimError> {
        let Query(pairs) = query.map_err(|e| ScimError::invalid_value(e.body_text()))?;
        let get =
            |name: &str| pairs.iter().find(|(key, _)| key.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone());
        let number = |name: &str| -> Result<Option<i64>, ScimError> {
            get(name)
                .map(|text| {
                    text.trim()
                        .parse::<i64>()
                        .map_err(|_| ScimError::invalid_value(format!("{name} must be a number.")))
                })
                .transpose()
        };
        Ok(Self {
            filter: get("filter").filter(|f| !f.trim().is_empty()),
            // RFC 7644 §3.4.2.4: below 1 is read as 1, a negative count as 0.
            start_index: number("startIndex")?.unwrap_or(1).max(1),
            count: number("count")?.unwrap_or(DEFAULT_COUNT).clamp(0, MAX_COUNT),
            attributes: get("attributes"),
            excluded: get("excludedAttributes"),
        })
    }

    /// The `filter`, parsed for `resource`'s attributes.
    pub fn filter(&self, resource: Resource) -> Result<Option<Filter>, ScimError> {
        self.filter
            .as_deref()
            .map(|text| Filter::parse(text, resource))
            .transpose()
            .map_err(|e| ScimError::bad("invalidFilter", e.to_string()))
    }

    pub fn projection(&self, schema: &str) -> Projection {
        Projection::new(self.attributes.as_deref(), self.excluded.as_deref(), schema)
    }
}

pub async fn list(
    State(state): State<AppState>,
    directory: Directory,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Scim, ScimError> {
    let organization_id = directory.organization.id;
    directory.require(Action::ListMembers, &Target::Organization(organization_id))?;
    let query = ListQuery::read(query)?;
    let filter = query.filter(Resource::User)?;
    let (total, members) = state
        .store
        .scim_members(organization_id, filter.as_ref(), query.start_index - 1, query.count)
        .await?;
    let settings = state.store.scim_settings(organization_id).await?;
    let base = base(&state, &directory);
    let projection = query.projection(USER_SCHEMA);
    let resources = members
        .iter()
        .map(|member| projection.apply(resource::user(member, group_name(&settings, member.role), &base)))
        .collect();
    Ok(Scim::ok(resource::list(total, query.start_index, resources)))
}

/// The member a path's id names; absent, malformed and another
/// organization's ids all answer 404.
async fn member(state: &AppState, directory: &Directory, id: &str) -> Result<ScimMemberRecord, ScimError> {
    let user_id: i64 = id.parse().map_err(|_| ScimError::not_found())?;
    state.store.scim_member(directory.organization.id, user_id).await?.ok_or_else(ScimError::not_found)
}

async fn answer(state: &AppState, directory: &Directory, user_id: i64) -> Result<Value, ScimError> {
    let member = state
        .store
        .scim_member(directory.organization.id, user_id)
        .await?
        .ok_or_else(ScimError::not_found)?;
    let settings = state.store.scim_settings(directory.organization.id).await?;
    Ok(resource::user(&member, group_name(&settings, member.role), &base(state, directory)))
}

pub async fn get(
    State(state): State<AppState>,
    directory: Directory,
    Path((_, id)): Path<(String, String)>,
    query: Result<Query<Vec<(String, String)>>, QueryRejection>,
) -> Result<Scim, ScimError> {
    directory.require(Action::ListMembers, &Target::Organization(directory.organization.id))?;
    let query = ListQuery::read(query)?;
    let member = member(&state, &directory, &id).await?;
    Ok(Scim::ok(query.projection(USER_SCHEMA).apply(answer(&state, &directory, member.user_id).await?)))
}

pub async fn create(
    State(state): State<AppState>,
    directory: Directory,
    body: Bytes,
) -> Result<Scim, ScimError> {
    let organization = &directory.organization;
    directory.require(Action::Invite, &Target::Organization(organization.id))?;
    let wanted = Draft::from_object(&body::object(&body)?)?.validate()?;
    let settings = state.store.scim_settings(organization.id).await?;
    let welcome =
        settings.welcome_email.then(|| ssr::scim::welcome(&state, organization, wanted.email.as_str()));
    let member = NewScimMember {
        organization_id: organization.id,
        email: wanted.email.clone(),
        user_name: wanted.user_name.clone(),
        name: wanted.name.clone().unwrap_or_default(),
        external_id: wanted.external_id.clone(),
        details: wanted.details.clone(),
        role: Role::Viewer,
        active: wanted.active,
        welcome,
    };
    let user_id = state.store.provision_member(member, directory.actor(), Utc::now()).await?;
    let user = answer(&state, &directory, user_id).await?;
    let location = format!("{}/Users/{user_id}", base(&state, &directory));
    Ok(Scim::created(user, location).noting(format!("Added {}.", wanted.email.as_str())))
}

pub async fn replace(
    State(state): State<AppState>,
    directory: Directory,
    Path((_, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Scim, ScimError> {
    let current = member(&state, &directory, &id).await?;
    let wanted = Draft::from_object(&body::object(&body)?)?.validate()?;
    let outcome = update(&state, &directory, &current, wanted).await?;
    Ok(Scim::ok(answer(&state, &directory, current.user_id).await?).noting(outcome))
}

pub async fn patch(
    State(state): State<AppState>,
    directory: Directory,
    Path((_, id)): Path<(String, String)>,
    body: Bytes,
) -> Result<Scim, ScimError> {
    let current = member(&state, &directory, &id).await?;
    let operations = patch::operations(&body::object(&body)?, USER_SCHEMA)?;
    let mut draft = Draft::of(&current);
    for operation in &operations {
        patch::for_each_target(operation, USER_SCHEMA, |op, path, value| draft.apply(op, path, value))?;
    }
    let outcome = update(&state, &directory, &current, draft.validate()?).await?;
    Ok(Scim::ok(answer(&state, &directory, current.user_id).await?).noting(outcome))
}

pub async fn delete(
    State(state): State<AppState>,
    directory: Directory,
    Path((_, id)): Path<(String, String)>,
) -> Result<Scim, ScimError> {
    let organization_id = directory.organization.id;
    let current = member(&state, &directory, &id).await?;
    let target = access::member(&state, organization_id, current.user_id).await?;
    let Target::Member { subject, .. } = &target else { return Err(ScimError::not_found()) };
    let now = Utc::now();
    if policy::directory_owns(subject, organization_id) {
        directory.require(Action::DeleteAccount, &Target::Account(subject.clone()))?;
        let deletion = AccountDeletion {
            user_id: current.user_id,
            confined_to: Some(organization_id),
            with_data: false,
        };
        state.store.delete_account(deletion, directory.actor(), now).await?;
        Ok(Scim::no_content()
            .noting(format!("Deleted {} (their account was this organization's alone).", current.email)))
    } else {
        directory.require(Action::RemoveMember, &target)?;
        state.store.remove_member(organization_id, current.user_id, directory.actor(), now).await?;
        Ok(Scim::no_content().noting(format!("Removed {} from the organization.", current.email)))
    }
}

/// Brings a member to what the directory sent: their identity first
/// (checked whole before anything changes), then their status. Returns
/// what changed, in words, for the request log.
async fn update(
    state: &AppState,
    directory: &Directory,
    current: &ScimMemberRecord,
    wanted: Wanted,
) -> Result<String, ScimError> {
    let organization_id = directory.organization.id;
    let target = access::member(state, organization_id, current.user_id).await?;
    let Target::Member { subject, .. } = &target else { return Err(ScimError::not_found()) };
    let owns = policy::directory_owns(subject, organization_id);
    let mut change = ScimIdentityChange::default();
    let mut changed = Vec::new();
    if wanted.user_name != current.user_name.as_deref().unwrap_or(&current.email) {
        change.user_name = Some(wanted.user_name.clone());
        changed.push("userName");
    }
    if wanted.email.as_str() != current.email {
        if !owns {
            return Err(ScimError::bad(
                "mutability",
                "This person's account also belongs to another organization (or is a super admin's): \
                 its email address is not this directory's to change.",
            ));
        }
        change.email = Some(wanted.email.clone());
        changed.push("email");
    }
    // Another organization's member keeps their own name: the directory's
    // spelling of it is not an error worth stopping a sync for.
    if let Some(name) = wanted.name.filter(|name| *name != current.name && owns) {
        change.name = Some(name);
        changed.push("name");
    }
    // Not named in the outcome: the directory's own description of the person.
    if wanted.details != current.details {
        change.details = Some(wanted.details.clone());
    }
    if wanted.external_id != current.external_id {
        change.external_id = Some(wanted.external_id.clone());
        changed.push("externalId");
    }
    let status = match (current.status, wanted.active) {
        (MembershipStatus::Active, false) => Some(MembershipStatus::Suspended),
        (MembershipStatus::Suspended, true) => Some(MembershipStatus::Active),
        (MembershipStatus::Invited, true) => {
            return Err(ScimError::bad(
                "mutability",
                "This person has not accepted their invitation yet: they become active when they do.",
            ));
        }
        _ => None,
    };
    if status.is_some() {
        directory.require(Action::SetMembershipStatus, &target)?;
    }
    let now = Utc::now();
    if !changed.is_empty() || change.details.is_some() {
        state
            .store
            .update_scim_identity(organization_id, current.user_id, change, directory.actor(), now)
            .await?;
    }
    let mut outcome = match changed.is_empty() {
        true => String::from("No change to their identity"),
        false => format!("Changed {}", changed.join(", ")),
    };
    if let Some(status) = status {
        state
            .store
            .set_membership_status(organization_id, current.user_id, status, None, directory.actor(), now)
            .await?;
        outcome.push_str(match status {
            MembershipStatus::Suspended => "; suspended",
            _ => "; reactivated",
        });
    }
    Ok(format!("{outcome} ({}).", current.email))
}

/// A user as the directory describes it, before it is checked: the body
/// of a POST or PUT, or a member with a PATCH's operations applied.
#[derive(Debug, Clone, Default, PartialEq)]
struct Draft {
    user_name: Option<String>,
    /// `None`: not given (the account keeps its name).
    name: Option<String>,
    /// The parts of the name as the directory sent them (see
    /// [`DirectoryDetails`]); the account's name is `name`.
    given: Option<String>,
    family: Option<String>,
    emails: Vec<Map<String, Value>>,
    external_id: Option<String>,
    active: Option<bool>,
}

/// A user the directory may have: every attribute checked.
#[derive(Debug, Clone, PartialEq)]
struct Wanted {
    user_name: String,
    email: Email,
    name: Option<String>,
    external_id: Option<String>,
    active: bool,
    details: DirectoryDetails,
}

impl Draft {
    /// A member as the starting point of a PATCH. Their address is the
    /// primary, work address, which is what Entra's
    /// `emails[type eq "work"].value` names.
    fn of(member: &ScimMemberRecord) -> Self {
        let email = resource::email(member).as_object().cloned().unwrap_or_default();
        Self {
            user_name: Some(member.user_name.clone().unwrap_or_else(|| member.email.clone())),
            name: Some(member.name.clone()),
            given: member.details.given_name.clone(),
            family: member.details.family_name.clone(),
            emails: vec![email],
            external_id: member.external_id.clone(),
            active: Some(member.status == MembershipStatus::Active),
        }
    }

    /// The body of a POST or PUT: what it leaves out is absent, except the
    /// name, which stays the account's, and `active`, which is true.
    fn from_object(object: &Map<String, Value>) -> Result<Self, ScimError> {
        let mut draft = Self::default();
        for (key, value) in object {
            if value.is_null() {
                continue;
            }
            let Some(path) = patch::parse_path(key, USER_SCHEMA)? else { continue };
            // `name` before `displayName` would lose the display name: read
            // it last. Read-only `groups` in a POST or PUT is ignored
            // (RFC 7644 §3.5.1); Okta sends `"groups": []`.
            if path.attribute != "displayname" && path.attribute != "groups" {
                draft.apply(Op::Replace, &path, value)?;
            }
        }
        if let Some(display_name) = body::text(object, "displayName")? {
            draft.name = Some(display_name.to_owned());
        }
        // A name sent whole says which parts it has: those it leaves out are none.
        if body::field(object, "name").is_some_and(Value::is_object) {
            draft.given.get_or_insert_default();
            draft.family.get_or_insert_default();
        }
        Ok(draft)
    }

    fn apply(&mut self, op: Op, path: &patch::Path, value: &Value) -> Result<(), ScimError> {
        let text = |value: &Value, name: &str| -> Result<String, ScimError> {
            match value {
                Value::String(text) => Ok(text.clone()),
                _ => Err(ScimError::invalid_value(format!("{name} must be a string."))),
            }
        };
        match (path.attribute.as_str(), op) {
            ("username", Op::Remove) => {
                return Err(ScimError::bad("mutability", "userName is required: replace it instead."));
            }
            ("username", _) => self.user_name = Some(text(value, "userName")?),
            ("displayname", Op::Remove) => self.name = Some(String::new()),
            ("displayname", _) => self.name = Some(text(value, "displayName")?),
            ("name", _) => self.apply_name(op, path.sub.as_deref(), value)?,
            ("emails", _) => self.apply_emails(op, path, value)?,
            ("externalid", Op::Remove) => self.external_id = None,
            ("externalid", _) => self.external_id = Some(text(value, "externalId")?),
            ("active", Op::Remove) => {
                return Err(ScimError::bad(
                    "mutability",
                    "active cannot be removed: set it to true or false.",
                ));
            }
            ("active", _) => self.active = Some(body::boolean(value, "active")?),
            ("groups", _) => {
                return Err(ScimError::bad(
                    "mutability",
                    "A user's groups are read-only: add or remove members of a group with /Groups.",
                ));
            }
            // `id`, `meta` and `schemas` are the service provider's, a
            // password is never taken from a directory, and the rest
            // (phone numbers, titles, …) Roster does not keep.
            _ => {}
        }
        Ok(())
    }

    /// `name.formatted` is the account's name; its parts are kept as the
    /// directory sent them. A name sent without `formatted` is its parts
    /// joined; changing one part later leaves the account's name alone
    /// (directories send `displayName` with it), unless it has none.
    fn apply_name(&mut self, op: Op, sub: Option<&str>, value: &Value) -> Result<(), ScimError> {
        let part = |value: &Value| -> Result<String, ScimError> {
            match (op, value) {
                (Op::Remove, _) => Ok(String::new()),
                (_, Value::String(text)) => Ok(text.trim().to_owned()),
                _ => Err(ScimError::invalid_value("A part of name must be a string.")),
            }
        };
        match sub {
            None if op == Op::Remove => {
                self.name = Some(String::new());
                self.given = Some(String::new());
                self.family = Some(String::new());
            }
            None => {
                let Value::Object(name) = value else {
                    return Err(ScimError::invalid_value("name must be an object."));
                };
                // RFC 7644 §3.5.2: the parts a complex value leaves out stay.
                if let Some(given) = body::text(name, "givenName")? {
                    self.given = Some(given.trim().to_owned());
                }
                if let Some(family) = body::text(name, "familyName")? {
                    self.family = Some(family.trim().to_owned());
                }
                match body::text(name, "formatted")? {
                    Some(formatted) => self.name = Some(formatted.trim().to_owned()),
                    None if self.given.is_some() || self.family.is_some() => self.name = Some(self.joined()),
                    None => {}
                }
            }
            Some("formatted") => self.name = Some(part(value)?),
            Some("givenname") => self.given = Some(part(value)?),
            Some("familyname") => self.family = Some(part(value)?),
            Some(_) => {}
        }
        if matches!(sub, Some("givenname" | "familyname")) && self.name.as_deref().is_none_or(str::is_empty) {
            self.name = Some(self.joined());
        }
        Ok(())
    }

    fn joined(&self) -> String {
        let parts = [self.given.as_deref().unwrap_or_default(), self.family.as_deref().unwrap_or_default()];
        parts.iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" ")
    }

    fn apply_emails(&mut self, op: Op, path: &patch::Path, value: &Value) -> Result<(), ScimError> {
        let entries = |value: &Value| -> Result<Vec<Map<String, Value>>, ScimError> {
            let list = match value {
                Value::Array(list) => list.clone(),
                Value::Object(_) => vec![value.clone()],
                _ => return Err(ScimError::invalid_value("emails is a list of objects with a value.")),
            };
            list.into_iter()
                .map(|entry| match entry {
                    Value::Object(entry) => Ok(entry),
                    _ => Err(ScimError::invalid_value("emails is a list of objects with a value.")),
                })
                .collect()
        };
        match (&path.filter, path.sub.as_deref(), op) {
            (None, None, Op::Remove) => self.emails.clear(),
            (None, None, Op::Replace) => self.emails = entries(value)?,
            (None, None, Op::Add) => {
                for entry in entries(value)? {
                    let same = |e: &Map<String, Value>| {
                        body::field(e, "value").is_some()
                            && body::field(e, "value") == body::field(&entry, "value")
                    };
                    self.emails.retain(|e| !same(e));
                    self.emails.push(entry);
                }
            }
            // `emails.value`: the primary address.
            (None, Some(sub), Op::Add | Op::Replace) => {
                let primary =
                    self.emails.iter().position(|e| body::field(e, "primary").is_some_and(|p| p == true));
                match primary.or((!self.emails.is_empty()).then_some(0)) {
                    Some(at) => _ = self.emails[at].insert(sub.to_owned(), value.clone()),
                    None => self.emails.push(Map::from_iter([(sub.to_owned(), value.clone())])),
                }
            }
            (None, Some(sub), Op::Remove) => self.emails.iter_mut().for_each(|e| _ = e.remove(sub)),
            (Some(filter), sub, op) => {
                let matched = self.emails.iter().any(|e| patch::selects(e, filter));
                match (sub, op) {
                    (_, Op::Remove) if sub.is_none() => self.emails.retain(|e| !patch::selects(e, filter)),
                    (Some(sub), Op::Remove) => self
                        .emails
                        .iter_mut()
                        .filter(|e| patch::selects(e, filter))
                        .for_each(|e| _ = e.remove(sub)),
                    (Some(sub), _) if matched => self
                        .emails
                        .iter_mut()
                        .filter(|e| patch::selects(e, filter))
                        .for_each(|e| _ = e.insert(sub.to_owned(), value.clone())),
                    // Entra replaces `emails[type eq "work"].value` whether or not there is one.
                    (Some(sub), _) => {
                        let mut entry = Map::from_iter([(sub.to_owned(), value.clone())]);
                        entry.insert(filter.0.clone(), filter.1.clone());
                        self.emails.push(entry);
                    }
                    (None, _) => {
                        let new = entries(value)?;
                        self.emails.retain(|e| !patch::selects(e, filter));
                        self.emails.extend(new);
                    }
                }
            }
        }
        Ok(())
    }

    /// Checks every attribute: the address is the primary email (or the
    /// first, or the `userName` when it is an address).
    fn validate(self) -> Result<Wanted, ScimError> {
        let identifier = |text: Option<String>, name: &str| -> Result<Option<String>, ScimError> {
            let Some(text) = text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()) else {
                return Ok(None);
            };
            if text.chars().count() > MAX_IDENTIFIER_CHARS {
                return Err(ScimError::invalid_value(format!(
                    "{name} has at most {MAX_IDENTIFIER_CHARS} characters."
                )));
            }
            if text.chars().any(char::is_control) {
                return Err(ScimError::invalid_value(format!("{name} cannot contain control characters.")));
            }
            Ok(Some(text))
        };
        // A part may be empty: the directory said there is none.
        let part = |text: Option<String>, name: &str| -> Result<Option<String>, ScimError> {
            match text {
                Some(text) if text.trim().is_empty() => Ok(Some(String::new())),
                text => identifier(text, name),
            }
        };
        let user_name = identifier(self.user_name, "userName")?
            .ok_or_else(|| ScimError::invalid_value("userName is required."))?;
        let primary = self
            .emails
            .iter()
            .find(|e| body::field(e, "primary").is_some_and(|p| body::boolean(p, "primary").unwrap_or(false)))
            .or_else(|| self.emails.first());
        let email_type =
            primary.map(|e| body::text(e, "type")).transpose()?.map(|t| t.unwrap_or_default().trim());
        let email_primary = primary
            .and_then(|e| body::field(e, "primary"))
            .map(|p| body::boolean(p, "primary"))
            .transpose()?;
        let address = match primary.map(|e| body::text(e, "value")).transpose()?.flatten() {
            Some(address) => address.to_owned(),
            None => user_name.clone(),
        };
        let email = Email::parse(&address).map_err(|e| {
            ScimError::invalid_value(format!(
                "The person's email address (the primary of emails, or the userName): {address:?}: {e}"
            ))
        })?;
        let name = match self.name {
            Some(name) if name.trim().is_empty() => Some(String::new()),
            Some(name) => Some(
                DisplayName::parse(&name)
                    .map_err(|e| ScimError::invalid_value(format!("displayName: {e}")))?
                    .as_str()
                    .to_owned(),
            ),
            None => None,
        };
        Ok(Wanted {
            user_name,
            email,
            name,
            external_id: identifier(self.external_id, "externalId")?,
            active: self.active.unwrap_or(true),
            details: DirectoryDetails {
                given_name: part(self.given, "name.givenName")?,
                family_name: part(self.family, "name.familyName")?,
                email_type: part(email_type.map(str::to_owned), "emails.type")?,
                email_primary,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn draft(body: Value) -> Result<Wanted, ScimError> {
        Draft::from_object(body.as_object().unwrap())?.validate()
    }

    fn member() -> ScimMemberRecord {
        ScimMemberRecord {
            user_id: 7,
            email: "ann@example.com".into(),
            user_name: None,
            name: "Ann Lee".into(),
            role: Role::Viewer,
            status: MembershipStatus::Active,
            external_id: Some("00u1".into()),
            created_at: Utc::now(),
            details: DirectoryDetails::default(),
        }
    }

    fn patched(operations: Value) -> Result<Wanted, ScimError> {
        let body = json!({ "Operations": operations });
        let mut draft = Draft::of(&member());
        for operation in patch::operations(body.as_object().unwrap(), USER_SCHEMA)? {
            patch::for_each_target(&operation, USER_SCHEMA, |op, path, value| draft.apply(op, path, value))?;
        }
        draft.validate()
    }

    #[test]
    fn an_okta_user_reads_as_its_primary_address_and_name() {
        let wanted = draft(json!({
            "schemas": [USER_SCHEMA],
            "userName": "ann.lee@example.com",
            "name": { "givenName": "Ann", "familyName": "Lee" },
            "emails": [{ "primary": false, "value": "ann@home.example", "type": "home" },
                       { "primary": true, "value": "Ann.Lee@Example.com", "type": "work" }],
            "displayName": "Ann M. Lee",
            "active": true,
            "password": "ignored",
            "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { "department": "x" }
        }))
        .unwrap();
        assert_eq!(wanted.email.as_str(), "ann.lee@example.com");
        assert_eq!(wanted.name.as_deref(), Some("Ann M. Lee"));
        assert!(wanted.active);
        let without_display =
            draft(json!({ "userName": "bo@example.com", "name": { "givenName": "Bo", "familyName": "Ek" } }));
        assert_eq!(without_display.unwrap().name.as_deref(), Some("Bo Ek"));
    }

    #[test]
    fn bad_users_are_refused_with_the_attribute_named() {
        let refused = |body: Value| draft(body).unwrap_err().detail;
        assert!(refused(json!({ "emails": [{ "value": "a@example.com" }] })).contains("userName"));
        assert!(refused(json!({ "userName": "not-an-address" })).contains("email address"));
        assert!(refused(json!({ "userName": "a@example.com", "active": "maybe" })).contains("active"));
        assert!(refused(json!({ "userName": 5 })).contains("userName"));
        assert!(
            refused(json!({ "userName": "a@example.com", "displayName": "x".repeat(101) }))
                .contains("displayName")
        );
    }

    #[test]
    fn entra_patches_apply_to_the_member() {
        let suspended = patched(json!([{ "op": "Replace", "path": "active", "value": "False" }])).unwrap();
        assert!(!suspended.active);
        let moved = patched(json!([
            { "op": "replace", "path": "emails[type eq \"work\"].value", "value": "ann.lee@example.com" },
            { "op": "replace", "path": "name.familyName", "value": "Smith" },
            { "op": "Add", "value": { "externalId": "e-9", "displayName": "Ann Smith" } }
        ]))
        .unwrap();
        assert_eq!(moved.email.as_str(), "ann.lee@example.com");
        assert_eq!(moved.name.as_deref(), Some("Ann Smith"));
        assert_eq!(moved.external_id.as_deref(), Some("e-9"));
        let okta = patched(json!([{ "op": "replace", "value": { "id": "7", "active": false } }])).unwrap();
        assert!(!okta.active);
        let removed = patched(json!([{ "op": "remove", "path": "externalId" }])).unwrap();
        assert_eq!(removed.external_id, None);
    }

    #[test]
    fn patches_that_cannot_apply_are_refused() {
        assert_eq!(
            patched(json!([{ "op": "remove", "path": "userName" }])).unwrap_err().scim_type,
            Some("mutability")
        );
        assert_eq!(
            patched(json!([{ "op": "add", "path": "groups", "value": [{ "value": "admin" }] }]))
                .unwrap_err()
                .scim_type,
            Some("mutability")
        );
        assert!(
            patched(json!([{ "op": "replace", "path": "emails", "value": [{ "value": "nope" }] }])).is_err()
        );
    }
}
