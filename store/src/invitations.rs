//! Invitations by email: issuing, resending, withdrawing and redeeming them.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::{
    Result,
    records::{
        AcceptedInvitation, Actor, InvitationCounts, InvitationFilter, InvitationRecord, InviteOutcome,
        NewCredentials, NewInvitation, PendingInvitation,
    },
};

#[async_trait]
pub trait InvitationStore: Send + Sync {
    /// Invites one address to an organization: creates the account if the
    /// address has none, a pending membership, the invitation token and its
    /// email in the outbox, all in one transaction (DESIGN invariant 5).
    async fn invite(&self, invitation: NewInvitation, by: Actor, at: DateTime<Utc>) -> Result<InviteOutcome>;

    /// The `limit` most recent pending invitations of an organization.
    async fn pending_invitations(&self, organization_id: i64, limit: i64) -> Result<Vec<PendingInvitation>>;

    /// The `limit` most recent invitations of an organization that `filter`
    /// lets through, judged at `now`.
    async fn invitations(
        &self,
        organization_id: i64,
        filter: InvitationFilter,
        now: DateTime<Utc>,
        limit: i64,
    ) -> Result<Vec<PendingInvitation>>;

    /// How many of an organization's invitations still wait, and how many expired, at `now`.
    async fn invitation_counts(&self, organization_id: i64, now: DateTime<Utc>) -> Result<InvitationCounts>;

    /// The pending invitation of one person, if there is one.
    async fn pending_invitation(
        &self,
        organization_id: i64,
        user_id: i64,
    ) -> Result<Option<PendingInvitation>>;

    /// Replaces the pending invitation of `invitation.email` with a new link
    /// (the old one stops working) and queues the new email.
    async fn resend_invitation(&self, invitation: NewInvitation, by: Actor, at: DateTime<Utc>) -> Result<()>;

    /// Withdraws a pending invitation: its link stops working and the
    /// pending membership goes.
    async fn revoke_invitation(
        &self,
        organization_id: i64,
        user_id: i64,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()>;

    async fn find_invitation(&self, token_hash: &str) -> Result<Option<InvitationRecord>>;

    /// Redeems an invitation, once: the membership becomes active and, for a
    /// new account, the chosen name and password are set.
    async fn accept_invitation(
        &self,
        token_hash: &str,
        credentials: Option<NewCredentials>,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<AcceptedInvitation>;
}
