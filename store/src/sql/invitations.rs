//! The SQL of [`crate::InvitationStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::MembershipStatus;

use super::{
    Conn, DbStore, audit::audit, members::membership_status, outbox::enqueue_email, tokens::redeemable_token,
};
use crate::{
    InvitationStore, Result, StoreError, TokenProblem,
    dialect::Dialect,
    records::{
        AcceptedInvitation, Actor, InvitationCounts, InvitationFilter, InvitationRecord, InviteOutcome,
        NewCredentials, NewInvitation, PendingInvitation, action,
    },
    tokens::TokenKind,
};

/// Issues an invitation's link to `user_id` and queues its email, inside
/// the caller's transaction: the one step of inviting and of resending.
async fn send_invitation_link(
    conn: &mut Conn,
    user_id: i64,
    invitation: &NewInvitation,
    by: &Actor,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO tokens (kind, token_hash, user_id, organization_id, created_by, created_at, expires_at)
         VALUES ('invitation', $1, $2, $3, $4, $5, $6)",
    )
    .bind(&invitation.token_hash)
    .bind(user_id)
    .bind(invitation.organization_id)
    .bind(by.user_id)
    .bind(at)
    .bind(invitation.expires_at)
    .execute(&mut *conn)
    .await?;
    enqueue_email(conn, Some(invitation.organization_id), &invitation.mail, at).await
}

/// Withdraws the unused invitation links of one person to one organization.
pub(super) async fn revoke_invitation_tokens(
    conn: &mut Conn,
    organization_id: i64,
    user_id: i64,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "UPDATE tokens SET revoked_at = $1
         WHERE kind = 'invitation' AND organization_id = $2 AND user_id = $3
           AND used_at IS NULL AND revoked_at IS NULL",
    )
    .bind(at)
    .bind(organization_id)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(())
}

#[async_trait]
impl InvitationStore for DbStore {
    async fn invite(&self, invitation: NewInvitation, by: Actor, at: DateTime<Utc>) -> Result<InviteOutcome> {
        let mut tx = self.write().await?;
        let organization_id = invitation.organization_id;
        // A first invitation makes the account; it has no password
        // until the invitee chooses one.
        sqlx::query(
            "INSERT INTO users (email, name, created_at) VALUES ($1, '', $2) ON CONFLICT (email) DO NOTHING",
        )
        .bind(invitation.email.as_str())
        .bind(at)
        .execute(&mut *tx)
        .await?;
        let user_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(invitation.email.as_str())
            .fetch_one(&mut *tx)
            .await?;
        match membership_status(&mut tx, organization_id, user_id).await? {
            Some(MembershipStatus::Invited) => return Ok(InviteOutcome::AlreadyInvited),
            Some(_) => return Ok(InviteOutcome::AlreadyMember),
            None => {}
        }
        sqlx::query(
            "INSERT INTO organization_members (organization_id, user_id, role, status, created_at)
             VALUES ($1, $2, $3, 'invited', $4)",
        )
        .bind(organization_id)
        .bind(user_id)
        .bind(invitation.role.as_str())
        .bind(at)
        .execute(&mut *tx)
        .await?;
        send_invitation_link(&mut tx, user_id, &invitation, &by, at).await?;
        audit(&mut tx, &by, at, action::MEMBER_INVITED, Some(organization_id), Some(user_id)).await?;
        tx.commit().await?;
        Ok(InviteOutcome::Invited)
    }

    async fn pending_invitations(&self, organization_id: i64, limit: i64) -> Result<Vec<PendingInvitation>> {
        Ok(sqlx::query_as(concat!(
            pending_invitation_select!(),
            " WHERE m.organization_id = $1 AND m.status = 'invited' ORDER BY m.created_at DESC, u.id LIMIT $2"
        ))
        .bind(organization_id)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn invitations(
        &self,
        organization_id: i64,
        filter: InvitationFilter,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<PendingInvitation>> {
        let condition = match filter {
            InvitationFilter::All => "",
            InvitationFilter::Pending => concat!(" AND ", newest_invitation_expiry!(), " > $3"),
            InvitationFilter::Expired => {
                concat!(
                    " AND (",
                    newest_invitation_expiry!(),
                    " IS NULL OR ",
                    newest_invitation_expiry!(),
                    " <= $3)"
                )
            }
        };
        let sql = format!(
            "{} WHERE m.organization_id = $1 AND m.status = 'invited'{condition}
             ORDER BY m.created_at DESC, u.id LIMIT $2",
            pending_invitation_select!()
        );
        let mut query = sqlx::query_as::<_, PendingInvitation>(&sql).bind(organization_id).bind(limit);
        if filter != InvitationFilter::All {
            query = query.bind(now);
        }
        Ok(query.fetch_all(&self.pool).await?)
    }

    async fn invitation_counts(&self, organization_id: i64, now: DateTime<Utc>) -> Result<InvitationCounts> {
        let (invited, pending): (i64, i64) = sqlx::query_as(concat!(
            "SELECT COUNT(*), CAST(COALESCE(SUM(CASE WHEN ",
            newest_invitation_expiry!(),
            " > $2 THEN 1 ELSE 0 END), 0) AS BIGINT)
             FROM organization_members m WHERE m.organization_id = $1 AND m.status = 'invited'"
        ))
        .bind(organization_id)
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        Ok(InvitationCounts { pending, expired: invited - pending })
    }

    async fn pending_invitation(
        &self,
        organization_id: i64,
        user_id: i64,
    ) -> Result<Option<PendingInvitation>> {
        Ok(sqlx::query_as(concat!(
            pending_invitation_select!(),
            " WHERE m.organization_id = $1 AND m.status = 'invited' AND m.user_id = $2"
        ))
        .bind(organization_id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn resend_invitation(&self, invitation: NewInvitation, by: Actor, at: DateTime<Utc>) -> Result<()> {
        let mut tx = self.write().await?;
        let organization_id = invitation.organization_id;
        let user_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(invitation.email.as_str())
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
        if membership_status(&mut tx, organization_id, user_id).await? != Some(MembershipStatus::Invited) {
            return Err(StoreError::NotFound);
        }
        revoke_invitation_tokens(&mut tx, organization_id, user_id, at).await?;
        send_invitation_link(&mut tx, user_id, &invitation, &by, at).await?;
        audit(&mut tx, &by, at, action::INVITATION_RESENT, Some(organization_id), Some(user_id)).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn revoke_invitation(
        &self,
        organization_id: i64,
        user_id: i64,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        if membership_status(&mut tx, organization_id, user_id).await? != Some(MembershipStatus::Invited) {
            return Err(StoreError::NotFound);
        }
        revoke_invitation_tokens(&mut tx, organization_id, user_id, at).await?;
        sqlx::query("DELETE FROM organization_members WHERE organization_id = $1 AND user_id = $2")
            .bind(organization_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        audit(&mut tx, &by, at, action::INVITATION_REVOKED, Some(organization_id), Some(user_id)).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn find_invitation(&self, token_hash: &str) -> Result<Option<InvitationRecord>> {
        Ok(sqlx::query_as(
            "SELECT t.id, t.user_id, t.organization_id, t.created_at, t.expires_at, t.used_at, t.revoked_at,
                    u.email, u.password_hash IS NOT NULL AS has_password,
                    o.slug AS organization_slug, o.name AS organization_name,
                    COALESCE(m.role, 'viewer') AS role, i.name AS invited_by
             FROM tokens t
             JOIN users u ON u.id = t.user_id
             JOIN organizations o ON o.id = t.organization_id
             LEFT JOIN organization_members m ON m.organization_id = t.organization_id AND m.user_id = t.user_id
             LEFT JOIN users i ON i.id = t.created_by
             WHERE t.kind = 'invitation' AND t.token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?)
    }

    async fn accept_invitation(
        &self,
        token_hash: &str,
        credentials: Option<NewCredentials>,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<AcceptedInvitation> {
        let mut tx = self.write().await?;
        let token = redeemable_token(&mut tx, TokenKind::Invitation, token_hash, at).await?;
        let (Some(user_id), Some(organization_id)) = (token.user_id, token.organization_id) else {
            return Err(StoreError::Token(TokenProblem::Unknown));
        };
        if membership_status(&mut tx, organization_id, user_id).await? != Some(MembershipStatus::Invited) {
            return Err(StoreError::Token(TokenProblem::Revoked));
        }
        if let Some(credentials) = credentials {
            // Only an account without a password gets one this way: an
            // invitation link must never take over an existing account.
            let set = sqlx::query(
                "UPDATE users SET name = $1, password_hash = $2 WHERE id = $3 AND password_hash IS NULL",
            )
            .bind(credentials.name.as_str())
            .bind(&credentials.password_hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
            if set.rows_affected() == 0 {
                return Err(StoreError::AccountExists);
            }
        }
        sqlx::query(
            "UPDATE organization_members SET status = 'active', joined_at = $1
             WHERE organization_id = $2 AND user_id = $3",
        )
        .bind(at)
        .bind(organization_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        sqlx::query("UPDATE tokens SET used_at = $1 WHERE id = $2")
            .bind(at)
            .bind(token.id)
            .execute(&mut *tx)
            .await?;
        let by = Actor { user_id: Some(user_id), ..by };
        audit(&mut tx, &by, at, action::INVITATION_ACCEPTED, Some(organization_id), Some(user_id)).await?;
        let organization_slug: String = sqlx::query_scalar("SELECT slug FROM organizations WHERE id = $1")
            .bind(organization_id)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(AcceptedInvitation { user_id, organization_slug })
    }
}
