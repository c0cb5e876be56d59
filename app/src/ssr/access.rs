//! Between a request and the access policy: who is calling, and may they.

use domain::policy::{self, Action, Decision, Refusal, Target};
use store::{Actor, ApiKeyRecord, MembershipRecord, OrganizationRecord, SubjectRecord, UserRecord};

use super::{AppState, RequestContext, context};
use crate::AppError;

/// The person behind a server function call or a `/v1` request, with what
/// the policy needs to know about them: signed in, or acting through one of
/// their API keys.
pub struct Caller {
    pub user: UserRecord,
    /// The session of a signed-in caller; `None` for an API key.
    pub session_id: Option<i64>,
    /// The key a `/v1` request came with.
    pub api_key: Option<ApiKeyRecord>,
    pub memberships: Vec<MembershipRecord>,
    policy: policy::Actor,
    ip: Option<String>,
}

impl Caller {
    /// The caller of this request; [`AppError::Unauthenticated`] when signed
    /// out, [`AppError::EnrollmentRequired`] while they must first enroll a
    /// second factor (only their own account's functions serve them then).
    pub async fn of(state: &AppState, request: &RequestContext) -> Result<Self, AppError> {
        let session = request.require_session()?.clone();
        if session.must_enroll {
            return Err(AppError::EnrollmentRequired);
        }
        let memberships = state.store.memberships_of(session.user.id).await?;
        let policy = policy_actor(&session.user, &memberships);
        Ok(Self {
            user: session.user,
            session_id: Some(session.id),
            api_key: None,
            memberships,
            policy,
            ip: request.ip.clone(),
        })
    }

    /// The caller behind an API key: its creator, as they are now, narrowed
    /// to the key's scope by the policy ([`policy::key_actor`]). `None` when
    /// the creator is gone or no longer holds that scope: the key grants
    /// nothing then. Whether the key itself is usable is checked before.
    pub async fn of_api_key(
        state: &AppState,
        key: ApiKeyRecord,
        ip: Option<String>,
    ) -> Result<Option<Self>, AppError> {
        let Some(creator) = key.created_by else { return Ok(None) };
        let Some(user) = state.store.find_user(creator).await? else { return Ok(None) };
        let memberships = state.store.memberships_of(user.id).await?;
        let scope = match key.organization_id {
            Some(org) => policy::KeyScope::Organization(org),
            None => policy::KeyScope::Installation,
        };
        let active = user.status == domain::AccountStatus::Active;
        let Some(policy) = policy::key_actor(&policy_actor(&user, &memberships), active, scope) else {
            return Ok(None);
        };
        // Only what the narrowed actor holds: an organization key sees no other membership.
        let memberships = memberships
            .into_iter()
            .filter(|m| policy.memberships.iter().any(|p| p.organization_id == m.organization_id))
            .collect();
        Ok(Some(Self { user, session_id: None, api_key: Some(key), memberships, policy, ip }))
    }

    pub fn is_super_admin(&self) -> bool {
        self.policy.is_super_admin
    }

    /// Asks the policy. Every refusal is reported as [`AppError::NotFound`],
    /// the same answer as for a target that does not exist.
    pub fn require(&self, action: Action, target: &Target) -> Result<(), AppError> {
        match policy::decide(&self.policy, action, target) {
            Decision::Allow => Ok(()),
            Decision::Deny(_) => Err(AppError::NotFound),
        }
    }

    /// Asks the policy about a target the caller already sees (a member of
    /// an organization they manage): a refusal within their scope says which
    /// rule they met; one outside it is still "not found".
    pub fn require_explained(&self, action: Action, target: &Target) -> Result<(), AppError> {
        match policy::decide(&self.policy, action, target) {
            Decision::Allow => Ok(()),
            Decision::Deny(refusal) => Err(refusal.into()),
        }
    }

    pub fn may(&self, action: Action, target: &Target) -> bool {
        policy::decide(&self.policy, action, target).is_allowed()
    }

    /// The caller's own membership in an organization, if any.
    pub fn membership_in(&self, organization_id: i64) -> Option<&MembershipRecord> {
        self.memberships.iter().find(|m| m.organization_id == organization_id)
    }

    /// Who to record in audit events: always the signed-in person, also when
    /// a super admin acts in another tenant's context, and the key they
    /// acted through.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user.id),
            ip: self.ip.clone(),
            api_key_id: self.api_key.as_ref().map(|key| key.id),
        }
    }
}

fn policy_actor(user: &UserRecord, memberships: &[MembershipRecord]) -> policy::Actor {
    policy::Actor {
        user_id: user.id,
        is_super_admin: user.is_super_admin,
        memberships: memberships
            .iter()
            .map(|m| policy::Membership {
                organization_id: m.organization_id,
                role: m.role,
                usable: m.is_usable(),
            })
            .collect(),
    }
}

/// The current request's signed-in caller, and the application state: what
/// a server function starts from.
pub async fn caller() -> Result<(Caller, AppState), AppError> {
    let state = context::state()?;
    let caller = Caller::of(&state, &context::request()).await?;
    Ok((caller, state))
}

impl From<Refusal> for AppError {
    fn from(refusal: Refusal) -> Self {
        match refusal {
            Refusal::OutOfScope => AppError::NotFound,
            // About the form's "also delete their data" box.
            Refusal::PersonalData => AppError::invalid("with_data", refusal),
            _ => AppError::Conflict(refusal.to_string()),
        }
    }
}

/// A request about one organization that the policy has let through.
pub struct InOrganization {
    pub state: AppState,
    pub caller: Caller,
    pub organization: OrganizationRecord,
}

impl InOrganization {
    /// The current request's caller and the organization at `slug`, once
    /// the policy allows `action` on it; "not found" otherwise.
    pub async fn require(slug: &str, action: Action) -> Result<Self, AppError> {
        let (caller, state) = caller().await?;
        let organization = organization(&state, slug).await?;
        caller.require(action, &Target::Organization(organization.id))?;
        Ok(Self { state, caller, organization })
    }
}

/// The organization with this URL name; missing and malformed both answer
/// "not found".
pub async fn organization(state: &AppState, slug: &str) -> Result<OrganizationRecord, AppError> {
    // What cannot be a slug names nothing, and is not sent to the database.
    let slug = domain::Slug::parse(slug).map_err(|_| AppError::NotFound)?;
    state.store.find_organization(slug.as_str()).await?.ok_or(AppError::NotFound)
}

/// A person as the target of an action in an organization they belong to.
pub async fn member(state: &AppState, organization_id: i64, user_id: i64) -> Result<Target, AppError> {
    let subject = subject(state, user_id).await?;
    if !subject.organization_ids.contains(&organization_id) {
        return Err(AppError::NotFound);
    }
    Ok(Target::Member { organization_id, subject: policy_subject(subject) })
}

/// A person's whole account as the target of an action.
pub async fn account(state: &AppState, user_id: i64) -> Result<Target, AppError> {
    Ok(Target::Account(policy_subject(subject(state, user_id).await?)))
}

async fn subject(state: &AppState, user_id: i64) -> Result<SubjectRecord, AppError> {
    state.store.find_subject(user_id).await?.ok_or(AppError::NotFound)
}

fn policy_subject(record: SubjectRecord) -> policy::Subject {
    policy::Subject {
        user_id: record.user_id,
        is_super_admin: record.is_super_admin,
        organization_ids: record.organization_ids,
    }
}
