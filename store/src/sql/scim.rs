//! The SQL of [`crate::ScimStore`], and SCIM filters as SQL.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{
    Role,
    scim_filter::{Attribute, Filter, Operator, Value},
};

use super::{Db, DbStore, audit::audit_with_details, outbox::enqueue_email};
use crate::{
    Result, ScimStore, StoreError,
    dialect::Dialect,
    records::{Actor, action},
    scim::{
        NewScimMember, NewScimRequest, SCIM_REQUESTS_KEPT, ScimIdentityChange, ScimMemberRecord,
        ScimRequestRecord, ScimSettings,
    },
};

/// A [`ScimMemberRecord`] from `organization_members m JOIN users u`.
macro_rules! scim_member_select {
    () => {
        "SELECT m.user_id, u.email, m.user_name, u.name, m.role, m.status, m.external_id, m.created_at,
                m.given_name, m.family_name, m.email_type, m.email_primary
         FROM organization_members m JOIN users u ON u.id = m.user_id"
    };
}

/// Maps the unique indexes of a membership: its external id, its user name,
/// and (else) its primary key.
fn membership_taken(error: sqlx::Error) -> StoreError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() && db.message().contains("external") => {
            StoreError::ExternalIdTaken
        }
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::AlreadyMember,
        _ => StoreError::Database(error),
    }
}

/// `text` for a `LIKE` pattern, its wildcards literal (escaped with `\`).
fn escape_like(text: &str) -> String {
    text.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
}

/// Appends `filter` as a condition on `organization_members m`, whose
/// `email` and `name_key` are kept lower-cased (migration 0002).
fn push_filter(query: &mut sqlx::QueryBuilder<'_, Db>, organization_id: i64, filter: &Filter) {
    match filter {
        Filter::And(a, b) | Filter::Or(a, b) => {
            let joiner = if matches!(filter, Filter::And(..)) { " AND " } else { " OR " };
            query.push("(");
            push_filter(query, organization_id, a);
            query.push(joiner);
            push_filter(query, organization_id, b);
            query.push(")");
        }
        Filter::Not(a) => {
            query.push("NOT (");
            push_filter(query, organization_id, a);
            query.push(")");
        }
        Filter::Present(attribute) => {
            query.push(match attribute {
                Attribute::UserName | Attribute::Email => "m.email <> ''",
                Attribute::DisplayName => "m.name_key <> ''",
                Attribute::ExternalId => "m.external_id IS NOT NULL",
                Attribute::Id | Attribute::Active | Attribute::EmailType | Attribute::EmailPrimary => "1 = 1",
            });
        }
        Filter::Compare(attribute, operator, value) => {
            push_comparison(query, organization_id, *attribute, *operator, value)
        }
    }
}

fn push_comparison(
    query: &mut sqlx::QueryBuilder<'_, Db>,
    organization_id: i64,
    attribute: Attribute,
    operator: Operator,
    value: &Value,
) {
    let never = "1 = 0";
    let column = match attribute {
        Attribute::UserName => "COALESCE(lower(m.user_name), m.email)",
        Attribute::Email => "m.email",
        Attribute::DisplayName => "m.name_key",
        Attribute::ExternalId => "m.external_id",
        Attribute::Id => {
            let id = match value {
                Value::Text(text) => text.parse::<i64>().ok(),
                _ => None,
            };
            match (operator, id) {
                (Operator::Eq, Some(id)) => query.push("m.user_id = ").push_bind(id),
                (Operator::Ne, Some(id)) => query.push("m.user_id <> ").push_bind(id),
                (Operator::Ne, None) => query.push("1 = 1"),
                _ => query.push(never),
            };
            return;
        }
        Attribute::Active => {
            let wanted = match value {
                Value::Bool(b) => Some(*b),
                Value::Text(text) => text.to_ascii_lowercase().parse::<bool>().ok(),
                _ => None,
            };
            match (operator, wanted) {
                (Operator::Eq, Some(true)) | (Operator::Ne, Some(false)) => query.push("m.status = 'active'"),
                (Operator::Eq, Some(false)) | (Operator::Ne, Some(true)) => {
                    query.push("m.status <> 'active'")
                }
                _ => query.push(never),
            };
            return;
        }
        Attribute::EmailType | Attribute::EmailPrimary => {
            let holds = match (attribute, value) {
                (Attribute::EmailType, Value::Text(text)) => text.eq_ignore_ascii_case("work"),
                (Attribute::EmailPrimary, Value::Bool(b)) => *b,
                _ => false,
            };
            let passes = match operator {
                Operator::Eq => holds,
                Operator::Ne => !holds,
                _ => false,
            };
            query.push(if passes { "1 = 1" } else { never });
            return;
        }
    };
    let text = match value {
        Value::Text(text) if attribute == Attribute::ExternalId => text.clone(),
        Value::Text(text) => text.to_lowercase(),
        Value::Null if attribute == Attribute::ExternalId => {
            query.push(match operator {
                Operator::Eq => "m.external_id IS NULL",
                Operator::Ne => "m.external_id IS NOT NULL",
                _ => never,
            });
            return;
        }
        _ => {
            query.push(if operator == Operator::Ne { "1 = 1" } else { never });
            return;
        }
    };
    // Case-exact text compares as stored; `LIKE` ignores ASCII case on
    // SQLite, so the substring operators on an external id compare
    // lower-cased on both databases.
    let (column, pattern_text) = if attribute == Attribute::ExternalId {
        ("LOWER(m.external_id)", escape_like(&text.to_lowercase()))
    } else {
        (column, escape_like(&text))
    };
    match operator {
        // Every identity provider looks people up so, one by one: written
        // as two lookups, each by its own index (an `OR` of the two scans
        // the organization on SQLite).
        Operator::Eq if attribute == Attribute::UserName => query
            .push("m.user_id IN (SELECT user_id FROM organization_members WHERE organization_id = ")
            .push_bind(organization_id)
            .push(" AND user_name IS NOT NULL AND lower(user_name) = ")
            .push_bind(text.clone())
            .push(" UNION ALL SELECT user_id FROM organization_members WHERE organization_id = ")
            .push_bind(organization_id)
            .push(" AND email = ")
            .push_bind(text)
            .push(" AND user_name IS NULL)"),
        Operator::Eq => query.push(format!("{} = ", exact(attribute, column))).push_bind(text),
        Operator::Ne => {
            let exact = exact(attribute, column);
            query.push(format!("({exact} IS NULL OR {exact} <> ")).push_bind(text).push(")")
        }
        Operator::Co => query.push(format!("{column} LIKE ")).push_bind(format!("%{pattern_text}%")),
        Operator::Sw => query.push(format!("{column} LIKE ")).push_bind(format!("{pattern_text}%")),
        Operator::Ew => query.push(format!("{column} LIKE ")).push_bind(format!("%{pattern_text}")),
        Operator::Gt => query.push(format!("{} > ", exact(attribute, column))).push_bind(text),
        Operator::Ge => query.push(format!("{} >= ", exact(attribute, column))).push_bind(text),
        Operator::Lt => query.push(format!("{} < ", exact(attribute, column))).push_bind(text),
        Operator::Le => query.push(format!("{} <= ", exact(attribute, column))).push_bind(text),
    };
    if matches!(operator, Operator::Co | Operator::Sw | Operator::Ew) {
        query.push(" ESCAPE '\\'");
    }
}

/// The column an exact comparison reads: an external id as stored.
fn exact(attribute: Attribute, column: &'static str) -> &'static str {
    if attribute == Attribute::ExternalId { "m.external_id" } else { column }
}

fn default_group_name(role: Role) -> String {
    role.as_str().to_owned()
}

#[async_trait]
impl ScimStore for DbStore {
    async fn provision_member(&self, member: NewScimMember, by: Actor, at: DateTime<Utc>) -> Result<i64> {
        let mut tx = self.write().await?;
        let organization_id = member.organization_id;
        let existing: Option<(i64, bool)> =
            sqlx::query_as("SELECT id, password_hash IS NOT NULL FROM users WHERE email = $1")
                .bind(member.email.as_str())
                .fetch_optional(&mut *tx)
                .await?;
        let (user_id, has_password) = match existing {
            Some(found) => found,
            None => {
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO users (email, name, created_at) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(member.email.as_str())
                .bind(&member.name)
                .bind(at)
                .fetch_one(&mut *tx)
                .await
                .map_err(StoreError::from_insert_user)?;
                (id, false)
            }
        };
        let status = if member.active { "active" } else { "suspended" };
        sqlx::query(
            "INSERT INTO organization_members
                 (organization_id, user_id, role, status, created_at, joined_at, external_id, user_name,
                  provisioned_at, given_name, family_name, email_type, email_primary)
             VALUES ($1, $2, $3, $4, $5, $5, $6, $7, $5, $8, $9, $10, $11)",
        )
        .bind(organization_id)
        .bind(user_id)
        .bind(member.role.as_str())
        .bind(status)
        .bind(at)
        .bind(&member.external_id)
        .bind(&member.user_name)
        .bind(&member.details.given_name)
        .bind(&member.details.family_name)
        .bind(&member.details.email_type)
        .bind(member.details.email_primary)
        .execute(&mut *tx)
        .await
        .map_err(membership_taken)?;
        if let Some(welcome) = member.welcome.filter(|_| !has_password) {
            sqlx::query(
                "INSERT INTO tokens (kind, token_hash, user_id, organization_id, created_by, created_at, expires_at)
                 VALUES ('password_reset', $1, $2, $3, $4, $5, $6)",
            )
            .bind(&welcome.token_hash)
            .bind(user_id)
            .bind(organization_id)
            .bind(by.user_id)
            .bind(at)
            .bind(welcome.expires_at)
            .execute(&mut *tx)
            .await?;
            enqueue_email(&mut tx, Some(organization_id), &welcome.mail, at).await?;
        }
        let details = serde_json::json!({ "role": member.role.as_str(), "status": status, "via": "scim" });
        audit_with_details(
            &mut tx,
            &by,
            at,
            action::MEMBER_ADDED,
            Some(organization_id),
            Some(user_id),
            &details,
        )
        .await?;
        tx.commit().await?;
        Ok(user_id)
    }

    async fn scim_member(&self, organization_id: i64, user_id: i64) -> Result<Option<ScimMemberRecord>> {
        Ok(sqlx::query_as(concat!(scim_member_select!(), " WHERE m.organization_id = $1 AND m.user_id = $2"))
            .bind(organization_id)
            .bind(user_id)
            .fetch_optional(&self.pool)
            .await?)
    }

    async fn scim_members(
        &self,
        organization_id: i64,
        filter: Option<&Filter>,
        offset: i64,
        limit: i64,
    ) -> Result<(i64, Vec<ScimMemberRecord>)> {
        let mut count = sqlx::QueryBuilder::<Db>::new(
            "SELECT COUNT(*) FROM organization_members m WHERE m.organization_id = ",
        );
        count.push_bind(organization_id);
        let mut page =
            sqlx::QueryBuilder::<Db>::new(concat!(scim_member_select!(), " WHERE m.organization_id = "));
        page.push_bind(organization_id);
        if let Some(filter) = filter {
            count.push(" AND ");
            push_filter(&mut count, organization_id, filter);
            page.push(" AND ");
            push_filter(&mut page, organization_id, filter);
        }
        page.push(" ORDER BY m.user_id LIMIT ").push_bind(limit).push(" OFFSET ").push_bind(offset);
        let total: i64 = count.build_query_scalar().fetch_one(&self.pool).await?;
        let rows = if limit == 0 { Vec::new() } else { page.build_query_as().fetch_all(&self.pool).await? };
        Ok((total, rows))
    }

    async fn scim_members_with_role(&self, organization_id: i64, role: Role) -> Result<Vec<(i64, String)>> {
        Ok(sqlx::query_as(
            "SELECT user_id, email FROM organization_members
             WHERE organization_id = $1 AND role = $2 ORDER BY user_id",
        )
        .bind(organization_id)
        .bind(role.as_str())
        .fetch_all(&self.pool)
        .await?)
    }

    async fn update_scim_identity(
        &self,
        organization_id: i64,
        user_id: i64,
        change: ScimIdentityChange,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let found: Option<i64> = sqlx::query_scalar(
            "SELECT user_id FROM organization_members WHERE organization_id = $1 AND user_id = $2",
        )
        .bind(organization_id)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
        if found.is_none() {
            return Err(StoreError::NotFound);
        }
        if let Some(user_name) = &change.user_name {
            sqlx::query(
                "UPDATE organization_members SET user_name = $1 WHERE organization_id = $2 AND user_id = $3",
            )
            .bind(user_name)
            .bind(organization_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(membership_taken)?;
        }
        if let Some(external_id) = &change.external_id {
            sqlx::query(
                "UPDATE organization_members SET external_id = $1 WHERE organization_id = $2 AND user_id = $3",
            )
            .bind(external_id)
            .bind(organization_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .map_err(membership_taken)?;
        }
        if let Some(details) = &change.details {
            sqlx::query(
                "UPDATE organization_members SET given_name = $1, family_name = $2, email_type = $3, email_primary = $4
                 WHERE organization_id = $5 AND user_id = $6",
            )
            .bind(&details.given_name)
            .bind(&details.family_name)
            .bind(&details.email_type)
            .bind(details.email_primary)
            .bind(organization_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        }
        if let Some(email) = &change.email {
            let old: String = sqlx::query_scalar("SELECT email FROM users WHERE id = $1")
                .bind(user_id)
                .fetch_one(&mut *tx)
                .await?;
            if old != email.as_str() {
                sqlx::query("UPDATE users SET email = $1 WHERE id = $2")
                    .bind(email.as_str())
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await
                    .map_err(StoreError::from_insert_user)?;
                let details = serde_json::json!({ "from": old, "to": email.as_str(), "via": "scim" });
                audit_with_details(
                    &mut tx,
                    &by,
                    at,
                    action::EMAIL_CHANGED,
                    Some(organization_id),
                    Some(user_id),
                    &details,
                )
                .await?;
            }
        }
        if let Some(name) = &change.name {
            let renamed = sqlx::query("UPDATE users SET name = $1 WHERE id = $2 AND name <> $1")
                .bind(name)
                .bind(user_id)
                .execute(&mut *tx)
                .await?;
            if renamed.rows_affected() > 0 {
                let details = serde_json::json!({ "name": name, "via": "scim" });
                audit_with_details(
                    &mut tx,
                    &by,
                    at,
                    action::USER_RENAMED,
                    Some(organization_id),
                    Some(user_id),
                    &details,
                )
                .await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn scim_settings(&self, organization_id: i64) -> Result<ScimSettings> {
        let welcome_email: bool =
            sqlx::query_scalar("SELECT scim_welcome_email FROM organizations WHERE id = $1")
                .bind(organization_id)
                .fetch_optional(&self.pool)
                .await?
                .ok_or(StoreError::NotFound)?;
        let named: Vec<(String, String)> =
            sqlx::query_as("SELECT role, display_name FROM scim_group_names WHERE organization_id = $1")
                .bind(organization_id)
                .fetch_all(&self.pool)
                .await?;
        let group_names = [Role::Admin, Role::Editor, Role::Viewer]
            .into_iter()
            .map(|role| {
                let name = named.iter().find(|(r, _)| r == role.as_str()).map(|(_, name)| name.clone());
                (role, name.unwrap_or_else(|| default_group_name(role)))
            })
            .collect();
        Ok(ScimSettings { welcome_email, group_names })
    }

    async fn set_scim_welcome_email(
        &self,
        organization_id: i64,
        on: bool,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let updated = sqlx::query("UPDATE organizations SET scim_welcome_email = $1 WHERE id = $2")
            .bind(on)
            .bind(organization_id)
            .execute(&mut *tx)
            .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        let details = serde_json::json!({ "welcome_email": on });
        audit_with_details(
            &mut tx,
            &by,
            at,
            action::SCIM_SETTINGS_CHANGED,
            Some(organization_id),
            None,
            &details,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn rename_scim_group(
        &self,
        organization_id: i64,
        role: Role,
        display_name: &str,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO scim_group_names (organization_id, role, display_name) VALUES ($1, $2, $3)
             ON CONFLICT (organization_id, role) DO UPDATE SET display_name = excluded.display_name",
        )
        .bind(organization_id)
        .bind(role.as_str())
        .bind(display_name)
        .execute(&mut *tx)
        .await?;
        let details = serde_json::json!({ "group": role.as_str(), "display_name": display_name });
        audit_with_details(
            &mut tx,
            &by,
            at,
            action::SCIM_SETTINGS_CHANGED,
            Some(organization_id),
            None,
            &details,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn log_scim_request(&self, request: NewScimRequest) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query(
            "INSERT INTO scim_requests (organization_id, api_key_id, at, method, path, status, outcome)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(request.organization_id)
        .bind(request.api_key_id)
        .bind(request.at)
        .bind(&request.method)
        .bind(&request.path)
        .bind(request.status)
        .bind(&request.outcome)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "DELETE FROM scim_requests WHERE organization_id = $1 AND id <= (
                 SELECT id FROM scim_requests WHERE organization_id = $1
                 ORDER BY id DESC LIMIT 1 OFFSET $2)",
        )
        .bind(request.organization_id)
        .bind(SCIM_REQUESTS_KEPT)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn recent_scim_requests(&self, organization_id: i64, limit: i64) -> Result<Vec<ScimRequestRecord>> {
        Ok(sqlx::query_as(
            "SELECT r.at, k.name AS token_name, r.method, r.path, r.status, r.outcome
             FROM scim_requests r LEFT JOIN api_keys k ON k.id = r.api_key_id
             WHERE r.organization_id = $1 ORDER BY r.id DESC LIMIT $2",
        )
        .bind(organization_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }
}
