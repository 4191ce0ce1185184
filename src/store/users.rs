//! Accounts, memberships, sessions, login throttling and invites.
//! Tokens arrive here already hashed: this module never sees a raw session or invite token.

use super::{Actor, StoreError, StoreResult};
use crate::domain::forms::{InviteDraft, SignupDraft};
use crate::domain::records::{Choice, InviteInfo, Member, PendingInvite, Team, TeamMember};
use crate::domain::{InviteRole, Role};
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

/// A user's credentials, for checking a password at login.
#[derive(sqlx::FromRow)]
pub struct Credentials {
    pub user_id: i64,
    pub password_hash: String,
}

pub async fn credentials(pool: &PgPool, email: &str) -> StoreResult<Option<Credentials>> {
    Ok(sqlx::query_as("select id as user_id, password_hash from users where lower(email) = lower($1)")
        .bind(email)
        .fetch_optional(pool)
        .await?)
}

/// The venue a user's session opens in: their oldest membership.
pub async fn default_venue(pool: &PgPool, user_id: i64) -> StoreResult<Option<i64>> {
    Ok(sqlx::query_scalar("select venue_id from memberships where user_id = $1 order by created_at, id limit 1")
        .bind(user_id)
        .fetch_optional(pool)
        .await?)
}

/// Failed attempts in the last `window_minutes` for this email, and from this address.
pub async fn recent_failures(
    pool: &PgPool,
    email: &str,
    remote_addr: &str,
    window_minutes: i32,
) -> StoreResult<(i64, i64)> {
    let row: (i64, i64) = sqlx::query_as(
        "select
            count(*) filter (where lower(email) = lower($1)),
            count(*) filter (where remote_addr = $2 and $2 <> '')
         from login_attempts
         where not succeeded and attempted_at > now() - make_interval(mins => $3)",
    )
    .bind(email)
    .bind(remote_addr)
    .bind(window_minutes)
    .fetch_one(pool)
    .await?;
    Ok(row)
}

/// Records an attempt as failed before the password is checked, so concurrent guesses all count
/// against the limit; [`attempt_succeeded`] turns it into a success afterwards. Returns its id.
pub async fn begin_attempt(pool: &PgPool, email: &str, remote_addr: &str) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "insert into login_attempts (email, remote_addr, succeeded) values (left($1, 254), $2, false) returning id",
    )
    .bind(email)
    .bind(remote_addr)
    .fetch_one(pool)
    .await?)
}

/// Marks the attempt a success and clears that email's earlier failures.
pub async fn attempt_succeeded(pool: &PgPool, attempt_id: i64, email: &str) -> StoreResult<()> {
    sqlx::query("update login_attempts set succeeded = true where id = $1").bind(attempt_id).execute(pool).await?;
    sqlx::query("delete from login_attempts where lower(email) = lower($1) and not succeeded")
        .bind(email)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn create_session(
    pool: &PgPool,
    token_hash: &[u8],
    user_id: i64,
    venue_id: i64,
    expires_at: DateTime<Utc>,
) -> StoreResult<()> {
    sqlx::query("insert into sessions (token_hash, user_id, venue_id, expires_at) values ($1, $2, $3, $4)")
        .bind(token_hash)
        .bind(user_id)
        .bind(venue_id)
        .bind(expires_at)
        .execute(pool)
        .await?;
    Ok(())
}

pub async fn delete_session(pool: &PgPool, token_hash: &[u8]) -> StoreResult<()> {
    sqlx::query("delete from sessions where token_hash = $1").bind(token_hash).execute(pool).await?;
    Ok(())
}

/// The person's password hash (to check the current password before a change).
pub async fn password_hash(pool: &PgPool, user_id: i64) -> StoreResult<String> {
    sqlx::query_scalar("select password_hash from users where id = $1")
        .bind(user_id)
        .fetch_optional(pool)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Sets a new password and ends the person's other sessions (every device but the one that
/// changed it). Returns the ended sessions' hashes, for the session cache.
pub async fn set_password(pool: &PgPool, user_id: i64, hash: &str, keep: &[u8]) -> StoreResult<Vec<Vec<u8>>> {
    let mut tx = pool.begin().await?;
    sqlx::query("update users set password_hash = $2 where id = $1").bind(user_id).bind(hash).execute(&mut *tx).await?;
    let ended = sqlx::query_scalar(
        "delete from sessions where user_id = $1 and token_hash <> $2 and embed_token_id is null returning token_hash",
    )
    .bind(user_id)
    .bind(keep)
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(ended)
}

/// Ends every session the person logged in with, on every device ("log out everywhere").
/// Embed sessions are the embed tokens' (revoked with them). Returns the ended hashes.
pub async fn end_sessions(pool: &PgPool, user_id: i64) -> StoreResult<Vec<Vec<u8>>> {
    Ok(sqlx::query_scalar("delete from sessions where user_id = $1 and embed_token_id is null returning token_hash")
        .bind(user_id)
        .fetch_all(pool)
        .await?)
}

/// Removes a member from the owner's venue: the membership, their sessions there, their
/// calendar feeds and the embed tokens that act as them end at once; the client or vendor record
/// they spoke for is unlinked (it can be invited again); what they wrote stays. An owner cannot
/// remove themselves. Returns the ended sessions' hashes.
pub async fn remove_member(pool: &PgPool, actor: &Actor, user_id: i64) -> StoreResult<Vec<Vec<u8>>> {
    if actor.role != Role::Owner {
        return Err(StoreError::Forbidden);
    }
    if user_id == actor.user_id {
        return Err(StoreError::Conflict("You cannot remove yourself.".into()));
    }
    let mut tx = pool.begin().await?;
    let removed = sqlx::query("delete from memberships where user_id = $1 and venue_id = $2")
        .bind(user_id)
        .bind(actor.venue_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if removed == 0 {
        return Err(StoreError::NotFound);
    }
    let ended = sqlx::query_scalar("delete from sessions where user_id = $1 and venue_id = $2 returning token_hash")
        .bind(user_id)
        .bind(actor.venue_id)
        .fetch_all(&mut *tx)
        .await?;
    sqlx::query(
        "update calendar_feeds set revoked_at = now() where user_id = $1 and venue_id = $2 and revoked_at is null",
    )
    .bind(user_id)
    .bind(actor.venue_id)
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "update embed_tokens set revoked_at = now() where user_id = $1 and venue_id = $2 and revoked_at is null",
    )
    .bind(user_id)
    .bind(actor.venue_id)
    .execute(&mut *tx)
    .await?;
    for table in ["clients", "vendors"] {
        sqlx::query(&format!("update {table} set user_id = null where user_id = $1 and venue_id = $2"))
            .bind(user_id)
            .bind(actor.venue_id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(ended)
}

#[derive(sqlx::FromRow)]
struct ActorRow {
    user_id: i64,
    venue_id: i64,
    role: String,
    name: String,
    email: String,
    venue_name: String,
    client_id: Option<i64>,
    vendor_id: Option<i64>,
}

impl ActorRow {
    fn into_actor(self) -> Option<Actor> {
        Some(Actor {
            user_id: self.user_id,
            venue_id: self.venue_id,
            role: self.role.parse().ok()?,
            name: self.name,
            email: self.email,
            venue_name: self.venue_name,
            client_id: self.client_id,
            vendor_id: self.vendor_id,
        })
    }
}

/// Resolves a member's live session to its actor. Sessions live a fixed time from login (the
/// cookie's `Max-Age` says the same), so the browser and the database always agree. This runs on
/// every request: it reads, and writes `last_seen_at` only when that is over five minutes old.
/// A session an embed token opened is never one of these (see `embed::session`).
pub async fn actor_for_session(pool: &PgPool, token_hash: &[u8]) -> StoreResult<Option<Actor>> {
    let row: Option<ActorRow> = sqlx::query_as(
        "with s as (
            select user_id, venue_id from sessions
             where token_hash = $1 and expires_at > now() and embed_token_id is null
         ), touched as (
            update sessions set last_seen_at = now()
             where token_hash = $1 and expires_at > now() and last_seen_at < now() - interval '5 minutes'
         )
         select u.id as user_id, m.venue_id, m.role, u.name, u.email, v.name as venue_name,
                (select c.id from clients c where c.venue_id = m.venue_id and c.user_id = u.id) as client_id,
                (select vd.id from vendors vd where vd.venue_id = m.venue_id and vd.user_id = u.id) as vendor_id
           from s
           join users u on u.id = s.user_id
           join memberships m on m.user_id = s.user_id and m.venue_id = s.venue_id
           join venues v on v.id = m.venue_id",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(ActorRow::into_actor))
}

/// A member as an actor, by user and venue (for work done on their behalf after the request
/// that started it: an agent continuing once the venue approved its action).
pub async fn actor_for_member(pool: &PgPool, user_id: i64, venue_id: i64) -> StoreResult<Option<Actor>> {
    let row: Option<ActorRow> = sqlx::query_as(
        "select u.id as user_id, m.venue_id, m.role, u.name, u.email, v.name as venue_name,
                (select c.id from clients c where c.venue_id = m.venue_id and c.user_id = u.id) as client_id,
                (select vd.id from vendors vd where vd.venue_id = m.venue_id and vd.user_id = u.id) as vendor_id
           from memberships m
           join users u on u.id = m.user_id
           join venues v on v.id = m.venue_id
          where m.user_id = $1 and m.venue_id = $2",
    )
    .bind(user_id)
    .bind(venue_id)
    .fetch_optional(pool)
    .await?;
    Ok(row.and_then(ActorRow::into_actor))
}

/// Removes sessions past their expiry; run periodically.
pub async fn purge_expired(pool: &PgPool) -> StoreResult<u64> {
    let sessions = sqlx::query("delete from sessions where expires_at < now()").execute(pool).await?;
    sqlx::query("delete from login_attempts where attempted_at < now() - interval '1 day'").execute(pool).await?;
    Ok(sessions.rows_affected())
}

/// Signing up: a new venue and its owner, in one transaction. Returns (user id, venue id).
pub async fn sign_up(pool: &PgPool, draft: &SignupDraft, password_hash: &str) -> StoreResult<(i64, i64)> {
    let mut tx = pool.begin().await?;
    let venue_id: i64 = sqlx::query_scalar("insert into venues (name) values ($1) returning id")
        .bind(&draft.venue_name)
        .fetch_one(&mut *tx)
        .await?;
    let user_id = insert_user(&mut tx, &draft.name, &draft.email, password_hash).await?;
    add_membership(&mut tx, user_id, venue_id, Role::Owner).await?;
    tx.commit().await?;
    Ok((user_id, venue_id))
}

async fn insert_user(conn: &mut PgConnection, name: &str, email: &str, password_hash: &str) -> StoreResult<i64> {
    sqlx::query_scalar("insert into users (name, email, password_hash) values ($1, $2, $3) returning id")
        .bind(name)
        .bind(email)
        .bind(password_hash)
        .fetch_one(conn)
        .await
        .map_err(super::on_constraint)
}

async fn add_membership(conn: &mut PgConnection, user_id: i64, venue_id: i64, role: Role) -> StoreResult<()> {
    sqlx::query("insert into memberships (user_id, venue_id, role) values ($1, $2, $3)")
        .bind(user_id)
        .bind(venue_id)
        .bind(role.as_str())
        .execute(conn)
        .await
        .map_err(super::on_constraint)?;
    Ok(())
}

/// Members who can be assigned work (owners and staff).
pub async fn staff(conn: &mut PgConnection, actor: &Actor) -> StoreResult<Vec<Member>> {
    Ok(sqlx::query_as(
        "select u.id as user_id, u.name, u.email, m.role
           from memberships m join users u on u.id = m.user_id
          where m.venue_id = $1 and m.role in ('owner', 'staff')
          order by u.name",
    )
    .bind(actor.venue_id)
    .fetch_all(conn)
    .await?)
}

/// The team page: members, open invites, and the records an invite can link to. Staff only.
pub async fn team(pool: &PgPool, actor: &Actor) -> StoreResult<Team> {
    if !actor.is_staff() {
        return Err(StoreError::Forbidden);
    }
    let members = sqlx::query_as::<_, TeamMember>(
        "select u.id as user_id, u.name, u.email, m.role,
                coalesce((select c.name from clients c where c.venue_id = m.venue_id and c.user_id = u.id),
                         (select v.name from vendors v where v.venue_id = m.venue_id and v.user_id = u.id)) as linked_to
           from memberships m join users u on u.id = m.user_id
          where m.venue_id = $1
          order by case m.role when 'owner' then 0 when 'staff' then 1 when 'client' then 2 else 3 end, u.name",
    )
    .bind(actor.venue_id)
    .fetch_all(pool)
    .await?;
    let invites = sqlx::query_as::<_, PendingInvite>(
        "select email, name, role, expires_at from invites
          where venue_id = $1 and accepted_at is null and expires_at > now()
          order by created_at desc",
    )
    .bind(actor.venue_id)
    .fetch_all(pool)
    .await?;
    let clients = sqlx::query_as::<_, Choice>(
        "select id, name from clients where venue_id = $1 and user_id is null order by name",
    )
    .bind(actor.venue_id)
    .fetch_all(pool)
    .await?;
    let vendors = sqlx::query_as::<_, Choice>(
        "select id, name from vendors where venue_id = $1 and user_id is null order by name",
    )
    .bind(actor.venue_id)
    .fetch_all(pool)
    .await?;
    Ok(Team { members, invites, clients, vendors })
}

/// Records an invite (staff only). A client invite without a client record creates one.
pub async fn create_invite(
    pool: &PgPool,
    actor: &Actor,
    draft: &InviteDraft,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> StoreResult<()> {
    if !actor.is_staff() {
        return Err(StoreError::Forbidden);
    }
    let mut tx = pool.begin().await?;
    let taken: bool = sqlx::query_scalar(
        "select exists (select 1 from memberships m join users u on u.id = m.user_id where m.venue_id = $1 and lower(u.email) = lower($2))",
    )
    .bind(actor.venue_id)
    .bind(&draft.email)
    .fetch_one(&mut *tx)
    .await?;
    if taken {
        return Err(StoreError::field("email", "This person is already a member of the venue."));
    }
    let mut client_id = None;
    let mut vendor_id = None;
    match draft.role {
        InviteRole::Staff => {}
        InviteRole::Client => {
            client_id = Some(match draft.client_id {
                Some(id) => unlinked_record(&mut tx, "clients", actor.venue_id, id, "client_id").await?,
                None => {
                    sqlx::query_scalar("insert into clients (venue_id, name, email) values ($1, $2, $3) returning id")
                        .bind(actor.venue_id)
                        .bind(&draft.name)
                        .bind(&draft.email)
                        .fetch_one(&mut *tx)
                        .await?
                }
            });
        }
        InviteRole::Vendor => {
            let id = draft
                .vendor_id
                .ok_or_else(|| StoreError::field("vendor_id", "Choose the vendor this person works for."))?;
            vendor_id = Some(unlinked_record(&mut tx, "vendors", actor.venue_id, id, "vendor_id").await?);
        }
    }
    sqlx::query(
        "insert into invites (token_hash, venue_id, role, email, name, client_id, vendor_id, invited_by, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(token_hash)
    .bind(actor.venue_id)
    .bind(draft.role.as_str())
    .bind(&draft.email)
    .bind(&draft.name)
    .bind(client_id)
    .bind(vendor_id)
    .bind(actor.user_id)
    .bind(expires_at)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A client or vendor record of this venue that no account speaks for yet.
async fn unlinked_record(
    conn: &mut PgConnection,
    table: &str,
    venue_id: i64,
    id: i64,
    field: &str,
) -> StoreResult<i64> {
    // `table` is one of two literals chosen by the caller, never input.
    let sql = format!("select id from {table} where id = $1 and venue_id = $2 and user_id is null");
    sqlx::query_scalar(&sql)
        .bind(id)
        .bind(venue_id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| StoreError::field(field, "Choose one of the listed records."))
}

pub async fn invite_info(pool: &PgPool, token_hash: &[u8]) -> StoreResult<InviteInfo> {
    sqlx::query_as(
        "select v.name as venue_name, i.name, i.email, i.role
           from invites i join venues v on v.id = i.venue_id
          where i.token_hash = $1 and i.accepted_at is null and i.expires_at > now()",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await?
    .ok_or(StoreError::NotFound)
}

#[derive(sqlx::FromRow)]
struct ClaimedInvite {
    venue_id: i64,
    role: String,
    email: String,
    name: String,
    client_id: Option<i64>,
    vendor_id: Option<i64>,
}

/// Accepts an invite: single use (claimed atomically), creates the account, its membership and
/// the link to the client or vendor record. Returns (user id, venue id).
pub async fn accept_invite(pool: &PgPool, token_hash: &[u8], password_hash: &str) -> StoreResult<(i64, i64)> {
    let mut tx = pool.begin().await?;
    let invite: ClaimedInvite = sqlx::query_as(
        "update invites set accepted_at = now()
          where token_hash = $1 and accepted_at is null and expires_at > now()
      returning venue_id, role, email, name, client_id, vendor_id",
    )
    .bind(token_hash)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    let role: Role = invite.role.parse().map_err(|_| StoreError::NotFound)?;
    let user_id = insert_user(&mut tx, &invite.name, &invite.email, password_hash).await.map_err(|e| match e {
        StoreError::Invalid(_) => StoreError::Conflict(
            "An account with this email already exists. Log in with it, or ask the venue to invite another address."
                .into(),
        ),
        other => other,
    })?;
    add_membership(&mut tx, user_id, invite.venue_id, role).await?;
    // Link the record only if no one speaks for it yet: a second invite for the same record must
    // not take it away from the account that accepted first.
    for (table, id) in [("clients", invite.client_id), ("vendors", invite.vendor_id)] {
        let Some(id) = id else { continue };
        let sql = format!("update {table} set user_id = $1 where id = $2 and venue_id = $3 and user_id is null");
        let linked = sqlx::query(&sql).bind(user_id).bind(id).bind(invite.venue_id).execute(&mut *tx).await?;
        if linked.rows_affected() == 0 {
            return Err(StoreError::Conflict(
                "Someone has already accepted an invite for this record. Ask the venue for a new invite.".into(),
            ));
        }
    }
    tx.commit().await?;
    Ok((user_id, invite.venue_id))
}

/// A member of the venue's staff by email or name (for assigning tasks).
pub async fn staff_member(pool: &PgPool, actor: &Actor, who: &str) -> StoreResult<Option<(i64, String)>> {
    let pattern = super::like_pattern(who.trim());
    Ok(sqlx::query_as(
        "select u.id, u.name from memberships m join users u on u.id = m.user_id
          where m.venue_id = $1 and m.role in ('owner', 'staff')
            and (lower(u.email) = lower($2) or u.name ilike $3 escape '\\')
          order by lower(u.email) = lower($2) desc, u.name limit 1",
    )
    .bind(actor.venue_id)
    .bind(who.trim())
    .bind(pattern)
    .fetch_optional(pool)
    .await?)
}
