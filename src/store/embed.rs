//! Embed tokens: an owner lets one member's agent chat be shown in an iframe on another site.
//! The token itself is signed (see `crate::security::signing`); this table is what makes it revocable.

use super::{Actor, StoreError, StoreResult};
use crate::domain::chat::AgentKind;
use crate::domain::embed::{EmbedReach, EmbedTokenView};
use crate::domain::Role;
use chrono::{DateTime, Utc};
use sqlx::PgPool;

pub struct NewToken<'a> {
    pub member_email: &'a str,
    pub agent: AgentKind,
    pub event_id: Option<i64>,
    pub label: &'a str,
    pub days: i64,
    /// May embed an owner's or staff member's chat.
    pub internal: bool,
    /// The sites that may frame it (checked by `domain::embed::embed_origins`).
    pub origins: &'a [String],
}

/// Creates a token (owners only). The member must belong to the venue and be allowed that agent;
/// an event agent's event must be theirs; an owner or staff member only by an internal token.
/// Returns the id and the expiry.
pub async fn create(pool: &PgPool, actor: &Actor, t: &NewToken<'_>) -> StoreResult<(i64, DateTime<Utc>)> {
    if actor.role != Role::Owner {
        return Err(StoreError::Forbidden);
    }
    let member = sqlx::query_as::<_, (i64,)>(
        "select u.id from users u join memberships m on m.user_id = u.id where lower(u.email) = lower($1) and m.venue_id = $2",
    )
    .bind(t.member_email)
    .bind(actor.venue_id)
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| StoreError::field("member_email", "No member of this venue has that email."))?;
    let member = super::users::actor_for_member(pool, member.0, actor.venue_id).await?.ok_or(StoreError::NotFound)?;
    if !t.agent.usable_by(member.role) {
        return Err(StoreError::field("agent", "This member cannot use that agent."));
    }
    if member.is_staff() && !t.internal {
        return Err(StoreError::field(
            "member_email",
            "An owner's or staff member's chat can be embedded only by a link marked internal.",
        ));
    }
    if let Some(event_id) = t.event_id {
        let mut conn = pool.acquire().await?;
        let need =
            if t.agent == AgentKind::VenueEvent { super::access::Need::Manage } else { super::access::Need::Plan };
        super::access::event(&mut conn, &member, event_id, need)
            .await
            .map_err(|_| StoreError::field("event_id", "That member has no such event."))?;
    }
    Ok(sqlx::query_as(
        "insert into embed_tokens (venue_id, created_by, user_id, agent_kind, event_id, label, expires_at,
                                   internal, allowed_origins)
         values ($1, $2, $3, $4, $5, $6, now() + make_interval(days => $7), $8, $9) returning id, expires_at",
    )
    .bind(actor.venue_id)
    .bind(actor.user_id)
    .bind(member.user_id)
    .bind(t.agent.as_str())
    .bind(t.event_id)
    .bind(t.label)
    .bind(t.days as i32)
    .bind(t.internal)
    .bind(t.origins)
    .fetch_one(pool)
    .await?)
}

pub async fn list(pool: &PgPool, actor: &Actor) -> StoreResult<Vec<EmbedTokenView>> {
    if actor.role != Role::Owner {
        return Err(StoreError::Forbidden);
    }
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        label: String,
        member: String,
        agent_kind: String,
        event_title: Option<String>,
        expires_at: DateTime<Utc>,
        revoked: bool,
        internal: bool,
        allowed_origins: Vec<String>,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "select t.id, t.label, u.name || ' <' || u.email || '>' as member, t.agent_kind, e.title as event_title,
                t.expires_at, t.revoked_at is not null as revoked, t.internal, t.allowed_origins
           from embed_tokens t join users u on u.id = t.user_id left join events e on e.id = t.event_id
          where t.venue_id = $1 order by t.created_at desc limit 100",
    )
    .bind(actor.venue_id)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(EmbedTokenView {
                id: r.id,
                label: r.label,
                member: r.member,
                agent_kind: r.agent_kind.parse().ok()?,
                event_title: r.event_title,
                expires_at: r.expires_at,
                revoked: r.revoked,
                internal: r.internal,
                origins: r.allowed_origins,
            })
        })
        .collect())
}

/// Revokes a token and ends the sessions it opened.
pub async fn revoke(pool: &PgPool, actor: &Actor, id: i64) -> StoreResult<()> {
    if actor.role != Role::Owner {
        return Err(StoreError::Forbidden);
    }
    let mut tx = pool.begin().await?;
    let n =
        sqlx::query("update embed_tokens set revoked_at = coalesce(revoked_at, now()) where id = $1 and venue_id = $2")
            .bind(id)
            .bind(actor.venue_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    sqlx::query("delete from sessions where embed_token_id = $1").bind(id).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// A live token: who it acts as and for which agent and event.
#[derive(Debug, sqlx::FromRow)]
pub struct Grant {
    pub id: i64,
    pub venue_id: i64,
    pub user_id: i64,
    pub agent_kind: String,
    pub event_id: Option<i64>,
    pub expires_at: DateTime<Utc>,
}

/// The token `id` if it is neither revoked nor expired.
pub async fn grant(pool: &PgPool, id: i64) -> StoreResult<Option<Grant>> {
    Ok(sqlx::query_as(
        "select id, venue_id, user_id, agent_kind, event_id, expires_at from embed_tokens
          where id = $1 and revoked_at is null and expires_at > now()",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?)
}

/// A session for an embedded chat, ended with its token.
pub async fn create_session(pool: &PgPool, token_hash: &[u8], g: &Grant, expires_at: DateTime<Utc>) -> StoreResult<()> {
    sqlx::query(
        "insert into sessions (token_hash, user_id, venue_id, expires_at, embed_token_id) values ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(g.user_id)
    .bind(g.venue_id)
    .bind(expires_at)
    .bind(g.id)
    .execute(pool)
    .await?;
    Ok(())
}

/// A live embed session: whom it acts as, and what it reaches.
#[derive(Clone, Debug)]
pub struct EmbedSession {
    pub actor: Actor,
    pub token_id: i64,
    pub reach: EmbedReach,
    /// The sites that may frame the chat (CSP `frame-ancestors`).
    pub origins: Vec<String>,
}

/// Resolves an embed session's cookie: live only while its token is neither revoked nor expired,
/// and, for an owner or staff member, only if the token is internal (a role may have changed
/// since the token was made). Not cached by the caller, so a revocation ends it at once, in
/// every process.
pub async fn session(pool: &PgPool, token_hash: &[u8]) -> StoreResult<Option<EmbedSession>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        user_id: i64,
        venue_id: i64,
        token_id: i64,
        agent_kind: String,
        event_id: Option<i64>,
        internal: bool,
        allowed_origins: Vec<String>,
    }
    let row: Option<Row> = sqlx::query_as(
        "select s.user_id, s.venue_id, t.id as token_id, t.agent_kind, t.event_id, t.internal, t.allowed_origins
           from sessions s
           join embed_tokens t on t.id = s.embed_token_id and t.venue_id = s.venue_id
          where s.token_hash = $1 and s.expires_at > now() and t.revoked_at is null and t.expires_at > now()",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let Ok(agent) = row.agent_kind.parse::<AgentKind>() else { return Ok(None) };
    let Some(actor) = super::users::actor_for_member(pool, row.user_id, row.venue_id).await? else {
        return Ok(None);
    };
    if (actor.is_staff() && !row.internal) || !agent.usable_by(actor.role) {
        return Ok(None);
    }
    Ok(Some(EmbedSession {
        actor,
        token_id: row.token_id,
        reach: EmbedReach { agent, event_id: row.event_id },
        origins: row.allowed_origins,
    }))
}

/// Something an embed session may ask for by id.
#[derive(Clone, Copy, Debug)]
pub enum Reachable {
    Thread(i64),
    /// An approval, by the thread its action was proposed in.
    Approval(i64),
    /// A document, by the thread it is attached to (venue documents are not reached).
    Document(i64),
}

/// Whether `what` lies within the session's reach: the member's own thread with the token's
/// agent over the token's event.
pub async fn within(pool: &PgPool, s: &EmbedSession, what: Reachable) -> StoreResult<bool> {
    let (join, id) = match what {
        Reachable::Thread(id) => ("chat_threads t where t.id = $1", id),
        Reachable::Approval(id) => ("approvals a join chat_threads t on t.id = a.thread_id where a.id = $1", id),
        Reachable::Document(id) => ("documents d join chat_threads t on t.id = d.thread_id where d.id = $1", id),
    };
    Ok(sqlx::query_scalar(&format!(
        "select exists (select 1 from {join}
            and t.owner_id = $2 and t.venue_id = $3 and t.agent_kind = $4 and t.event_id is not distinct from $5)"
    ))
    .bind(id)
    .bind(s.actor.user_id)
    .bind(s.actor.venue_id)
    .bind(s.reach.agent.as_str())
    .bind(s.reach.event_id)
    .fetch_one(pool)
    .await?)
}

/// The key embed tokens are signed with: made once per database, kept in it.
pub async fn signing_key(pool: &PgPool) -> StoreResult<Vec<u8>> {
    let fresh = crate::security::tokens::new_token();
    Ok(sqlx::query_scalar(
        "with ins as (insert into server_keys (name, secret) values ('embed', decode($1, 'hex'))
                      on conflict (name) do nothing returning secret)
         select secret from ins union all select secret from server_keys where name = 'embed' limit 1",
    )
    .bind(fresh)
    .fetch_one(pool)
    .await?)
}
