//! API keys: a member's own keys for the OpenAI-compatible API and the MCP server. The key is
//! shown once; this table keeps its hash (see `migrations/…_api_keys.sql`).

use super::{Actor, StoreError, StoreResult};
use crate::domain::api_keys::{ApiKeyView, NewApiKey, MAX_LIVE_KEYS};
use crate::domain::chat::AgentKind;
use crate::domain::Role;
use chrono::{DateTime, Utc};
use sqlx::PgPool;

/// What a key allows, read with its member on every request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyGrant {
    pub id: i64,
    pub name: String,
    /// The agents the key reaches that its member may still use (a member whose role changed
    /// keeps only those).
    pub agents: Vec<AgentKind>,
    pub raw_models: bool,
    pub may_act: bool,
}

impl KeyGrant {
    pub fn reaches(&self, agent: AgentKind) -> bool {
        self.agents.contains(&agent)
    }
}

/// Creates a key for the actor (any member, for themselves): the agents must be ones their role
/// may use. `hash` is the key's SHA-256, `prefix` what the list shows of it. Returns the id and
/// the expiry.
pub async fn create(
    pool: &PgPool,
    actor: &Actor,
    key: &NewApiKey,
    hash: &[u8],
    prefix: &str,
) -> StoreResult<(i64, DateTime<Utc>)> {
    if let Some(a) = key.agents.iter().find(|a| !a.usable_by(actor.role)) {
        return Err(StoreError::field("agents", &format!("Your role cannot use the {}.", a.label())));
    }
    let live: i64 = sqlx::query_scalar(
        "select count(*) from api_keys where user_id = $1 and venue_id = $2 and revoked_at is null and expires_at > now()",
    )
    .bind(actor.user_id)
    .bind(actor.venue_id)
    .fetch_one(pool)
    .await?;
    if live >= MAX_LIVE_KEYS {
        return Err(StoreError::field(
            "name",
            &format!("You have {MAX_LIVE_KEYS} keys. Revoke one you no longer use first."),
        ));
    }
    let agents: Vec<&str> = key.agents.iter().map(|a| a.as_str()).collect();
    Ok(sqlx::query_as(
        "insert into api_keys (venue_id, user_id, name, prefix, key_hash, agents, raw_models, may_act, expires_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, now() + make_interval(days => $9)) returning id, expires_at",
    )
    .bind(actor.venue_id)
    .bind(actor.user_id)
    .bind(&key.name)
    .bind(prefix)
    .bind(hash)
    .bind(&agents)
    .bind(key.raw_models)
    .bind(key.may_act)
    .bind(key.days as i32)
    .fetch_one(pool)
    .await?)
}

/// The actor's keys, newest first; an owner's list has every member's keys of the venue.
pub async fn list(pool: &PgPool, actor: &Actor) -> StoreResult<Vec<ApiKeyView>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        name: String,
        prefix: String,
        member: String,
        user_id: i64,
        agents: Vec<String>,
        raw_models: bool,
        may_act: bool,
        expires_at: DateTime<Utc>,
        revoked: bool,
        last_used_at: Option<DateTime<Utc>>,
        requests: i64,
        tokens: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "select k.id, k.name, k.prefix, u.name as member, k.user_id, k.agents, k.raw_models, k.may_act, k.expires_at,
                k.revoked_at is not null as revoked, k.last_used_at, k.requests, k.tokens
           from api_keys k join users u on u.id = k.user_id
          where k.venue_id = $1 and (k.user_id = $2 or $3)
          order by (k.user_id = $2) desc, k.created_at desc, k.id desc
          limit 200",
    )
    .bind(actor.venue_id)
    .bind(actor.user_id)
    .bind(actor.role == Role::Owner)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ApiKeyView {
            id: r.id,
            name: r.name,
            prefix: r.prefix,
            member: r.member,
            mine: r.user_id == actor.user_id,
            agents: r.agents.iter().filter_map(|a| a.parse().ok()).collect(),
            raw_models: r.raw_models,
            may_act: r.may_act,
            expires_at: r.expires_at,
            revoked: r.revoked,
            last_used_at: r.last_used_at,
            requests: r.requests,
            tokens: r.tokens,
        })
        .collect())
}

/// Revokes one of the actor's keys (an owner: any of the venue's). Returns its name.
pub async fn revoke(pool: &PgPool, actor: &Actor, id: i64) -> StoreResult<String> {
    sqlx::query_scalar(
        "update api_keys set revoked_at = coalesce(revoked_at, now())
          where id = $1 and venue_id = $2 and (user_id = $3 or $4) returning name",
    )
    .bind(id)
    .bind(actor.venue_id)
    .bind(actor.user_id)
    .bind(actor.role == Role::Owner)
    .fetch_optional(pool)
    .await?
    .ok_or(StoreError::NotFound)
}

/// The member a live key acts as, and what it allows; `None` for a key that is unknown, revoked
/// or expired, or whose member left the venue. Marks it used (at most once a minute).
pub async fn resolve(pool: &PgPool, hash: &[u8]) -> StoreResult<Option<(Actor, KeyGrant)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        name: String,
        user_id: i64,
        venue_id: i64,
        agents: Vec<String>,
        raw_models: bool,
        may_act: bool,
    }
    let row: Option<Row> = sqlx::query_as(
        "with k as (
            select id, name, user_id, venue_id, agents, raw_models, may_act from api_keys
             where key_hash = $1 and revoked_at is null and expires_at > now()
         ), touched as (
            update api_keys set last_used_at = now()
             where key_hash = $1 and revoked_at is null and expires_at > now()
               and (last_used_at is null or last_used_at < now() - interval '1 minute')
         )
         select * from k",
    )
    .bind(hash)
    .fetch_optional(pool)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let Some(actor) = super::users::actor_for_member(pool, row.user_id, row.venue_id).await? else {
        return Ok(None);
    };
    let agents = row.agents.iter().filter_map(|a| a.parse::<AgentKind>().ok()).filter(|a| a.usable_by(actor.role));
    let grant = KeyGrant {
        id: row.id,
        name: row.name,
        agents: agents.collect(),
        raw_models: row.raw_models,
        may_act: row.may_act,
    };
    Ok(Some((actor, grant)))
}

/// Counts a request made with the key and the model tokens it used.
pub async fn record_use(pool: &PgPool, key_id: i64, tokens: i64) -> StoreResult<()> {
    sqlx::query(
        "update api_keys set requests = requests + 1, tokens = tokens + $2, last_used_at = now() where id = $1",
    )
    .bind(key_id)
    .bind(tokens.max(0))
    .execute(pool)
    .await?;
    Ok(())
}
