use chrono::{DateTime, Utc};
use domain::{MembershipStatus, Role};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;
#[cfg(feature = "ssr")]
use crate::ssr;

pub const ACCOUNTS_PER_PAGE: u32 = 25;

/// One of an account's organizations, as the all-users view lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountMembership {
    pub slug: String,
    pub organization: String,
    pub role: Role,
    pub status: MembershipStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountRow {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub is_super_admin: bool,
    pub suspended: bool,
    pub created_at: DateTime<Utc>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
    pub memberships: Vec<AccountMembership>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountList {
    pub rows: Vec<AccountRow>,
    pub total: i64,
    pub page: u32,
    pub now: DateTime<Utc>,
}

/// Every account in Roster, for super admins: search on name and email,
/// each with its organizations and roles.
#[server(endpoint = "list_accounts")]
pub async fn list_accounts(search: String, page: u32) -> Result<AccountList, AppError> {
    use domain::policy::{Action, Target};

    let (caller, state) = ssr::caller().await?;
    caller.require(Action::ListAllUsers, &Target::Everything)?;
    ssr::organizations::check_search(&search)?;
    let page = page.max(1);
    let offset = domain::Paging::new(page, ACCOUNTS_PER_PAGE, 0).offset();
    let found = state.store.list_accounts(&search, i64::from(ACCOUNTS_PER_PAGE), offset).await?;
    let rows = found
        .items
        .into_iter()
        .map(|account| AccountRow {
            user_id: account.user.id,
            name: account.user.name,
            email: account.user.email,
            is_super_admin: account.user.is_super_admin,
            suspended: account.user.status == domain::Standing::Suspended,
            created_at: account.user.created_at,
            last_sign_in_at: account.user.last_sign_in_at,
            memberships: account
                .memberships
                .into_iter()
                .map(|m| AccountMembership {
                    slug: m.slug,
                    organization: m.organization_name,
                    role: m.role,
                    status: m.status,
                })
                .collect(),
        })
        .collect();
    Ok(AccountList { rows, total: found.total, page, now: Utc::now() })
}

/// Suspends an account (it cannot sign in anywhere, and every session ends
/// now) or reactivates it. Super admins only, never their own account.
/// `reason` is optional and kept in the audit log.
#[server(endpoint = "set_account_suspended")]
pub async fn set_account_suspended(user_id: i64, suspended: bool, reason: String) -> Result<(), AppError> {
    let (caller, state) = ssr::caller().await?;
    ssr::accounts::set_suspended(&state, &caller, user_id, suspended, &reason).await
}

/// Deletes an account. Super admins may delete anyone but themselves, and
/// with `with_data` also what other records hold about the person; an org
/// admin may delete someone who belongs to their organization alone.
/// `confirm_email` must be the person's address, typed by the admin, who
/// gives their second factor again if their last one is older than 15 minutes.
#[server(endpoint = "delete_account")]
pub async fn delete_account(user_id: i64, confirm_email: String, with_data: bool) -> Result<(), AppError> {
    let (caller, state) = ssr::caller().await?;
    let request = ssr::request();
    ssr::accounts::delete(&state, &caller, user_id, Some(&confirm_email), with_data, request.session.as_ref())
        .await
}
