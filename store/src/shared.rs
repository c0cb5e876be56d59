//! The one implementation of [`Store`], instantiated for each backend.
//!
//! Both dialects accept the same SQL (`$N` placeholders, `RETURNING`), so the
//! queries and the rules around them are written once, here. A backend
//! supplies its connection type, a `write()` that opens a write transaction,
//! its migrator, and the few fragments where the dialects differ.

/// The columns of [`crate::UserRecord`], in a form `concat!` accepts.
macro_rules! user_columns {
    () => {
        "id, email, name, is_super_admin, status, created_at, last_sign_in_at"
    };
}

/// The columns of [`crate::MemberRow`], from `organization_members m JOIN users u`.
macro_rules! member_columns {
    () => {
        "u.id AS user_id, u.name, u.email, m.role, m.status, m.joined_at, u.last_sign_in_at"
    };
}

/// A [`crate::PendingInvitation`] from `organization_members m JOIN users u`,
/// with its latest link's expiry and inviter; the caller adds `WHERE`.
macro_rules! pending_invitation_select {
    () => {
        "SELECT u.id AS user_id, u.email, m.role, m.created_at AS invited_at,
                (SELECT t.expires_at FROM tokens t
                 WHERE t.kind = 'invitation' AND t.organization_id = m.organization_id AND t.user_id = u.id
                 ORDER BY t.id DESC LIMIT 1) AS expires_at,
                (SELECT i.name FROM tokens t JOIN users i ON i.id = t.created_by
                 WHERE t.kind = 'invitation' AND t.organization_id = m.organization_id AND t.user_id = u.id
                 ORDER BY t.id DESC LIMIT 1) AS invited_by
         FROM organization_members m JOIN users u ON u.id = m.user_id"
    };
}

/// The columns of [`crate::OrganizationRecord`].
macro_rules! organization_columns {
    () => {
        "id, slug, name, status, created_at"
    };
}

/// The columns of [`crate::MembershipRecord`], from `organization_members m`
/// joined with `organizations o`.
macro_rules! membership_columns {
    () => {
        "m.organization_id, o.slug, o.name AS organization_name, o.status AS organization_status,
         m.role, m.status, m.joined_at"
    };
}

/// The columns of [`crate::OutboxRecord`].
macro_rules! outbox_columns {
    () => {
        "id, created_at, recipient, subject, body_text, body_html, status, attempts, next_attempt_at, last_error, sent_at"
    };
}

macro_rules! impl_store {
    (
        store: $store:ty,
        db: $db:ty,
        conn: $conn:ty,
        backend: $backend:expr,
        migrator: $migrator:expr,
        for_update: $for_update:literal,
        skip_locked: $skip_locked:literal,
        page_first_join: $page_first_join:literal,
        short_search_tallies: $short_search_tallies:literal,
        sign_in_day_tallies: $sign_in_day_tallies:literal $(,)?
    ) => {
        pub(crate) async fn insert_user(conn: &mut $conn, user: &NewUser, at: DateTime<Utc>) -> Result<UserRecord> {
            sqlx::query_as(concat!(
                "INSERT INTO users (email, name, password_hash, is_super_admin, created_at)
                 VALUES ($1, $2, $3, $4, $5) RETURNING ",
                user_columns!()
            ))
            .bind(user.email.as_str())
            .bind(user.name.as_str())
            .bind(&user.password_hash)
            .bind(user.is_super_admin)
            .bind(at)
            .fetch_one(conn)
            .await
            .map_err(StoreError::from_insert_user)
        }

        pub(crate) async fn audit(
            conn: &mut $conn,
            by: &Actor,
            at: DateTime<Utc>,
            action: &str,
            organization_id: Option<i64>,
            target_user_id: Option<i64>,
        ) -> Result<()> {
            audit_with_details(conn, by, at, action, organization_id, target_user_id, &serde_json::json!({})).await
        }

        /// An audit event's details for a change made with an optional reason.
        pub(crate) fn reason_details(reason: Option<&str>) -> serde_json::Value {
            match reason {
                Some(reason) => serde_json::json!({ "reason": reason }),
                None => serde_json::json!({}),
            }
        }

        /// [`audit`] with details (a JSON object) about the change.
        pub(crate) async fn audit_with_details(
            conn: &mut $conn,
            by: &Actor,
            at: DateTime<Utc>,
            action: &str,
            organization_id: Option<i64>,
            target_user_id: Option<i64>,
            details: &serde_json::Value,
        ) -> Result<()> {
            sqlx::query(
                "INSERT INTO audit_events (at, actor_user_id, actor_ip, organization_id, action, target_user_id, details)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(at)
            .bind(by.user_id)
            .bind(by.ip.as_deref())
            .bind(organization_id)
            .bind(action)
            .bind(target_user_id)
            .bind(details.to_string())
            .execute(conn)
            .await?;
            Ok(())
        }


        /// Locks the organization against concurrent membership changes and
        /// refuses to take away its last active admin: `keeps_admin` tells
        /// whether the member is still an active admin after the change.
        pub(crate) async fn guard_last_admin(
            conn: &mut $conn,
            organization_id: i64,
            user_id: i64,
            keeps_admin: bool,
        ) -> Result<MembershipRecord> {
            let locked: Option<i64> =
                sqlx::query_scalar(concat!("SELECT id FROM organizations WHERE id = $1", $for_update))
                    .bind(organization_id)
                    .fetch_optional(&mut *conn)
                    .await?;
            locked.ok_or(StoreError::NotFound)?;
            let member: MembershipRecord = sqlx::query_as(concat!(
                "SELECT ", membership_columns!(), " FROM organization_members m
                 JOIN organizations o ON o.id = m.organization_id
                 WHERE m.organization_id = $1 AND m.user_id = $2"
            ))
            .bind(organization_id)
            .bind(user_id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(StoreError::NotFound)?;
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


        /// The one-time token of `kind` with this hash, locked for the
        /// caller's transaction (SQLite: the whole database is, by the write
        /// transaction), so a concurrent redemption waits and then sees it
        /// used; refused unless it can be redeemed at `at`.
        pub(crate) async fn redeemable_token(
            conn: &mut $conn,
            kind: TokenKind,
            token_hash: &str,
            at: DateTime<Utc>,
        ) -> Result<TokenRecord> {
            let token: TokenRecord = sqlx::query_as(concat!(
                "SELECT id, user_id, organization_id, created_at, expires_at, used_at, revoked_at
                 FROM tokens WHERE kind = $1 AND token_hash = $2",
                $for_update
            ))
            .bind(kind.as_str())
            .bind(token_hash)
            .fetch_optional(conn)
            .await?
            .ok_or(StoreError::Token(TokenProblem::Unknown))?;
            token.check(at).map_err(StoreError::Token)?;
            Ok(token)
        }

        /// Ends every session of a user, inside the caller's transaction.
        pub(crate) async fn revoke_sessions(conn: &mut $conn, user_id: i64, at: DateTime<Utc>) -> Result<()> {
            sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL")
                .bind(at)
                .bind(user_id)
                .execute(conn)
                .await?;
            Ok(())
        }

        /// Writes an email to the outbox, inside the caller's transaction.
        pub(crate) async fn enqueue_email(
            conn: &mut $conn,
            organization_id: Option<i64>,
            mail: &NewEmail,
            at: DateTime<Utc>,
        ) -> Result<()> {
            sqlx::query(
                "INSERT INTO email_outbox (created_at, organization_id, recipient, subject, body_text, body_html, next_attempt_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $1)",
            )
            .bind(at)
            .bind(organization_id)
            .bind(&mail.recipient)
            .bind(&mail.subject)
            .bind(&mail.body_text)
            .bind(&mail.body_html)
            .execute(conn)
            .await?;
            Ok(())
        }

        pub(crate) async fn insert_invitation_token(
            conn: &mut $conn,
            organization_id: i64,
            user_id: i64,
            token_hash: &str,
            expires_at: DateTime<Utc>,
            by: &Actor,
            at: DateTime<Utc>,
        ) -> Result<()> {
            sqlx::query(
                "INSERT INTO tokens (kind, token_hash, user_id, organization_id, created_by, created_at, expires_at)
                 VALUES ('invitation', $1, $2, $3, $4, $5, $6)",
            )
            .bind(token_hash)
            .bind(user_id)
            .bind(organization_id)
            .bind(by.user_id)
            .bind(at)
            .bind(expires_at)
            .execute(conn)
            .await?;
            Ok(())
        }

        /// Withdraws the unused invitation links of one person to one organization.
        pub(crate) async fn revoke_invitation_tokens(
            conn: &mut $conn,
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

        /// The status of a membership, if there is one.
        pub(crate) async fn membership_status(
            conn: &mut $conn,
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
            status.map(|s| s.parse().map_err(|e: String| StoreError::Database(sqlx::Error::Decode(e.into())))).transpose()
        }


        /// The `WHERE …` of the members table for one organization and view,
        /// on `organization_members m` alone: the membership row carries the
        /// name, email and last sign-in it is searched and sorted on
        /// (migration 0002), so counting and paging need no join.
        pub(crate) fn push_member_filters(
            query: &mut sqlx::QueryBuilder<'_, $db>,
            organization_id: i64,
            view: &domain::MemberView,
            now: DateTime<Utc>,
        ) {
            query.push(" WHERE m.organization_id = ").push_bind(organization_id);
            if !view.search.is_empty() {
                let pattern = crate::like_pattern(&view.search);
                query
                    .push(" AND (m.name_key LIKE ")
                    .push_bind(pattern.clone())
                    .push(" ESCAPE '\\' OR m.email LIKE ")
                    .push_bind(pattern)
                    .push(" ESCAPE '\\')");
            }
            if let Some(role) = view.role {
                query.push(" AND m.role = ").push_bind(role.as_str());
            }
            if let Some(status) = view.status {
                query.push(" AND m.status = ").push_bind(status.as_str());
            }
            if view.sign_in == Some(domain::SignInFilter::Never) {
                query.push(" AND m.last_sign_in_at IS NULL");
            }
            if let Some(cutoff) = view.sign_in.and_then(|filter| filter.inactive_cutoff(now)) {
                query.push(" AND m.last_sign_in_at < ").push_bind(cutoff);
            }
        }

        /// How many members a view finds. Without a search, the tallies kept
        /// by migration 0005 answer from a few rows, and on PostgreSQL,
        /// those of 0007 when the view has a date cutoff; with a search of
        /// one or two characters and no cutoff, on PostgreSQL, those of
        /// 0006. Otherwise the matching rows are counted.
        pub(crate) async fn count_members(
            pool: &sqlx::Pool<$db>,
            organization_id: i64,
            view: &domain::MemberView,
            now: DateTime<Utc>,
        ) -> Result<i64> {
            let term = crate::search_term(&view.search);
            let tallies = match view.sign_in.and_then(|filter| filter.inactive_cutoff(now)) {
                Some(cutoff) => {
                    if $sign_in_day_tallies && term.is_empty() {
                        return count_signed_in_before(pool, organization_id, view, cutoff).await;
                    }
                    None
                }
                _ if term.is_empty() => Some("member_counts"),
                _ if $short_search_tallies && term.chars().count() <= 2 => Some("member_fragment_counts"),
                _ => None,
            };
            let Some(tallies) = tallies else {
                return count_rows(pool, organization_id, view, now).await;
            };
            let mut sum = sqlx::QueryBuilder::<$db>::new(format!(
                "SELECT CAST(COALESCE(SUM(members), 0) AS BIGINT) FROM {tallies} WHERE organization_id = "
            ));
            sum.push_bind(organization_id);
            if !term.is_empty() {
                sum.push(" AND fragment = ").push_bind(term);
            }
            push_role_and_status(&mut sum, view);
            if view.sign_in == Some(domain::SignInFilter::Never) {
                sum.push(" AND signed_in = ").push_bind(false);
            }
            Ok(sum.build_query_scalar().fetch_one(pool).await?)
        }

        /// How many members of an unsearched view last signed in before
        /// `cutoff`, from the tallies of migration 0007: those who ever
        /// signed in, less those whose last sign-in day is the cutoff's or
        /// later, plus those who signed in on the cutoff's day before it.
        async fn count_signed_in_before(
            pool: &sqlx::Pool<$db>,
            organization_id: i64,
            view: &domain::MemberView,
            cutoff: DateTime<Utc>,
        ) -> Result<i64> {
            let cutoff_day = cutoff.date_naive();
            let day_start = cutoff_day.and_time(chrono::NaiveTime::MIN).and_utc();
            let mut count = sqlx::QueryBuilder::<$db>::new(
                "SELECT CAST((SELECT COALESCE(SUM(members), 0) FROM member_counts WHERE signed_in AND organization_id = ",
            );
            count.push_bind(organization_id);
            push_role_and_status(&mut count, view);
            count
                .push(") - (SELECT COALESCE(SUM(members), 0) FROM member_sign_in_days WHERE organization_id = ")
                .push_bind(organization_id)
                .push(" AND day >= ")
                .push_bind(cutoff_day);
            push_role_and_status(&mut count, view);
            count
                .push(") + (SELECT COUNT(*) FROM organization_members WHERE organization_id = ")
                .push_bind(organization_id)
                .push(" AND last_sign_in_at >= ")
                .push_bind(day_start)
                .push(" AND last_sign_in_at < ")
                .push_bind(cutoff);
            push_role_and_status(&mut count, view);
            count.push(") AS BIGINT)");
            Ok(count.build_query_scalar().fetch_one(pool).await?)
        }

        /// ` AND role = … AND status = …`, as the view filters them, for a
        /// query on one table (unqualified columns).
        fn push_role_and_status(query: &mut sqlx::QueryBuilder<'_, $db>, view: &domain::MemberView) {
            if let Some(role) = view.role {
                query.push(" AND role = ").push_bind(role.as_str());
            }
            if let Some(status) = view.status {
                query.push(" AND status = ").push_bind(status.as_str());
            }
        }

        /// How many members a view finds, counted row by row.
        pub(crate) async fn count_rows(
            pool: &sqlx::Pool<$db>,
            organization_id: i64,
            view: &domain::MemberView,
            now: DateTime<Utc>,
        ) -> Result<i64> {
            let mut count = sqlx::QueryBuilder::<$db>::new("SELECT COUNT(*) FROM organization_members m");
            push_member_filters(&mut count, organization_id, view, now);
            Ok(count.build_query_scalar().fetch_one(pool).await?)
        }

        /// The rows of one page of a view: their ids first, from an index
        /// alone, read from the nearer end of the list; then the 25 or so
        /// rows they name, in the view's order.
        pub(crate) async fn member_page(
            pool: &sqlx::Pool<$db>,
            organization_id: i64,
            view: &domain::MemberView,
            now: DateTime<Utc>,
            window: crate::paging::PageWindow,
        ) -> Result<Vec<MemberRow>> {
            if window.is_empty() {
                return Ok(Vec::new());
            }
            let reversed = domain::MemberView { descending: !view.descending, ..view.clone() };
            let mut rows = sqlx::QueryBuilder::<$db>::new(concat!(
                "SELECT ", member_columns!(), " FROM (SELECT m.user_id FROM organization_members m",
            ));
            push_member_filters(&mut rows, organization_id, view, now);
            push_member_order(&mut rows, if window.from_end { &reversed } else { view });
            rows.push(" LIMIT ")
                .push_bind(window.limit)
                .push(" OFFSET ")
                .push_bind(window.offset)
                .push(concat!(") page ", $page_first_join, " organization_members m ON m.organization_id = "))
                .push_bind(organization_id)
                .push(" AND m.user_id = page.user_id JOIN users u ON u.id = page.user_id");
            push_member_order(&mut rows, view);
            Ok(rows.build_query_as().fetch_all(pool).await?)
        }

        /// The `ORDER BY` of the members table: the chosen column, then the
        /// user id, both in one direction so one index serves each order.
        /// A missing date counts as the oldest (never signed in, not yet
        /// joined). Roles sort by rank, which is reverse alphabetical.
        pub(crate) fn push_member_order(query: &mut sqlx::QueryBuilder<'_, $db>, view: &domain::MemberView) {
            // (column, whether its natural order is the reverse of the view's)
            let (column, reversed) = match view.sort {
                domain::MemberSort::Name => ("m.name_key", false),
                domain::MemberSort::Email => ("m.email", false),
                domain::MemberSort::Role => ("m.role", true),
                domain::MemberSort::Joined => ("m.joined_at", false),
                domain::MemberSort::LastSignIn => ("m.last_sign_in_at", false),
            };
            let descending = view.descending != reversed;
            let direction = if descending { "DESC" } else { "ASC" };
            // Spelled out for PostgreSQL, which otherwise puts NULL last going up.
            let nulls = match (view.sort, descending) {
                (domain::MemberSort::Joined | domain::MemberSort::LastSignIn, false) => " NULLS FIRST",
                (domain::MemberSort::Joined | domain::MemberSort::LastSignIn, true) => " NULLS LAST",
                _ => "",
            };
            query.push(format_args!(" ORDER BY {column} {direction}{nulls}, m.user_id {direction}"));
        }

        #[async_trait]
        impl Store for $store {
            fn backend(&self) -> Backend {
                $backend
            }

            async fn migrate(&self) -> Result<()> {
                $migrator.run(&self.pool).await?;
                Ok(())
            }

            async fn ping(&self) -> Result<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn super_admin_exists(&self) -> Result<bool> {
                Ok(sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE is_super_admin)")
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn create_user(&self, user: NewUser, by: Actor, at: DateTime<Utc>) -> Result<UserRecord> {
                let mut tx = self.write().await?;
                let created = insert_user(&mut tx, &user, at).await?;
                audit(&mut tx, &by, at, action::USER_CREATED, None, Some(created.id)).await?;
                tx.commit().await?;
                Ok(created)
            }

            async fn find_user(&self, id: i64) -> Result<Option<UserRecord>> {
                Ok(sqlx::query_as(concat!("SELECT ", user_columns!(), " FROM users WHERE id = $1"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn replace_setup_token(
                &self,
                token_hash: &str,
                at: DateTime<Utc>,
                expires_at: DateTime<Utc>,
            ) -> Result<()> {
                let mut tx = self.write().await?;
                sqlx::query("UPDATE tokens SET revoked_at = $1 WHERE kind = 'setup' AND used_at IS NULL AND revoked_at IS NULL")
                    .bind(at)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("INSERT INTO tokens (kind, token_hash, created_at, expires_at) VALUES ('setup', $1, $2, $3)")
                    .bind(token_hash)
                    .bind(at)
                    .bind(expires_at)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn find_token(&self, kind: TokenKind, token_hash: &str) -> Result<Option<TokenRecord>> {
                Ok(sqlx::query_as(
                    "SELECT id, user_id, organization_id, created_at, expires_at, used_at, revoked_at
                     FROM tokens WHERE kind = $1 AND token_hash = $2",
                )
                .bind(kind.as_str())
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn complete_setup(
                &self,
                token_hash: &str,
                user: NewUser,
                by: Actor,
                at: DateTime<Utc>,
            ) -> Result<UserRecord> {
                let mut tx = self.write().await?;
                let token = redeemable_token(&mut tx, TokenKind::Setup, token_hash, at).await?;
                let done: bool = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE is_super_admin)")
                    .fetch_one(&mut *tx)
                    .await?;
                if done {
                    return Err(StoreError::SetupDone);
                }
                let created = insert_user(&mut tx, &user, at).await?;
                sqlx::query("UPDATE tokens SET used_at = $1, user_id = $2 WHERE id = $3")
                    .bind(at)
                    .bind(created.id)
                    .bind(token.id)
                    .execute(&mut *tx)
                    .await?;
                let by = Actor { user_id: Some(created.id), ..by };
                audit(&mut tx, &by, at, action::SETUP_COMPLETED, None, Some(created.id)).await?;
                tx.commit().await?;
                Ok(created)
            }

            async fn find_sign_in(&self, email: &Email) -> Result<Option<SignInRecord>> {
                Ok(sqlx::query_as("SELECT id, password_hash, status FROM users WHERE email = $1")
                    .bind(email.as_str())
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn record_sign_in(&self, session: NewSession, by: Actor) -> Result<()> {
                let mut tx = self.write().await?;
                sqlx::query(
                    "INSERT INTO sessions (user_id, token_hash, created_at, last_seen_at, expires_at, ip, user_agent)
                     VALUES ($1, $2, $3, $3, $4, $5, $6)",
                )
                .bind(session.user_id)
                .bind(&session.token_hash)
                .bind(session.created_at)
                .bind(session.expires_at)
                .bind(session.ip.as_deref())
                .bind(session.user_agent.as_deref())
                .execute(&mut *tx)
                .await?;
                sqlx::query("UPDATE users SET last_sign_in_at = $1 WHERE id = $2")
                    .bind(session.created_at)
                    .bind(session.user_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO sign_in_attempts (user_id, at, outcome, ip, user_agent)
                     VALUES ($1, $2, 'succeeded', $3, $4)",
                )
                .bind(session.user_id)
                .bind(session.created_at)
                .bind(session.ip.as_deref())
                .bind(session.user_agent.as_deref())
                .execute(&mut *tx)
                .await?;
                audit(&mut tx, &by, session.created_at, action::SIGNED_IN, None, Some(session.user_id)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn change_password(
                &self,
                user_id: i64,
                password_hash: &str,
                keep_session: i64,
                by: Actor,
                at: DateTime<Utc>,
            ) -> Result<()> {
                let mut tx = self.write().await?;
                let changed = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2 AND status = 'active'")
                    .bind(password_hash)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                if changed == 0 {
                    return Err(StoreError::NotFound);
                }
                // Whoever else holds a session may be who the new password
                // is meant to lock out.
                sqlx::query("UPDATE sessions SET revoked_at = $1 WHERE user_id = $2 AND id <> $3 AND revoked_at IS NULL")
                    .bind(at)
                    .bind(user_id)
                    .bind(keep_session)
                    .execute(&mut *tx)
                    .await?;
                audit(&mut tx, &by, at, action::PASSWORD_CHANGED, None, Some(user_id)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn rename_user(&self, user_id: i64, name: &DisplayName, by: Actor, at: DateTime<Utc>) -> Result<()> {
                let mut tx = self.write().await?;
                let previous: Option<String> = sqlx::query_scalar(concat!("SELECT name FROM users WHERE id = $1", $for_update))
                    .bind(user_id)
                    .fetch_optional(&mut *tx)
                    .await?;
                let previous = previous.ok_or(StoreError::NotFound)?;
                if previous == name.as_str() {
                    return Ok(());
                }
                sqlx::query("UPDATE users SET name = $1 WHERE id = $2")
                    .bind(name.as_str())
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                let details = serde_json::json!({ "from": previous, "to": name.as_str() });
                audit_with_details(&mut tx, &by, at, action::USER_RENAMED, None, Some(user_id), &details).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn find_session(&self, token_hash: &str) -> Result<Option<SessionRecord>> {
                let row: Option<SessionRow> = sqlx::query_as(
                    "SELECT s.id AS session_id, s.created_at AS session_created_at, s.last_seen_at,
                            s.expires_at, s.revoked_at,
                            u.id, u.email, u.name, u.is_super_admin, u.status, u.created_at, u.last_sign_in_at
                     FROM sessions s JOIN users u ON u.id = s.user_id
                     WHERE s.token_hash = $1",
                )
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
                Ok(row.map(SessionRecord::from))
            }

            async fn touch_session(&self, session_id: i64, at: DateTime<Utc>) -> Result<()> {
                sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2 AND last_seen_at < $1")
                    .bind(at)
                    .bind(session_id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn end_session(&self, session_id: i64, by: Actor, at: DateTime<Utc>) -> Result<()> {
                let mut tx = self.write().await?;
                let user_id: Option<i64> = sqlx::query_scalar(
                    "UPDATE sessions SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING user_id",
                )
                .bind(at)
                .bind(session_id)
                .fetch_optional(&mut *tx)
                .await?;
                if let Some(user_id) = user_id {
                    audit(&mut tx, &by, at, action::SIGNED_OUT, None, Some(user_id)).await?;
                }
                tx.commit().await?;
                Ok(())
            }

            async fn set_account_status(
                &self,
                user_id: i64,
                status: AccountStatus,
                reason: Option<&str>,
                by: Actor,
                at: DateTime<Utc>,
            ) -> Result<()> {
                let mut tx = self.write().await?;
                let changed = sqlx::query("UPDATE users SET status = $1 WHERE id = $2")
                    .bind(status.as_str())
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                if changed.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                let action = match status {
                    AccountStatus::Suspended => {
                        revoke_sessions(&mut tx, user_id, at).await?;
                        action::ACCOUNT_SUSPENDED
                    }
                    AccountStatus::Active => action::ACCOUNT_REACTIVATED,
                };
                audit_with_details(&mut tx, &by, at, action, None, Some(user_id), &reason_details(reason)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn take_rate_limit_many(
                &self,
                bucket: &str,
                count: i64,
                limit: i64,
                since: DateTime<Utc>,
                at: DateTime<Utc>,
            ) -> Result<bool> {
                let mut tx = self.write().await?;
                // Concurrent requests in one bucket queue here, so none is
                // counted against a stale total.
                Self::lock_bucket(&mut tx, bucket).await?;
                let counted: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM rate_limit_hits WHERE bucket = $1 AND at > $2")
                        .bind(bucket)
                        .bind(since)
                        .fetch_one(&mut *tx)
                        .await?;
                if counted.saturating_add(count) > limit {
                    return Ok(false);
                }
                sqlx::query("DELETE FROM rate_limit_hits WHERE bucket = $1 AND at <= $2")
                    .bind(bucket)
                    .bind(since)
                    .execute(&mut *tx)
                    .await?;
                for _ in 0..count {
                    sqlx::query("INSERT INTO rate_limit_hits (bucket, at) VALUES ($1, $2)")
                        .bind(bucket)
                        .bind(at)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn rate_limit_hits(&self, bucket: &str, since: DateTime<Utc>) -> Result<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM rate_limit_hits WHERE bucket = $1 AND at > $2")
                    .bind(bucket)
                    .bind(since)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn issue_password_reset(&self, reset: NewPasswordReset, by: Actor, at: DateTime<Utc>) -> Result<()> {
                let mut tx = self.write().await?;
                // Only the newest link works: an older email may sit in a
                // mailbox someone else can read.
                sqlx::query(
                    "UPDATE tokens SET revoked_at = $1
                     WHERE user_id = $2 AND kind = 'password_reset' AND used_at IS NULL AND revoked_at IS NULL",
                )
                .bind(at)
                .bind(reset.user_id)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "INSERT INTO tokens (kind, token_hash, user_id, organization_id, created_by, created_at, expires_at)
                     VALUES ('password_reset', $1, $2, $3, $4, $5, $6)",
                )
                .bind(&reset.token_hash)
                .bind(reset.user_id)
                .bind(reset.organization_id)
                .bind(by.user_id)
                .bind(at)
                .bind(reset.expires_at)
                .execute(&mut *tx)
                .await?;
                enqueue_email(&mut tx, reset.organization_id, &reset.mail, at).await?;
                audit(&mut tx, &by, at, action::PASSWORD_RESET_SENT, reset.organization_id, Some(reset.user_id)).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn reset_password(
                &self,
                token_hash: &str,
                password_hash: &str,
                by: Actor,
                at: DateTime<Utc>,
            ) -> Result<i64> {
                let mut tx = self.write().await?;
                let token = redeemable_token(&mut tx, TokenKind::PasswordReset, token_hash, at).await?;
                let user_id = token.user_id.ok_or(StoreError::Token(TokenProblem::Unknown))?;
                let status: String = sqlx::query_scalar("SELECT status FROM users WHERE id = $1")
                    .bind(user_id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::Token(TokenProblem::Unknown))?;
                if status != AccountStatus::Active.as_str() {
                    return Err(StoreError::AccountSuspended);
                }
                sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
                    .bind(password_hash)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("UPDATE tokens SET used_at = $1 WHERE id = $2")
                    .bind(at)
                    .bind(token.id)
                    .execute(&mut *tx)
                    .await?;
                // Whoever knew the old password is signed out everywhere.
                revoke_sessions(&mut tx, user_id, at).await?;
                let by = Actor { user_id: Some(user_id), ..by };
                audit(&mut tx, &by, at, action::PASSWORD_RESET_COMPLETED, None, Some(user_id)).await?;
                tx.commit().await?;
                Ok(user_id)
            }

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
                    "SELECT ", organization_columns!(), ",
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

            async fn list_accounts(&self, search: &str, limit: i64, offset: i64) -> Result<Page<AccountSummary>> {
                let pattern = crate::like_pattern(search);
                let total: i64 = sqlx::query_scalar(
                    "SELECT COUNT(*) FROM users WHERE lower(name) LIKE $1 ESCAPE '\\' OR email LIKE $1 ESCAPE '\\'",
                )
                .bind(&pattern)
                .fetch_one(&self.pool)
                .await?;
                let users: Vec<UserRecord> = sqlx::query_as(concat!(
                    "SELECT ", user_columns!(), " FROM users
                     WHERE lower(name) LIKE $1 ESCAPE '\\' OR email LIKE $1 ESCAPE '\\'
                     ORDER BY lower(name), email, id LIMIT $2 OFFSET $3"
                ))
                .bind(&pattern)
                .bind(limit)
                .bind(offset)
                .fetch_all(&self.pool)
                .await?;
                let mut items = Vec::with_capacity(users.len());
                for user in users {
                    let memberships = self.memberships_of(user.id).await?;
                    items.push(AccountSummary { user, memberships });
                }
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
                let renamed = sqlx::query("UPDATE organizations SET name = $1 WHERE id = $2")
                    .bind(name.as_str())
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                if renamed.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                audit(&mut tx, &by, at, action::ORGANIZATION_RENAMED, Some(id), None).await?;
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
                    OrganizationStatus::Suspended => action::ORGANIZATION_SUSPENDED,
                };
                audit(&mut tx, &by, at, action, Some(id), None).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn memberships_of(&self, user_id: i64) -> Result<Vec<MembershipRecord>> {
                Ok(sqlx::query_as(concat!(
                    "SELECT ", membership_columns!(), " FROM organization_members m
                     JOIN organizations o ON o.id = m.organization_id
                     WHERE m.user_id = $1 ORDER BY lower(o.name), o.id"
                ))
                .bind(user_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn find_subject(&self, user_id: i64) -> Result<Option<SubjectRecord>> {
                let user: Option<(i64, bool)> = sqlx::query_as("SELECT id, is_super_admin FROM users WHERE id = $1")
                    .bind(user_id)
                    .fetch_optional(&self.pool)
                    .await?;
                let Some((user_id, is_super_admin)) = user else {
                    return Ok(None);
                };
                let organization_ids =
                    sqlx::query_scalar("SELECT organization_id FROM organization_members WHERE user_id = $1")
                        .bind(user_id)
                        .fetch_all(&self.pool)
                        .await?;
                Ok(Some(SubjectRecord { user_id, is_super_admin, organization_ids }))
            }

            async fn find_membership(&self, organization_id: i64, user_id: i64) -> Result<Option<MembershipRecord>> {
                Ok(sqlx::query_as(concat!(
                    "SELECT ", membership_columns!(), " FROM organization_members m
                     JOIN organizations o ON o.id = m.organization_id
                     WHERE m.organization_id = $1 AND m.user_id = $2"
                ))
                .bind(organization_id)
                .bind(user_id)
                .fetch_optional(&self.pool)
                .await?)
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
                sqlx::query("UPDATE organization_members SET role = $1 WHERE organization_id = $2 AND user_id = $3")
                    .bind(role.as_str())
                    .bind(organization_id)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                let details = serde_json::json!({ "role": role.as_str() });
                audit_with_details(&mut tx, &by, at, action::MEMBER_ROLE_CHANGED, Some(organization_id), Some(user_id), &details)
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
                sqlx::query("UPDATE organization_members SET status = $1 WHERE organization_id = $2 AND user_id = $3")
                    .bind(status.as_str())
                    .bind(organization_id)
                    .bind(user_id)
                    .execute(&mut *tx)
                    .await?;
                let action = match status {
                    MembershipStatus::Suspended => {
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
                audit_with_details(&mut tx, &by, at, action, Some(organization_id), Some(user_id), &reason_details(reason))
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

            async fn delete_account(&self, deletion: AccountDeletion, by: Actor, at: DateTime<Utc>) -> Result<()> {
                let AccountDeletion { user_id, confined_to, with_data } = deletion;
                let mut tx = self.write().await?;
                let email: String = sqlx::query_scalar(concat!("SELECT email FROM users WHERE id = $1", $for_update))
                    .bind(user_id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .ok_or(StoreError::NotFound)?;
                let mut organization_ids: Vec<i64> =
                    sqlx::query_scalar("SELECT organization_id FROM organization_members WHERE user_id = $1")
                        .bind(user_id)
                        .fetch_all(&mut *tx)
                        .await?;
                // Locked in one order, so two deletions cannot deadlock.
                organization_ids.sort_unstable();
                for &organization_id in &organization_ids {
                    guard_last_admin(&mut tx, organization_id, user_id, false).await?;
                }
                // Checked again under the locks: an org admin may delete only
                // someone who belongs to their organization alone.
                if let Some(only) = confined_to {
                    if organization_ids.iter().any(|&id| id != only) {
                        return Err(StoreError::BelongsElsewhere);
                    }
                }
                audit_with_details(
                    &mut tx,
                    &by,
                    at,
                    action::ACCOUNT_DELETED,
                    confined_to,
                    Some(user_id),
                    &serde_json::json!({ "with_data": with_data }),
                )
                .await?;
                // Mail not yet sent would go to an account that is gone.
                sqlx::query("DELETE FROM email_outbox WHERE recipient = $1 AND status = 'queued'")
                    .bind(&email)
                    .execute(&mut *tx)
                    .await?;
                if with_data {
                    // Also what others' records say of them: the emails sent
                    // to them, where their actions came from, and the notes
                    // (reasons) written about them.
                    sqlx::query("DELETE FROM email_outbox WHERE recipient = $1")
                        .bind(&email)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query("UPDATE audit_events SET actor_ip = NULL WHERE actor_user_id = $1")
                        .bind(user_id)
                        .execute(&mut *tx)
                        .await?;
                    sqlx::query("UPDATE audit_events SET details = '{}' WHERE target_user_id = $1 AND action <> $2")
                        .bind(user_id)
                        .bind(action::ACCOUNT_DELETED)
                        .execute(&mut *tx)
                        .await?;
                    // Buckets about a person end in ":<their address>".
                    sqlx::query(
                        "DELETE FROM rate_limit_hits WHERE substr(bucket, length(bucket) - length($1) + 1) = $1",
                    )
                    .bind(format!(":{email}"))
                        .execute(&mut *tx)
                        .await?;
                }
                // Memberships, sessions (the sign-in history) and tokens go
                // with the account (ON DELETE CASCADE); audit events keep
                // what happened but no longer say to whom or by whom
                // (ON DELETE SET NULL).
                sqlx::query("DELETE FROM users WHERE id = $1").bind(user_id).execute(&mut *tx).await?;
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
                // The first page needs no total to be found, so both queries
                // run at once: a new search or filter always lands there.
                if view.page <= 1 {
                    let window = crate::paging::PageWindow::first(page_size);
                    let (total, items) = tokio::try_join!(
                        count_members(&self.pool, organization_id, view, now),
                        member_page(&self.pool, organization_id, view, now, window),
                    )?;
                    return Ok(MemberPage { items, total, page: 1 });
                }
                let total = count_members(&self.pool, organization_id, view, now).await?;
                let last_page = u32::try_from(((total + page_size - 1) / page_size).max(1)).unwrap_or(u32::MAX);
                let page = view.page.clamp(1, last_page);
                let window = crate::paging::PageWindow::new(total, page, page_size);
                let items = member_page(&self.pool, organization_id, view, now, window).await?;
                Ok(MemberPage { items, total, page })
            }

            fn stream_members(&self, organization_id: i64, view: domain::MemberView, now: DateTime<Utc>) -> MemberStream {
                // The query runs in its own task, which owns what it needs; a
                // small channel paces it to the reader.
                let pool = self.pool.clone();
                let (rows_out, rows_in) = tokio::sync::mpsc::channel(256);
                tokio::spawn(async move {
                    use futures::StreamExt;
                    let mut query = sqlx::QueryBuilder::<$db>::new(concat!(
                        "SELECT ", member_columns!(), " FROM organization_members m JOIN users u ON u.id = m.user_id",
                    ));
                    push_member_filters(&mut query, organization_id, &view, now);
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
                insert_invitation_token(&mut tx, organization_id, user_id, &invitation.token_hash, invitation.expires_at, &by, at)
                    .await?;
                enqueue_email(&mut tx, Some(organization_id), &invitation.mail, at).await?;
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

            async fn pending_invitation(&self, organization_id: i64, user_id: i64) -> Result<Option<PendingInvitation>> {
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
                insert_invitation_token(&mut tx, organization_id, user_id, &invitation.token_hash, invitation.expires_at, &by, at)
                    .await?;
                enqueue_email(&mut tx, Some(organization_id), &invitation.mail, at).await?;
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
                sqlx::query("UPDATE tokens SET used_at = $1 WHERE id = $2").bind(at).bind(token.id).execute(&mut *tx).await?;
                let by = Actor { user_id: Some(user_id), ..by };
                audit(&mut tx, &by, at, action::INVITATION_ACCEPTED, Some(organization_id), Some(user_id)).await?;
                let organization_slug: String = sqlx::query_scalar("SELECT slug FROM organizations WHERE id = $1")
                    .bind(organization_id)
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(AcceptedInvitation { user_id, organization_slug })
            }

            async fn claim_due_emails(
                &self,
                now: DateTime<Utc>,
                lease_until: DateTime<Utc>,
                limit: i64,
            ) -> Result<Vec<OutboxRecord>> {
                let mut tx = self.write().await?;
                let claimed = sqlx::query_as(concat!(
                    "UPDATE email_outbox SET attempts = attempts + 1, next_attempt_at = $2
                     WHERE id IN (SELECT id FROM email_outbox
                                  WHERE status = 'queued' AND next_attempt_at <= $1
                                  ORDER BY next_attempt_at, id LIMIT $3", $skip_locked, ")
                     RETURNING ", outbox_columns!()
                ))
                .bind(now)
                .bind(lease_until)
                .bind(limit)
                .fetch_all(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(claimed)
            }

            async fn mark_email_sent(&self, id: i64, at: DateTime<Utc>) -> Result<()> {
                sqlx::query("UPDATE email_outbox SET status = 'sent', sent_at = $1, last_error = NULL WHERE id = $2")
                    .bind(at)
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn mark_email_failed(&self, id: i64, error: &str, retry_at: Option<DateTime<Utc>>) -> Result<()> {
                let status = if retry_at.is_some() { OutboxStatus::Queued } else { OutboxStatus::Failed };
                sqlx::query(
                    "UPDATE email_outbox SET status = $1, last_error = $2,
                            next_attempt_at = COALESCE($3, next_attempt_at)
                     WHERE id = $4",
                )
                .bind(status.as_str())
                .bind(error)
                .bind(retry_at)
                .bind(id)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn list_outbox(&self, limit: i64, offset: i64) -> Result<Page<OutboxRecord>> {
                let total: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM email_outbox").fetch_one(&self.pool).await?;
                let items = sqlx::query_as(concat!(
                    "SELECT ", outbox_columns!(), " FROM email_outbox ORDER BY id DESC LIMIT $1 OFFSET $2"
                ))
                .bind(limit)
                .bind(offset)
                .fetch_all(&self.pool)
                .await?;
                Ok(Page { items, total })
            }

            async fn retry_email(&self, id: i64, by: Actor, at: DateTime<Utc>) -> Result<()> {
                let mut tx = self.write().await?;
                let queued = sqlx::query(
                    "UPDATE email_outbox SET status = 'queued', next_attempt_at = $1 WHERE id = $2 AND status = 'failed'",
                )
                .bind(at)
                .bind(id)
                .execute(&mut *tx)
                .await?;
                if queued.rows_affected() == 0 {
                    return Err(StoreError::NotFound);
                }
                audit(&mut tx, &by, at, action::EMAIL_RETRIED, None, None).await?;
                tx.commit().await?;
                Ok(())
            }

            async fn seed_members(
                &self,
                organization_id: i64,
                people: &[SeedMember],
                by: Actor,
                at: DateTime<Utc>,
            ) -> Result<u64> {
                // 8 values a person: 500 a statement stays under both
                // databases' limits on bound values.
                const BATCH: usize = 500;
                let mut tx = self.write().await?;
                for batch in people.chunks(BATCH) {
                    let mut users = sqlx::QueryBuilder::<$db>::new(
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
                    let mut members = sqlx::QueryBuilder::<$db>::new(
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

            async fn recent_audit_events(&self, limit: i64) -> Result<Vec<AuditRecord>> {
                Ok(sqlx::query_as(
                    "SELECT id, at, actor_user_id, actor_ip, organization_id, action, target_user_id, details
                     FROM audit_events ORDER BY id DESC LIMIT $1",
                )
                .bind(limit)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn session_token_hashes(&self, user_id: i64) -> Result<Vec<String>> {
                Ok(sqlx::query_scalar("SELECT token_hash FROM sessions WHERE user_id = $1 ORDER BY id DESC")
                    .bind(user_id)
                    .fetch_all(&self.pool)
                    .await?)
            }
        }
    };
}
