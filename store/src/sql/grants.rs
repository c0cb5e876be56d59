//! The SQL of [`crate::GrantStore`], and the ending of app sessions that
//! other areas' changes (a suspension, a removal, a role change, a
//! deletion) make inside their own transactions.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use sqlx::QueryBuilder;

use super::{Conn, Db, DbStore, audit::audit_with_details};
use crate::{
    GrantStore, Result, StoreError, TokenProblem,
    dialect::Dialect,
    grants::{AppSessionRecord, GrantRecord, NewAppSignIn, RedeemedCode},
    records::{Actor, action},
};

/// A [`GrantRecord`] from `app_grants g`; the caller adds `WHERE`.
macro_rules! grant_select {
    () => {
        "SELECT g.id AS grant_id, g.sid, g.scope, g.auth_time, g.amr, g.expires_at, g.revoked_at, g.session_id,
                a.id AS app_id, a.client_id, a.status AS app_status,
                u.id AS user_id, COALESCE(u.public_id, '') AS subject, u.email, u.name,
                u.status AS user_status, g.organization_id AS organization,
                o.public_id AS org_public_id, o.slug AS org_slug, o.name AS org_name,
                o.status AS org_status, m.role, m.status AS membership_status
         FROM app_grants g
         JOIN apps a ON a.id = g.app_id
         JOIN users u ON u.id = g.user_id
         LEFT JOIN organizations o ON o.id = g.organization_id
         LEFT JOIN organization_members m ON m.organization_id = g.organization_id AND m.user_id = g.user_id"
    };
}

/// Which app sessions a change ends.
#[derive(Debug, Clone, Copy)]
pub(super) enum GrantsOf {
    /// Every one of a person (account suspended or deleted, password reset).
    User(i64),
    /// A person's in one organization (membership suspended or removed, role changed).
    Member { organization_id: i64, user_id: i64 },
    /// Everyone's in one organization (organization suspended).
    Organization(i64),
    /// Everyone's in one app (app disabled).
    App(i64),
    /// Those made from one Roster session.
    Session(i64),
    /// One.
    Grant(i64),
}

impl GrantsOf {
    /// Adds the condition on `app_grants g`.
    fn push_condition(self, query: &mut QueryBuilder<'_, Db>) {
        match self {
            Self::User(id) => query.push("g.user_id = ").push_bind(id),
            Self::Member { organization_id, user_id } => query
                .push("g.organization_id = ")
                .push_bind(organization_id)
                .push(" AND g.user_id = ")
                .push_bind(user_id),
            Self::Organization(id) => query.push("g.organization_id = ").push_bind(id),
            Self::App(id) => query.push("g.app_id = ").push_bind(id),
            Self::Session(id) => query.push("g.session_id = ").push_bind(id),
            Self::Grant(id) => query.push("g.id = ").push_bind(id),
        };
    }
}

/// Whether the apps whose sessions end are told over the back-channel.
#[derive(Debug, Clone, Copy)]
pub(super) enum Notify<'a> {
    Apps,
    /// Not the app that asked (it knows), only the others.
    AppsBut(&'a str),
    Nobody,
}

/// Ends app sessions inside the caller's transaction: their grants are
/// revoked (refresh, introspection and userinfo refuse them from now on) and
/// a back-channel logout is queued for each app that has a back-channel URI.
pub(super) async fn end_grants(
    conn: &mut Conn,
    which: GrantsOf,
    notify: Notify<'_>,
    at: DateTime<Utc>,
) -> Result<u64> {
    let except = match notify {
        Notify::Apps => Some(""),
        Notify::AppsBut(sid) => Some(sid),
        Notify::Nobody => None,
    };
    if let Some(except) = except {
        let mut queue = QueryBuilder::<Db>::new(
            "INSERT INTO backchannel_logouts (app_id, uri, subject, sid, created_at, next_attempt_at)
             SELECT g.app_id, a.backchannel_logout_uri, COALESCE(u.public_id, ''), g.sid, ",
        );
        queue.push_bind(at).push(", ").push_bind(at).push(
            " FROM app_grants g JOIN apps a ON a.id = g.app_id JOIN users u ON u.id = g.user_id
             WHERE g.revoked_at IS NULL AND a.backchannel_logout_uri IS NOT NULL AND g.sid <> ",
        );
        queue.push_bind(except).push(" AND g.expires_at > ").push_bind(at).push(" AND ");
        which.push_condition(&mut queue);
        queue.build().execute(&mut *conn).await?;
    }
    let mut revoke = QueryBuilder::<Db>::new("UPDATE app_grants AS g SET revoked_at = ");
    revoke.push_bind(at).push(" WHERE g.revoked_at IS NULL AND ");
    which.push_condition(&mut revoke);
    Ok(revoke.build().execute(&mut *conn).await?.rows_affected())
}

async fn grant_where(conn: &mut Conn, condition: &str, value: &str) -> Result<Option<GrantRecord>> {
    Ok(sqlx::query_as(&format!(concat!(grant_select!(), " WHERE {}"), condition))
        .bind(value)
        .fetch_optional(conn)
        .await?)
}

async fn grant_by_id(conn: &mut Conn, grant_id: i64) -> Result<GrantRecord> {
    Ok(sqlx::query_as(concat!(grant_select!(), " WHERE g.id = $1")).bind(grant_id).fetch_one(conn).await?)
}

#[async_trait]
impl GrantStore for DbStore {
    async fn record_app_sign_in(&self, sign_in: NewAppSignIn, by: Actor, at: DateTime<Utc>) -> Result<()> {
        let mut tx = self.write().await?;
        sqlx::query("UPDATE users SET public_id = $1 WHERE id = $2 AND public_id IS NULL")
            .bind(&sign_in.new_user_public_id)
            .bind(sign_in.user_id)
            .execute(&mut *tx)
            .await?;
        if let Some(organization_id) = sign_in.organization_id {
            sqlx::query("UPDATE organizations SET public_id = $1 WHERE id = $2 AND public_id IS NULL")
                .bind(&sign_in.new_organization_public_id)
                .bind(organization_id)
                .execute(&mut *tx)
                .await?;
        }
        let grant_id: i64 = sqlx::query_scalar(
            "INSERT INTO app_grants (app_id, user_id, organization_id, session_id, sid, scope, auth_time,
                                     created_at, last_used_at, expires_at, amr)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, $10) RETURNING id",
        )
        .bind(sign_in.app_id)
        .bind(sign_in.user_id)
        .bind(sign_in.organization_id)
        .bind(sign_in.session_id)
        .bind(&sign_in.sid)
        .bind(&sign_in.scope)
        .bind(sign_in.auth_time)
        .bind(at)
        .bind(sign_in.grant_expires_at)
        .bind(sign_in.amr.stored())
        .fetch_one(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO authorization_codes (code_hash, grant_id, redirect_uri, code_challenge, nonce,
                                              created_at, expires_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(&sign_in.code_hash)
        .bind(grant_id)
        .bind(&sign_in.redirect_uri)
        .bind(sign_in.code_challenge.as_deref())
        .bind(sign_in.nonce.as_deref())
        .bind(at)
        .bind(sign_in.code_expires_at)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE users SET last_sign_in_at = $1 WHERE id = $2")
            .bind(at)
            .bind(sign_in.user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO sign_in_attempts (user_id, at, outcome, ip, user_agent, app)
             VALUES ($1, $2, 'succeeded', $3, $4, $5)",
        )
        .bind(sign_in.user_id)
        .bind(at)
        .bind(by.ip.as_deref())
        .bind(sign_in.user_agent.as_deref())
        .bind(&sign_in.app_name)
        .execute(&mut *tx)
        .await?;
        let details = serde_json::json!({ "app": sign_in.app_name });
        audit_with_details(
            &mut tx,
            &by,
            at,
            action::APP_SIGNED_IN,
            sign_in.organization_id,
            Some(sign_in.user_id),
            &details,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn redeem_code(&self, code_hash: &str, at: DateTime<Utc>) -> Result<Option<RedeemedCode>> {
        let mut tx = self.write().await?;
        let code: Option<(
            i64,
            i64,
            String,
            Option<String>,
            Option<String>,
            DateTime<Utc>,
            Option<DateTime<Utc>>,
        )> = sqlx::query_as(&format!(
            "SELECT id, grant_id, redirect_uri, code_challenge, nonce, expires_at, used_at
                 FROM authorization_codes WHERE code_hash = $1{}",
            DbStore::FOR_UPDATE
        ))
        .bind(code_hash)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((id, grant_id, redirect_uri, code_challenge, nonce, expires_at, used_at)) = code else {
            return Ok(None);
        };
        if used_at.is_some() {
            // Someone has the code who should not: whatever it gave is withdrawn.
            end_grants(&mut tx, GrantsOf::Grant(grant_id), Notify::Apps, at).await?;
            tx.commit().await?;
            return Err(StoreError::Token(TokenProblem::Used));
        }
        sqlx::query("UPDATE authorization_codes SET used_at = $1 WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let grant = grant_by_id(&mut tx, grant_id).await?;
        tx.commit().await?;
        Ok(Some(RedeemedCode { grant, redirect_uri, code_challenge, nonce, expires_at }))
    }

    async fn add_refresh_token(&self, grant_id: i64, token_hash: &str, at: DateTime<Utc>) -> Result<()> {
        sqlx::query("INSERT INTO refresh_tokens (token_hash, grant_id, created_at) VALUES ($1, $2, $3)")
            .bind(token_hash)
            .bind(grant_id)
            .bind(at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn rotate_refresh_token(
        &self,
        app_id: i64,
        token_hash: &str,
        new_hash: &str,
        at: DateTime<Utc>,
    ) -> Result<GrantRecord> {
        let mut tx = self.write().await?;
        let token: Option<(i64, i64, Option<DateTime<Utc>>)> = sqlx::query_as(&format!(
            "SELECT t.id, t.grant_id, t.used_at FROM refresh_tokens t JOIN app_grants g ON g.id = t.grant_id
             WHERE t.token_hash = $1 AND g.app_id = $2{}",
            DbStore::FOR_UPDATE
        ))
        .bind(token_hash)
        .bind(app_id)
        .fetch_optional(&mut *tx)
        .await?;
        let (id, grant_id, used_at) = token.ok_or(StoreError::NotFound)?;
        if used_at.is_some() {
            // A stolen token, or a stolen successor: the family goes.
            end_grants(&mut tx, GrantsOf::Grant(grant_id), Notify::Apps, at).await?;
            tx.commit().await?;
            return Err(StoreError::Token(TokenProblem::Used));
        }
        let grant = grant_by_id(&mut tx, grant_id).await?;
        if !grant.is_usable(at) {
            return Err(StoreError::Token(TokenProblem::Revoked));
        }
        sqlx::query("UPDATE refresh_tokens SET used_at = $1 WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("INSERT INTO refresh_tokens (token_hash, grant_id, created_at) VALUES ($1, $2, $3)")
            .bind(new_hash)
            .bind(grant_id)
            .bind(at)
            .execute(&mut *tx)
            .await?;
        sqlx::query("UPDATE app_grants SET last_used_at = $1 WHERE id = $2")
            .bind(at)
            .bind(grant_id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(grant)
    }

    async fn find_grant(&self, sid: &str) -> Result<Option<GrantRecord>> {
        let mut conn = self.pool.acquire().await?;
        grant_where(&mut conn, "g.sid = $1", sid).await
    }

    async fn find_grant_by_refresh_token(&self, token_hash: &str) -> Result<Option<GrantRecord>> {
        let mut conn = self.pool.acquire().await?;
        grant_where(
            &mut conn,
            "g.id = (SELECT grant_id FROM refresh_tokens WHERE token_hash = $1 AND used_at IS NULL)",
            token_hash,
        )
        .await
    }

    async fn revoke_grant(&self, app_id: i64, grant_id: i64, at: DateTime<Utc>) -> Result<bool> {
        let mut tx = self.write().await?;
        let owned: Option<i64> =
            sqlx::query_scalar("SELECT id FROM app_grants WHERE id = $1 AND app_id = $2")
                .bind(grant_id)
                .bind(app_id)
                .fetch_optional(&mut *tx)
                .await?;
        if owned.is_none() {
            return Ok(false);
        }
        let revoked = end_grants(&mut tx, GrantsOf::Grant(grant_id), Notify::Nobody, at).await?;
        tx.commit().await?;
        Ok(revoked > 0)
    }

    async fn sign_out_of_app(&self, sid: &str, by: Actor, at: DateTime<Utc>) -> Result<()> {
        let mut tx = self.write().await?;
        let grant: Option<(i64, i64, Option<i64>, Option<i64>, String)> = sqlx::query_as(
            "SELECT g.id, g.user_id, g.session_id, g.organization_id, a.name
             FROM app_grants g JOIN apps a ON a.id = g.app_id WHERE g.sid = $1",
        )
        .bind(sid)
        .fetch_optional(&mut *tx)
        .await?;
        let Some((grant_id, user_id, session_id, organization_id, app_name)) = grant else {
            return Err(StoreError::NotFound);
        };
        end_grants(&mut tx, GrantsOf::Grant(grant_id), Notify::Nobody, at).await?;
        if let Some(session_id) = session_id {
            end_grants(&mut tx, GrantsOf::Session(session_id), Notify::AppsBut(sid), at).await?;
            sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                .bind(at)
                .bind(session_id)
                .execute(&mut *tx)
                .await?;
        }
        let details = serde_json::json!({ "app": app_name });
        audit_with_details(
            &mut tx,
            &by,
            at,
            action::APP_SIGNED_OUT,
            organization_id,
            Some(user_id),
            &details,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn sign_out_everywhere_from(&self, session_id: i64, by: Actor, at: DateTime<Utc>) -> Result<()> {
        let mut tx = self.write().await?;
        end_grants(&mut tx, GrantsOf::Session(session_id), Notify::Apps, at).await?;
        let user_id: Option<i64> = sqlx::query_scalar(
            "UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING user_id",
        )
        .bind(at)
        .bind(session_id)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(user_id) = user_id {
            super::audit::audit(&mut tx, &by, at, action::SIGNED_OUT, None, Some(user_id)).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn app_sessions_of(
        &self,
        user_id: i64,
        organization_id: Option<i64>,
    ) -> Result<Vec<AppSessionRecord>> {
        Ok(sqlx::query_as(
            "SELECT g.id AS grant_id, a.name AS app_name, o.name AS organization_name,
                    g.created_at AS signed_in_at, g.last_used_at
             FROM app_grants g JOIN apps a ON a.id = g.app_id
             LEFT JOIN organizations o ON o.id = g.organization_id
             WHERE g.user_id = $1 AND g.revoked_at IS NULL AND g.expires_at > $2
               AND ($3 IS NULL OR g.organization_id = $3)
             ORDER BY g.created_at DESC, g.id DESC",
        )
        .bind(user_id)
        .bind(Utc::now())
        .bind(organization_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn end_app_session(
        &self,
        user_id: i64,
        grant_id: i64,
        organization_id: Option<i64>,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let app_name: Option<String> = sqlx::query_scalar(
            "SELECT a.name FROM app_grants g JOIN apps a ON a.id = g.app_id
             WHERE g.id = $1 AND g.user_id = $2 AND g.revoked_at IS NULL
               AND ($3 IS NULL OR g.organization_id = $3)",
        )
        .bind(grant_id)
        .bind(user_id)
        .bind(organization_id)
        .fetch_optional(&mut *tx)
        .await?;
        let app_name = app_name.ok_or(StoreError::NotFound)?;
        end_grants(&mut tx, GrantsOf::Grant(grant_id), Notify::Apps, at).await?;
        let details = serde_json::json!({ "app": app_name });
        audit_with_details(
            &mut tx,
            &by,
            at,
            action::APP_SESSION_ENDED,
            organization_id,
            Some(user_id),
            &details,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
