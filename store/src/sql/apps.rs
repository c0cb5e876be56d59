//! The SQL of [`crate::AppStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{AppSettings, AppStatus};

use super::{
    DbStore,
    audit::audit_with_details,
    grants::{GrantsOf, Notify, end_grants},
};
use crate::{
    AppStore, Result, StoreError,
    apps::{AppRecord, NewApp, UriList},
    dialect::Dialect,
    records::{Actor, action},
};

/// An [`AppRecord`] from `apps a`; the caller adds `WHERE` and `ORDER BY`.
macro_rules! app_select {
    () => {
        "SELECT a.id, a.client_id, a.name, a.kind, a.secret_hash, a.redirect_uris,
                a.post_logout_redirect_uris, a.backchannel_logout_uri, a.status, a.created_at, a.updated_at,
                (SELECT COUNT(*) FROM app_grants g
                 WHERE g.app_id = a.id AND g.revoked_at IS NULL AND g.expires_at > $1) AS signed_in
         FROM apps a"
    };
}

fn details(name: &str) -> serde_json::Value {
    serde_json::json!({ "app": name })
}

#[async_trait]
impl AppStore for DbStore {
    async fn create_app(&self, app: NewApp, by: Actor, at: DateTime<Utc>) -> Result<AppRecord> {
        let mut tx = self.write().await?;
        let settings = &app.settings;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO apps (client_id, name, kind, secret_hash, redirect_uris, post_logout_redirect_uris,
                               backchannel_logout_uri, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
        )
        .bind(&app.client_id)
        .bind(&settings.name)
        .bind(app.kind.as_str())
        .bind(app.secret_hash.as_deref())
        .bind(UriList::to_json(&settings.redirect_uris))
        .bind(UriList::to_json(&settings.post_logout_redirect_uris))
        .bind(settings.backchannel_logout_uri.as_deref())
        .bind(at)
        .fetch_one(&mut *tx)
        .await?;
        audit_with_details(&mut tx, &by, at, action::APP_CREATED, None, None, &details(&settings.name))
            .await?;
        let record = sqlx::query_as(concat!(app_select!(), " WHERE a.id = $2"))
            .bind(at)
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn list_apps(&self) -> Result<Vec<AppRecord>> {
        Ok(sqlx::query_as(concat!(app_select!(), " ORDER BY lower(a.name), a.id"))
            .bind(Utc::now())
            .fetch_all(&self.pool)
            .await?)
    }

    async fn find_app(&self, id: i64) -> Result<Option<AppRecord>> {
        Ok(sqlx::query_as(concat!(app_select!(), " WHERE a.id = $2"))
            .bind(Utc::now())
            .bind(id)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn find_app_by_client_id(&self, client_id: &str) -> Result<Option<AppRecord>> {
        Ok(sqlx::query_as(concat!(app_select!(), " WHERE a.client_id = $2"))
            .bind(Utc::now())
            .bind(client_id)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn update_app(&self, id: i64, settings: &AppSettings, by: Actor, at: DateTime<Utc>) -> Result<()> {
        let mut tx = self.write().await?;
        let updated = sqlx::query(
            "UPDATE apps SET name = $1, redirect_uris = $2, post_logout_redirect_uris = $3,
                             backchannel_logout_uri = $4, updated_at = $5
             WHERE id = $6",
        )
        .bind(&settings.name)
        .bind(UriList::to_json(&settings.redirect_uris))
        .bind(UriList::to_json(&settings.post_logout_redirect_uris))
        .bind(settings.backchannel_logout_uri.as_deref())
        .bind(at)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        audit_with_details(&mut tx, &by, at, action::APP_UPDATED, None, None, &details(&settings.name))
            .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn replace_app_secret(
        &self,
        id: i64,
        secret_hash: &str,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let name: Option<String> = sqlx::query_scalar(
            "UPDATE apps SET secret_hash = $1, updated_at = $2 WHERE id = $3 AND kind = 'confidential'
             RETURNING name",
        )
        .bind(secret_hash)
        .bind(at)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?;
        let name = name.ok_or(StoreError::NotFound)?;
        audit_with_details(&mut tx, &by, at, action::APP_SECRET_ROTATED, None, None, &details(&name)).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_app_status(&self, id: i64, status: AppStatus, by: Actor, at: DateTime<Utc>) -> Result<()> {
        let mut tx = self.write().await?;
        let name: Option<String> =
            sqlx::query_scalar("UPDATE apps SET status = $1, updated_at = $2 WHERE id = $3 RETURNING name")
                .bind(status.as_str())
                .bind(at)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
        let name = name.ok_or(StoreError::NotFound)?;
        let action = match status {
            AppStatus::Disabled => {
                end_grants(&mut tx, GrantsOf::App(id), Notify::Apps, at).await?;
                action::APP_DISABLED
            }
            AppStatus::Active => action::APP_ENABLED,
        };
        audit_with_details(&mut tx, &by, at, action, None, None, &details(&name)).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn delete_app(&self, id: i64, by: Actor, at: DateTime<Utc>) -> Result<()> {
        let mut tx = self.write().await?;
        let name: Option<String> = sqlx::query_scalar("DELETE FROM apps WHERE id = $1 RETURNING name")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?;
        let name = name.ok_or(StoreError::NotFound)?;
        audit_with_details(&mut tx, &by, at, action::APP_DELETED, None, None, &details(&name)).await?;
        tx.commit().await?;
        Ok(())
    }
}
