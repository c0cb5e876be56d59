//! Activity: a person's profile, sessions, sign-ins, links and timeline; the
//! audit log; and the signed-in person's own account.

use chrono::{DateTime, NaiveDate, Utc};
use domain::{AccountStatus, MembershipStatus, Role, SignInOutcome};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;
#[cfg(feature = "ssr")]
use crate::ssr;

/// Days in the sign-ins chart.
pub const CHART_DAYS: usize = 90;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonOverview {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub is_super_admin: bool,
    pub status: AccountStatus,
    pub created_at: DateTime<Utc>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    /// Only the organization in view, unless the caller sees everything.
    pub memberships: Vec<MembershipView>,
    pub links: Vec<LinkView>,
    pub sessions: Vec<SessionView>,
    /// Whether the caller may end these sessions (and the app sessions).
    pub may_end_sessions: bool,
    /// Their second factors (what and when, never a secret).
    pub factors: Vec<super::FactorView>,
    /// Whether the caller may remove every one of them ("Reset two-factor…").
    pub may_reset_two_factor: bool,
    /// Apps they are signed in to (of the organization in view, if any).
    pub app_sessions: Vec<AppSessionView>,
    pub sign_ins: Vec<SignInView>,
    /// Successful sign-ins per day (UTC), oldest first, ending today.
    pub sign_ins_per_day: Vec<u32>,
    pub today: NaiveDate,
    pub now: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipView {
    pub organization_slug: String,
    pub organization_name: String,
    pub role: Role,
    pub status: MembershipStatus,
    pub joined_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkView {
    /// "Invitation to Acme" or "Password reset".
    pub what: String,
    pub sent_at: DateTime<Utc>,
    pub sent_by: Option<String>,
    pub expires_at: DateTime<Utc>,
    /// "Used …", "Withdrawn", "Expired" or "Waiting".
    pub state: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub id: i64,
    pub created_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The session this request came with.
    pub current: bool,
}

/// A sign-in to an application that is still live.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AppSessionView {
    pub grant_id: i64,
    pub app_name: String,
    pub organization_name: Option<String>,
    pub signed_in_at: DateTime<Utc>,
    pub last_used_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignInView {
    pub at: DateTime<Utc>,
    pub outcome: SignInOutcome,
    pub ip: Option<String>,
    pub user_agent: Option<String>,
    /// The application signed in to, if it was a sign-in to an app.
    pub app: Option<String>,
    /// The second factor given (or, for a wrong one, tried).
    pub factor: Option<domain::SecondStep>,
}

impl SignInView {
    /// The outcome in words: "Signed in to Billing" for a sign-in to an app.
    pub fn result(&self) -> String {
        let with = self.factor.map(|factor| format!(" with {}", factor.label())).unwrap_or_default();
        match (&self.app, self.outcome) {
            (Some(app), SignInOutcome::Succeeded) => format!("Signed in to {app}{with}"),
            (Some(app), outcome) => format!("{} (to {app})", outcome.label()),
            (None, SignInOutcome::WrongCode) => {
                format!("Wrong {}", self.factor.map_or("second factor", |f| f.label()))
            }
            (None, outcome) => format!("{}{with}", outcome.label()),
        }
    }
}

/// Someone an audit event names; `None` where they were deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonRef {
    pub user_id: i64,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntryView {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub action: String,
    pub actor: Option<PersonRef>,
    /// Whether the event had an actor (`actor` is `None` for one deleted since).
    pub had_actor: bool,
    /// The name of the API key the actor made the change with.
    pub api_key: Option<String>,
    /// Whether that key is a SCIM token (the organization's directory).
    pub by_scim: bool,
    pub actor_ip: Option<String>,
    pub organization_name: Option<String>,
    pub target: Option<PersonRef>,
    pub had_target: bool,
    /// The event's details in words, such as "reason: holiday".
    pub details: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntryView>,
    pub total: i64,
    pub page: u32,
    pub page_size: u32,
}

/// A person's profile, memberships, links, sessions and sign-ins. With
/// `org`, as an admin of that organization sees them (only what concerns
/// it); without, the whole account (super admins, or oneself).
#[server(endpoint = "person_activity")]
pub async fn person_activity(org: Option<String>, user_id: i64) -> Result<PersonOverview, AppError> {
    let person = ssr::activity::Person::require(org.as_deref(), user_id).await?;
    person.activity().await
}

/// A page of the events a person made or was the target of, newest first.
#[server(endpoint = "person_timeline")]
pub async fn person_timeline(org: Option<String>, user_id: i64, page: u32) -> Result<AuditPage, AppError> {
    let person = ssr::activity::Person::require(org.as_deref(), user_id).await?;
    person.timeline(page).await
}

/// Ends one of a person's sessions (they are signed out there at once).
#[server(endpoint = "end_person_session")]
pub async fn end_person_session(org: Option<String>, user_id: i64, session_id: i64) -> Result<(), AppError> {
    let person = ssr::activity::Person::require(org.as_deref(), user_id).await?;
    person.end_session(session_id).await?;
    ssr::notices::after_form_post(crate::notice::Notice::SessionEnded);
    Ok(())
}

/// Ends one of a person's app sessions: the app is told over the back-channel.
#[server(endpoint = "end_person_app_session")]
pub async fn end_person_app_session(
    org: Option<String>,
    user_id: i64,
    grant_id: i64,
) -> Result<(), AppError> {
    let person = ssr::activity::Person::require(org.as_deref(), user_id).await?;
    person.end_app_session(grant_id).await
}

/// A page of the audit log: of one organization, or (super admins, without
/// `org`) of everything. `query` is the audit page's URL query (`actor`,
/// `target`, `action`, `from`, `to`, `page`).
#[server(endpoint = "audit_log")]
pub async fn audit_log(org: Option<String>, query: String) -> Result<AuditPage, AppError> {
    let state = ssr::state()?;
    let (audit, view) = ssr::activity::audit_query(&state, &ssr::request(), org.as_deref(), &query).await?;
    ssr::activity::audit_page(&state, &audit, view.page).await
}

/// Changes the signed-in person's password: the current one must be right.
/// Every other session ends.
#[server(endpoint = "change_password")]
pub async fn change_password(current: String, new: String) -> Result<(), AppError> {
    let state = ssr::state()?;
    ssr::activity::change_password(&state, &ssr::request(), current, new).await?;
    ssr::notices::after_form_post(crate::notice::Notice::PasswordChanged);
    Ok(())
}

/// Signs the signed-in person out everywhere but here.
#[server(endpoint = "end_other_sessions")]
pub async fn end_other_sessions() -> Result<u64, AppError> {
    let state = ssr::state()?;
    let request = ssr::request();
    let session = request.require_session()?;
    let ended =
        state.store.end_other_sessions(session.user.id, session.id, request.actor(), Utc::now()).await?;
    ssr::notices::after_form_post(crate::notice::Notice::OtherSessionsEnded);
    Ok(ended)
}

/// Changes the signed-in person's name.
#[server(endpoint = "rename_self")]
pub async fn rename_self(name: String) -> Result<(), AppError> {
    let state = ssr::state()?;
    let request = ssr::request();
    let session = request.require_session()?;
    let name = domain::DisplayName::parse(&name).map_err(|e| AppError::invalid("name", e))?;
    state.store.rename_user(session.user.id, &name, request.actor(), Utc::now()).await?;
    ssr::notices::after_form_post(crate::notice::Notice::NameSaved);
    Ok(())
}
