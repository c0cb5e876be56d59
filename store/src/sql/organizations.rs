//! The SQL of [`crate::OrganizationStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{OrganizationName, OrganizationStatus, Slug};

use super::{
    DbStore,
    audit::{audit, audit_with_details},
    grants::{GrantsOf, Notify, end_grants},
};
use crate::{
    OrganizationStore, Result, StoreError,
    dialect::Dialect,
    records::{Actor, OrganizationRecord, OrganizationSummary, Page, action},
};

#[async_trait]
impl OrganizationStore for DbStore {
    async fn create_organization(
        &self,
        slug: &Slug,
        name: &OrganizationName,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<OrganizationRecord> {
        let mut tx = self.write().await?;
        let created: OrganizationRecord = sqlx::query_as(concat!(
            "INSERT INTO organizations (slug, name, created_at) VALUES ($1, $2, $3) RETURNING ",
            organization_columns!()
        ))
        .bind(slug.as_str())
        .bind(name.as_str())
        .bind(at)
        .fetch_one(&mut *tx)
        .await
        .map_err(StoreError::from_insert_organization)?;
        audit(&mut tx, &by, at, action::ORGANIZATION_CREATED, Some(created.id), None).await?;
        tx.commit().await?;
        Ok(created)
    }

    async fn find_organization(&self, slug: &str) -> Result<Option<OrganizationRecord>> {
        Ok(sqlx::query_as(concat!("SELECT ", organization_columns!(), " FROM organizations WHERE slug = $1"))
            .bind(slug)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn list_organizations(
        &self,
        search: &str,
        limit: i64,
        offset: i64,
    ) -> Result<Page<OrganizationSummary>> {
        let pattern = crate::like_pattern(search);
        let total: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM organizations WHERE lower(name) LIKE $1 ESCAPE '\\' OR slug LIKE $1 ESCAPE '\\'",
        )
        .bind(&pattern)
        .fetch_one(&self.pool)
        .await?;
        let items = sqlx::query_as(concat!(
            "SELECT ",
            organization_columns!(),
            ",
                (SELECT COUNT(*) FROM organization_members m
                 WHERE m.organization_id = organizations.id AND m.status <> 'invited') AS member_count
             FROM organizations
             WHERE lower(name) LIKE $1 ESCAPE '\\' OR slug LIKE $1 ESCAPE '\\'
             ORDER BY lower(name), id LIMIT $2 OFFSET $3"
        ))
        .bind(&pattern)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await?;
        Ok(Page { items, total })
    }

    async fn rename_organization(
        &self,
        id: i64,
        name: &OrganizationName,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let previous_name: String = sqlx::query_scalar(&format!(
            "SELECT name FROM organizations WHERE id = $1{}",
            DbStore::FOR_UPDATE
        ))
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?;
        sqlx::query("UPDATE organizations SET name = $1 WHERE id = $2")
            .bind(name.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let details = serde_json::json!({ "name": name.as_str(), "previous_name": previous_name });
        audit_with_details(&mut tx, &by, at, action::ORGANIZATION_RENAMED, Some(id), None, &details).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_organization_status(
        &self,
        id: i64,
        status: OrganizationStatus,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let changed = sqlx::query("UPDATE organizations SET status = $1 WHERE id = $2")
            .bind(status.as_str())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if changed.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let action = match status {
            OrganizationStatus::Active => action::ORGANIZATION_REACTIVATED,
            OrganizationStatus::Suspended => {
                end_grants(&mut tx, GrantsOf::Organization(id), Notify::Apps, at).await?;
                action::ORGANIZATION_SUSPENDED
            }
        };
        audit(&mut tx, &by, at, action, Some(id), None).await?;
        tx.commit().await?;
        Ok(())
    }
}
