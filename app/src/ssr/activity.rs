//! Reading activity within the caller's scope, and the own-account changes.
//!
//! Every read goes through [`Person::require`] or [`audit_query`], which ask
//! the policy first and fix the organization the reads are confined to, so
//! an org admin can never read another organization's events.

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use domain::{
    AUDIT_PAGE_SIZE, AuditView, NewPassword,
    policy::{Action, Target},
};
use store::{AuditEntry, AuditQuery, LinkRecord, TokenKind, UserRecord};

use super::{AppState, RequestContext, access, access::Caller, context, passwords};
use crate::{
    AppError,
    api::{
        AppSessionView, AuditEntryView, AuditPage, CHART_DAYS, LinkView, MembershipView, PersonOverview,
        PersonRef, SessionView, SignInView,
    },
};

/// How many sign-in attempts and links the activity page lists.
const RECENT: i64 = 20;

/// A person whose activity the caller may see, and the organization the
/// reads are confined to (`None`: the whole account).
pub struct Person {
    state: AppState,
    caller: Caller,
    user: UserRecord,
    organization_id: Option<i64>,
    target: Target,
}

impl Person {
    /// With `org`, the person must belong to it and the caller administer
    /// it (or be the person, or a super admin); without, the caller must be
    /// a super admin or the person. Anything else is "not found".
    pub async fn require(org: Option<&str>, user_id: i64) -> Result<Self, AppError> {
        let state = context::state()?;
        let caller = Caller::of(&state, &context::request()).await?;
        let (target, organization_id) = match org {
            Some(slug) => {
                let organization = access::organization(&state, slug).await?;
                (access::member(&state, organization.id, user_id).await?, Some(organization.id))
            }
            None => (access::account(&state, user_id).await?, None),
        };
        caller.require(Action::ViewActivity, &target)?;
        let user = state.store.find_user(user_id).await?.ok_or(AppError::NotFound)?;
        Ok(Self { state, caller, user, organization_id, target })
    }

    pub async fn activity(self) -> Result<PersonOverview, AppError> {
        let store = &self.state.store;
        let now = Utc::now();
        let memberships = store
            .memberships_of(self.user.id)
            .await?
            .into_iter()
            .filter(|m| self.organization_id.is_none_or(|org| org == m.organization_id))
            .map(|m| MembershipView {
                organization_slug: m.slug,
                organization_name: m.organization_name,
                role: m.role,
                status: m.status,
                joined_at: m.joined_at,
            })
            .collect();
        let links = store
            .links_of(self.user.id, self.organization_id, RECENT)
            .await?
            .into_iter()
            .map(|link| link_view(link, now))
            .collect();
        let current = self.caller.session_id;
        let sessions = store
            .live_sessions(self.user.id, now, now - self.state.settings.sessions.idle)
            .await?
            .into_iter()
            .map(|s| SessionView {
                current: Some(s.id) == current,
                id: s.id,
                created_at: s.created_at,
                last_seen_at: s.last_seen_at,
                ip: s.ip,
                user_agent: s.user_agent,
            })
            .collect();
        let sign_ins = store
            .sign_in_attempts(self.user.id, RECENT)
            .await?
            .into_iter()
            .map(|a| SignInView {
                at: a.at,
                outcome: a.outcome,
                ip: a.ip,
                user_agent: a.user_agent,
                app: a.app,
                factor: a.factor,
            })
            .collect();
        let app_sessions = store
            .app_sessions_of(self.user.id, self.organization_id)
            .await?
            .into_iter()
            .map(|s| AppSessionView {
                grant_id: s.grant_id,
                app_name: s.app_name,
                organization_name: s.organization_name,
                signed_in_at: s.signed_in_at,
                last_used_at: s.last_used_at,
            })
            .collect();
        let today = now.date_naive();
        let first_day = today - Duration::days(CHART_DAYS as i64 - 1);
        let times = store.sign_in_times(self.user.id, start_of(first_day)).await?;
        let factors =
            store.second_factors(self.user.id).await?.iter().map(super::two_factor::factor_view).collect();
        Ok(PersonOverview {
            may_end_sessions: self.caller.may(Action::EndSessions, &self.target),
            may_reset_two_factor: self.caller.may(Action::ResetTwoFactor, &self.target),
            factors,
            user_id: self.user.id,
            name: self.user.name,
            email: self.user.email,
            is_super_admin: self.user.is_super_admin,
            status: self.user.status,
            created_at: self.user.created_at,
            last_sign_in_at: self.user.last_sign_in_at,
            memberships,
            links,
            sessions,
            app_sessions,
            sign_ins,
            sign_ins_per_day: per_day(&times, first_day),
            today,
            now,
        })
    }

    pub async fn timeline(self, page: u32) -> Result<AuditPage, AppError> {
        let query = AuditQuery {
            organization_id: self.organization_id,
            involving: Some(self.user.id),
            ..AuditQuery::default()
        };
        audit_page(&self.state, &query, page).await
    }

    pub async fn end_session(self, session_id: i64) -> Result<(), AppError> {
        self.caller.require(Action::EndSessions, &self.target)?;
        let by = self.caller.actor();
        self.state
            .store
            .end_user_session(self.user.id, session_id, self.organization_id, by, Utc::now())
            .await?;
        Ok(())
    }

    /// Removes every second factor of the person, ends their sessions and
    /// app sign-ins, and emails them (one transaction, audited).
    pub async fn reset_two_factor(self) -> Result<(), AppError> {
        self.caller.require_explained(Action::ResetTwoFactor, &self.target)?;
        let admin = self.caller.user.name.clone();
        let email = super::emails::two_factor_reset(&super::emails::TwoFactorReset {
            recipient: &self.user.email,
            reset_by: &admin,
            sign_in_link: &self.state.settings.link("/sign-in"),
        });
        let reset =
            store::TwoFactorReset { user_id: self.user.id, organization_id: self.organization_id, email };
        self.state.store.reset_two_factor(reset, self.caller.actor(), Utc::now()).await?;
        Ok(())
    }

    /// Ends an app session (the app is told over the back-channel); as
    /// for Roster's own sessions, within the organization in view.
    pub async fn end_app_session(self, grant_id: i64) -> Result<(), AppError> {
        self.caller.require(Action::EndSessions, &self.target)?;
        let by = self.caller.actor();
        self.state
            .store
            .end_app_session(self.user.id, grant_id, self.organization_id, by, Utc::now())
            .await?;
        Ok(())
    }
}

/// Successful sign-ins per day from `first_day` to today, oldest first.
pub fn per_day(times: &[DateTime<Utc>], first_day: NaiveDate) -> Vec<u32> {
    let mut days = vec![0u32; CHART_DAYS];
    for at in times {
        let index = (at.date_naive() - first_day).num_days();
        if let Some(day) = usize::try_from(index).ok().and_then(|i| days.get_mut(i)) {
            *day += 1;
        }
    }
    days
}

pub fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

fn link_view(link: LinkRecord, now: DateTime<Utc>) -> LinkView {
    let what = match (link.kind, &link.organization_name) {
        (TokenKind::Invitation, Some(organization)) => format!("Invitation to {organization}"),
        (TokenKind::Invitation, None) => "Invitation".to_owned(),
        _ => "Password reset".to_owned(),
    };
    let state = match (link.used_at, link.revoked_at) {
        (Some(used), _) => format!("Used {}", used.format("%Y-%m-%d %H:%M UTC")),
        (None, Some(_)) => "Withdrawn".to_owned(),
        (None, None) if link.expires_at <= now => "Expired".to_owned(),
        (None, None) => "Waiting".to_owned(),
    };
    LinkView { what, sent_at: link.created_at, sent_by: link.created_by, expires_at: link.expires_at, state }
}

/// The audit query of an audit-log request, confined to what the caller may
/// see: one organization they administer, or everything for a super admin.
/// Also used by the CSV export.
pub async fn audit_query(
    state: &AppState,
    request: &RequestContext,
    org: Option<&str>,
    query: &str,
) -> Result<(AuditQuery, AuditView), AppError> {
    let caller = Caller::of(state, request).await?;
    audit_query_of(state, &caller, org, query).await
}

/// [`audit_query`] for a caller already known (a `/v1` request's key).
pub async fn audit_query_of(
    state: &AppState,
    caller: &Caller,
    org: Option<&str>,
    query: &str,
) -> Result<(AuditQuery, AuditView), AppError> {
    let organization_id = match org {
        Some(slug) => {
            let organization = access::organization(state, slug).await?;
            caller.require(Action::ViewActivity, &Target::Organization(organization.id))?;
            Some(organization.id)
        }
        None => {
            caller.require(Action::ViewActivity, &Target::Everything)?;
            None
        }
    };
    let view = AuditView::from_query_string(query);
    let range = view.check().map_err(|e| AppError::invalid("audit", e))?;
    let audit = AuditQuery {
        organization_id,
        involving: None,
        actor: view.actor.clone(),
        target: view.target.clone(),
        action: view.action.clone(),
        from: range.from.map(start_of),
        // The end date is included: events before the next day began.
        until: range.to.and_then(|day| day.succ_opt()).map(start_of),
        older_than: None,
    };
    Ok((audit, view))
}

/// One page of events. A page past the end shows the last one.
pub async fn audit_page(state: &AppState, query: &AuditQuery, page: u32) -> Result<AuditPage, AppError> {
    let size = i64::from(AUDIT_PAGE_SIZE);
    let mut paging = domain::Paging::new(page.max(1), AUDIT_PAGE_SIZE, 0);
    let mut found = state.store.audit_log(query, size, paging.offset()).await?;
    paging.total = found.total;
    if paging.page > paging.pages() {
        paging.page = paging.pages();
        found = state.store.audit_log(query, size, paging.offset()).await?;
    }
    let entries = found.items.into_iter().map(entry_view).collect();
    Ok(AuditPage { entries, total: found.total, page: paging.page, page_size: AUDIT_PAGE_SIZE })
}

pub fn entry_view(entry: AuditEntry) -> AuditEntryView {
    let person = |id: Option<i64>, name: Option<String>, email: Option<String>| match (id, name, email) {
        (Some(user_id), Some(name), Some(email)) => Some(PersonRef { user_id, name, email }),
        _ => None,
    };
    AuditEntryView {
        id: entry.id,
        at: entry.at,
        details: describe(&entry.details),
        had_actor: entry.actor_user_id.is_some() || entry.actor_ip.is_some(),
        actor: person(entry.actor_user_id, entry.actor_name, entry.actor_email),
        api_key: entry.api_key_id.map(|_| entry.api_key_name.unwrap_or_default()),
        by_scim: entry.api_key_purpose.as_deref() == Some(store::KeyPurpose::Scim.as_str()),
        actor_ip: entry.actor_ip,
        organization_name: entry.organization_name,
        had_target: entry.target_user_id.is_some(),
        target: person(entry.target_user_id, entry.target_name, entry.target_email),
        action: entry.action,
    }
}

/// An event's details (a JSON object) in words: `reason: holiday, role: editor`.
pub fn describe(details: &str) -> String {
    let Ok(serde_json::Value::Object(fields)) = serde_json::from_str::<serde_json::Value>(details) else {
        return String::new();
    };
    fields
        .into_iter()
        .map(|(key, value)| {
            let value = match value {
                serde_json::Value::String(text) => text,
                other => other.to_string(),
            };
            format!("{}: {value}", key.replace('_', " "))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The password change of the own-account page: the current password must
/// be right (checked like a sign-in, and limited like one), the new one
/// must be acceptable; every other session ends.
pub async fn change_password(
    state: &AppState,
    request: &RequestContext,
    current: String,
    new: String,
) -> Result<(), AppError> {
    let session = request.require_session()?;
    if current.is_empty() {
        return Err(AppError::invalid("current", "Enter your current password."));
    }
    super::two_factor::require_recent_factor(state, session).await?;
    let now = Utc::now();
    // Someone at an unlocked screen must not be able to guess the password
    // at leisure.
    let bucket = format!("password-change:{}", session.user.id);
    if !state.store.take_rate_limit(&bucket, 5, now - Duration::minutes(15), now).await? {
        return Err(AppError::RateLimited);
    }
    let email = domain::Email::parse(&session.user.email).map_err(|_| AppError::Internal)?;
    let stored = state.store.find_sign_in(&email).await?.and_then(|account| account.password_hash);
    if current.len() > 1024 || !passwords::verify(current, stored).await {
        return Err(AppError::invalid("current", "That is not your current password."));
    }
    let password = NewPassword::parse(new).map_err(|e| AppError::invalid("new", e))?;
    let context = vec![session.user.email.clone(), session.user.name.clone()];
    let hash = passwords::choose(password, context).await.map_err(|error| match error {
        AppError::Invalid { message, .. } => AppError::invalid("new", message),
        other => other,
    })?;
    state.store.change_password(session.user.id, &hash, session.id, request.actor(), now).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_ins_are_counted_on_their_day_and_old_ones_are_left_out() {
        let first = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
        let at =
            |day: u32, hour: u32| first.with_day(day).unwrap().and_hms_opt(hour, 0, 0).unwrap().and_utc();
        let days = per_day(&[at(1, 0), at(1, 23), at(3, 12), start_of(first) - Duration::seconds(1)], first);
        assert_eq!(days.len(), CHART_DAYS);
        assert_eq!(&days[..4], &[2, 0, 1, 0]);
        assert_eq!(days.iter().sum::<u32>(), 3);
    }

    #[test]
    fn details_read_as_words() {
        assert_eq!(describe(r#"{"reason":"holiday","with_data":true}"#), "reason: holiday, with data: true");
        assert_eq!(describe("{}"), "");
        assert_eq!(describe("not json"), "");
    }

    use chrono::Datelike;
}
