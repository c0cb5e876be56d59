//! The SQL of [`crate::MemberStore`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use domain::{MembershipStatus, Role};

use super::{
    Conn, Db, DbStore,
    audit::{audit, audit_with_details, reason_details},
    grants::{GrantsOf, Notify, end_grants},
    member_list::{
        self, Rows, count_members, member_page, plan_search, push_member_filters, push_member_order,
    },
    sessions::revoke_sessions,
};
use crate::{
    MemberStore, MemberStream, Result, StoreError,
    dialect::Dialect,
    records::{Actor, MemberPage, MemberRow, MemberTally, MembershipRecord, action},
};

/// The membership of one user in one organization, on the pool or inside a
/// transaction.
async fn membership<'e>(
    executor: impl sqlx::Executor<'e, Database = Db>,
    organization_id: i64,
    user_id: i64,
) -> Result<Option<MembershipRecord>> {
    Ok(sqlx::query_as(concat!(
        "SELECT ",
        membership_columns!(),
        " FROM organization_members m
         JOIN organizations o ON o.id = m.organization_id
         WHERE m.organization_id = $1 AND m.user_id = $2"
    ))
    .bind(organization_id)
    .bind(user_id)
    .fetch_optional(executor)
    .await?)
}

/// Locks the organization against concurrent membership changes and
/// refuses to take away its last active admin: `keeps_admin` tells
/// whether the member is still an active admin after the change.
pub(super) async fn guard_last_admin(
    conn: &mut Conn,
    organization_id: i64,
    user_id: i64,
    keeps_admin: bool,
) -> Result<MembershipRecord> {
    let locked: Option<i64> =
        sqlx::query_scalar(&format!("SELECT id FROM organizations WHERE id = $1{}", DbStore::FOR_UPDATE))
            .bind(organization_id)
            .fetch_optional(&mut *conn)
            .await?;
    locked.ok_or(StoreError::NotFound)?;
    let member: MembershipRecord =
        membership(&mut *conn, organization_id, user_id).await?.ok_or(StoreError::NotFound)?;
    let is_active_admin = member.role == Role::Admin && member.status == MembershipStatus::Active;
    if is_active_admin && !keeps_admin {
        let admins: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM organization_members
             WHERE organization_id = $1 AND role = 'admin' AND status = 'active'",
        )
        .bind(organization_id)
        .fetch_one(&mut *conn)
        .await?;
        if admins <= 1 {
            return Err(StoreError::LastAdmin);
        }
    }
    Ok(member)
}

/// The status of a membership, if there is one.
pub(super) async fn membership_status(
    conn: &mut Conn,
    organization_id: i64,
    user_id: i64,
) -> Result<Option<MembershipStatus>> {
    let status: Option<String> = sqlx::query_scalar(
        "SELECT status FROM organization_members WHERE organization_id = $1 AND user_id = $2",
    )
    .bind(organization_id)
    .bind(user_id)
    .fetch_optional(conn)
    .await?;
    status
        .map(|s| s.parse().map_err(|e: String| StoreError::Database(sqlx::Error::Decode(e.into()))))
        .transpose()
}

#[async_trait]
impl MemberStore for DbStore {
    async fn memberships_of(&self, user_id: i64) -> Result<Vec<MembershipRecord>> {
        Ok(sqlx::query_as(concat!(
            "SELECT ",
            membership_columns!(),
            " FROM organization_members m
             JOIN organizations o ON o.id = m.organization_id
             WHERE m.user_id = $1 ORDER BY lower(o.name), o.id"
        ))
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn find_membership(&self, organization_id: i64, user_id: i64) -> Result<Option<MembershipRecord>> {
        membership(&self.pool, organization_id, user_id).await
    }

    async fn add_member(
        &self,
        organization_id: i64,
        user_id: i64,
        role: Role,
        status: MembershipStatus,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let joined_at = (status != MembershipStatus::Invited).then_some(at);
        sqlx::query(
            "INSERT INTO organization_members (organization_id, user_id, role, status, created_at, joined_at)
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(organization_id)
        .bind(user_id)
        .bind(role.as_str())
        .bind(status.as_str())
        .bind(at)
        .bind(joined_at)
        .execute(&mut *tx)
        .await
        .map_err(StoreError::from_insert_member)?;
        audit(&mut tx, &by, at, action::MEMBER_ADDED, Some(organization_id), Some(user_id)).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn change_member_role(
        &self,
        organization_id: i64,
        user_id: i64,
        role: Role,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        guard_last_admin(&mut tx, organization_id, user_id, role == Role::Admin).await?;
        // Webhooks tell the old role with the new one.
        let previous_role: Option<String> = sqlx::query_scalar(
            "SELECT role FROM organization_members WHERE organization_id = $1 AND user_id = $2",
        )
        .bind(organization_id)
        .bind(user_id)
        .fetch_optional(&mut *tx)
        .await?;
        sqlx::query("UPDATE organization_members SET role = $1 WHERE organization_id = $2 AND user_id = $3")
            .bind(role.as_str())
            .bind(organization_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        // Tokens carry the role: the next sign-in or refresh must carry the new one.
        end_grants(&mut tx, GrantsOf::Member { organization_id, user_id }, Notify::Apps, at).await?;
        let details = serde_json::json!({ "role": role.as_str(), "previous_role": previous_role });
        audit_with_details(
            &mut tx,
            &by,
            at,
            action::MEMBER_ROLE_CHANGED,
            Some(organization_id),
            Some(user_id),
            &details,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_membership_status(
        &self,
        organization_id: i64,
        user_id: i64,
        status: MembershipStatus,
        reason: Option<&str>,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        guard_last_admin(&mut tx, organization_id, user_id, status == MembershipStatus::Active).await?;
        sqlx::query(
            "UPDATE organization_members SET status = $1 WHERE organization_id = $2 AND user_id = $3",
        )
        .bind(status.as_str())
        .bind(organization_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        let action = match status {
            MembershipStatus::Suspended => {
                end_grants(&mut tx, GrantsOf::Member { organization_id, user_id }, Notify::Apps, at).await?;
                // Access to this organization ends with the change
                // (every request reads the memberships). Someone left
                // with nowhere to go is signed out as well; someone
                // who still belongs elsewhere keeps working there.
                let still_usable: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM organization_members m
                     JOIN organizations o ON o.id = m.organization_id
                     WHERE m.user_id = $1 AND m.status = 'active' AND o.status = 'active'",
                )
                .bind(user_id)
                .fetch_one(&mut *tx)
                .await?;
                let is_super_admin: bool =
                    sqlx::query_scalar("SELECT is_super_admin FROM users WHERE id = $1")
                        .bind(user_id)
                        .fetch_one(&mut *tx)
                        .await?;
                if still_usable == 0 && !is_super_admin {
                    revoke_sessions(&mut tx, user_id, at).await?;
                }
                action::MEMBER_SUSPENDED
            }
            _ => action::MEMBER_REACTIVATED,
        };
        audit_with_details(
            &mut tx,
            &by,
            at,
            action,
            Some(organization_id),
            Some(user_id),
            &reason_details(reason),
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    async fn remove_member(
        &self,
        organization_id: i64,
        user_id: i64,
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        guard_last_admin(&mut tx, organization_id, user_id, false).await?;
        sqlx::query("DELETE FROM organization_members WHERE organization_id = $1 AND user_id = $2")
            .bind(organization_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        end_grants(&mut tx, GrantsOf::Member { organization_id, user_id }, Notify::Apps, at).await?;
        // An invitation still waiting would otherwise bring them back.
        sqlx::query(
            "UPDATE tokens SET revoked_at = $1
             WHERE kind = 'invitation' AND organization_id = $2 AND user_id = $3
               AND used_at IS NULL AND revoked_at IS NULL",
        )
        .bind(at)
        .bind(organization_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
        audit(&mut tx, &by, at, action::MEMBER_REMOVED, Some(organization_id), Some(user_id)).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn list_members(
        &self,
        organization_id: i64,
        view: &domain::MemberView,
        now: DateTime<Utc>,
    ) -> Result<MemberPage> {
        let page_size = i64::from(view.page_size.max(1));
        let plan = plan_search(&self.pool, view).await?;
        // The first page needs no total to be found, so both queries
        // run at once: a new search or filter always lands there.
        if view.page <= 1 {
            let window = crate::paging::PageWindow::first(page_size);
            let (total, items) = tokio::try_join!(
                count_members(&self.pool, organization_id, view, now, plan.count),
                member_page(&self.pool, organization_id, view, now, window, plan.page),
            )?;
            return Ok(MemberPage { items, total, page: 1 });
        }
        let total = count_members(&self.pool, organization_id, view, now, plan.count).await?;
        let pages = domain::Paging::new(view.page, view.page_size, total).pages();
        let page = view.page.clamp(1, pages);
        let window = crate::paging::PageWindow::new(total, page, page_size);
        let items = member_page(&self.pool, organization_id, view, now, window, plan.page).await?;
        Ok(MemberPage { items, total, page })
    }

    async fn list_members_after(
        &self,
        organization_id: i64,
        view: &domain::MemberView,
        after: Option<&crate::MemberCursor>,
        limit: i64,
        now: DateTime<Utc>,
    ) -> Result<crate::MemberSlice> {
        let limit = limit.max(1);
        let plan = plan_search(&self.pool, view).await?;
        let mut query = sqlx::QueryBuilder::<Db>::new(concat!(
            "SELECT ",
            member_columns!(),
            ", m.name_key FROM organization_members m JOIN users u ON u.id = m.user_id"
        ));
        push_member_filters(&mut query, organization_id, view, now, plan.page);
        if let Some(cursor) = after {
            member_list::push_after(&mut query, view, cursor);
        }
        push_member_order(&mut query, view);
        // One more than asked: whether there is a next slice.
        query.push(" LIMIT ").push_bind(limit + 1);
        let mut rows: Vec<member_list::KeyedRow> = query.build_query_as().fetch_all(&self.pool).await?;
        let more = rows.len() as i64 > limit;
        rows.truncate(limit as usize);
        let next = if more { rows.last().map(|row| row.cursor(view)) } else { None };
        Ok(crate::MemberSlice { items: rows.into_iter().map(|keyed| keyed.row).collect(), next })
    }

    async fn count_members(
        &self,
        organization_id: i64,
        view: &domain::MemberView,
        now: DateTime<Utc>,
    ) -> Result<i64> {
        let plan = plan_search(&self.pool, view).await?;
        count_members(&self.pool, organization_id, view, now, plan.count).await
    }

    async fn member_tallies(&self, organization_id: i64) -> Result<Vec<MemberTally>> {
        Ok(sqlx::query_as(
            "SELECT role, status, CAST(SUM(members) AS BIGINT) AS members FROM member_counts
             WHERE organization_id = $1 GROUP BY role, status HAVING SUM(members) > 0 ORDER BY role, status",
        )
        .bind(organization_id)
        .fetch_all(&self.pool)
        .await?)
    }

    fn stream_members(
        &self,
        organization_id: i64,
        view: domain::MemberView,
        now: DateTime<Utc>,
    ) -> MemberStream {
        // The query runs in its own task, which owns what it needs; a
        // small channel paces it to the reader.
        let pool = self.pool.clone();
        let (rows_out, rows_in) = tokio::sync::mpsc::channel(256);
        tokio::spawn(async move {
            use futures::StreamExt;
            let mut query = sqlx::QueryBuilder::<Db>::new(concat!(
                "SELECT ",
                member_columns!(),
                " FROM organization_members m JOIN users u ON u.id = m.user_id",
            ));
            push_member_filters(&mut query, organization_id, &view, now, Rows::Scanned);
            push_member_order(&mut query, &view);
            let mut rows = query.build_query_as::<MemberRow>().fetch(&pool);
            while let Some(row) = rows.next().await {
                if rows_out.send(row.map_err(StoreError::from)).await.is_err() {
                    break;
                }
            }
        });
        Box::pin(futures::stream::unfold(rows_in, |mut rows_in| async move {
            rows_in.recv().await.map(|row| (row, rows_in))
        }))
    }

    #[cfg(feature = "seed")]
    async fn seed_members(
        &self,
        organization_id: i64,
        people: &[crate::SeedMember],
        by: Actor,
        at: DateTime<Utc>,
    ) -> Result<u64> {
        // 8 values a person: 500 a statement stays under both
        // databases' limits on bound values.
        const BATCH: usize = 500;
        let mut tx = self.write().await?;
        for batch in people.chunks(BATCH) {
            let mut users = sqlx::QueryBuilder::<Db>::new(
                "INSERT INTO users (email, name, password_hash, created_at, last_sign_in_at) ",
            );
            users.push_values(batch, |mut row, person| {
                row.push_bind(person.email.as_str())
                    .push_bind(person.name.as_str())
                    .push_bind(person.password_hash.as_deref())
                    .push_bind(person.created_at)
                    .push_bind(person.last_sign_in_at);
            });
            users.push(" RETURNING id, email");
            let ids: std::collections::HashMap<String, i64> = users
                .build_query_as::<(i64, String)>()
                .fetch_all(&mut *tx)
                .await
                .map_err(StoreError::from_insert_user)?
                .into_iter()
                .map(|(id, email)| (email, id))
                .collect();
            let mut members = sqlx::QueryBuilder::<Db>::new(
                "INSERT INTO organization_members (organization_id, user_id, role, status, created_at, joined_at) ",
            );
            members.push_values(batch, |mut row, person| {
                row.push_bind(organization_id)
                    .push_bind(ids[person.email.as_str()])
                    .push_bind(person.role.as_str())
                    .push_bind(person.status.as_str())
                    .push_bind(person.created_at)
                    .push_bind(person.joined_at);
            });
            members.build().execute(&mut *tx).await?;
        }
        audit(&mut tx, &by, at, action::MEMBERS_SEEDED, Some(organization_id), None).await?;
        tx.commit().await?;
        self.refresh_statistics().await?;
        Ok(people.len() as u64)
    }
}
