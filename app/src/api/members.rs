use chrono::{DateTime, Utc};
use domain::{MembershipStatus, Role};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::AppError;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberRowView {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub status: MembershipStatus,
    pub joined_at: Option<DateTime<Utc>>,
    pub last_sign_in_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberList {
    pub rows: Vec<MemberRowView>,
    pub total: i64,
    /// The page shown: the last one when the requested page lies past the end.
    pub page: u32,
    pub page_size: u32,
    /// The server's clock, so relative times read the same on both sides.
    pub now: DateTime<Utc>,
}

/// One page of an organization's members. `query` is the members page's URL
/// query (`q`, `role`, `status`, `signin`, `sort`, `dir`, `size`, `page`):
/// unknown values fall back to defaults, an over-long search is refused.
#[server(endpoint = "list_members")]
pub async fn list_members(slug: String, query: String) -> Result<MemberList, AppError> {
    use std::collections::HashMap;

    use domain::{MemberView, policy::Action};

    use crate::server::{access::InOrganization, context};
    context::respond(
        async {
            let InOrganization { state, organization, .. } =
                InOrganization::require(&slug, Action::ListMembers).await?;
            let params: HashMap<String, String> =
                url::form_urlencoded::parse(query.as_bytes()).into_owned().collect();
            let view = MemberView::from_query(|key| params.get(key).cloned());
            view.check().map_err(|e| AppError::invalid("q", e))?;
            let now = Utc::now();
            let found = state.store.list_members(organization.id, &view, now).await?;
            let rows = found
                .items
                .into_iter()
                .map(|m| MemberRowView {
                    user_id: m.user_id,
                    name: m.name,
                    email: m.email,
                    role: m.role,
                    status: m.status,
                    joined_at: m.joined_at,
                    last_sign_in_at: m.last_sign_in_at,
                })
                .collect();
            Ok(MemberList { rows, total: found.total, page: found.page, page_size: view.page_size, now })
        }
        .await,
    )
}
