//! Organizations (the tenants): creating, finding, listing, renaming and
//! suspending them.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{OrganizationName, OrganizationStatus, Slug};

use crate::{
    Result,
    records::{Actor, OrganizationRecord, OrganizationSummary, Page},
};

#[async_trait]
pub trait OrganizationStore: Send + Sync {
    async fn create_organization(
        &self,
        slug: &Slug,
        name: &OrganizationName,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<OrganizationRecord>;

    async fn find_organization(&self, slug: &str) -> Result<Option<OrganizationRecord>>;

    /// Organizations whose name or URL name contains `search` (any case),
    /// by name, with member counts.
    async fn list_organizations(
        &self,
        search: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Page<OrganizationSummary>>;

    async fn rename_organization(
        &self,
        id: i64,
        name: &OrganizationName,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()>;

    async fn set_organization_status(
        &self,
        id: i64,
        status: OrganizationStatus,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()>;
}
