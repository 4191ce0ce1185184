//! Outside tools (see `migrations/*_mcp_servers.sql`): the MCP servers a venue connected, the
//! tools each listed, and which of them the venue's agents may call. Managing them is for owners;
//! the agents read the tools turned on for their kind, always within the actor's venue.

use super::{on_constraint, owner, Actor, StoreError, StoreResult};
use crate::domain::chat::AgentKind;
use crate::domain::mcp_servers::{McpServerView, McpToolView, NewMcpServer, ToolPolicy, MAX_SERVERS};
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::PgPool;

fn headers_json(headers: &[(String, String)]) -> Value {
    Value::Array(headers.iter().map(|(n, v)| serde_json::json!([n, v])).collect())
}

fn headers_of(v: &Value) -> Vec<(String, String)> {
    v.as_array()
        .map(|a| {
            a.iter().filter_map(|p| Some((p.get(0)?.as_str()?.to_string(), p.get(1)?.as_str()?.to_string()))).collect()
        })
        .unwrap_or_default()
}

/// Connects a server (owners). Its tools are listed by the caller (`agent::remote`).
pub async fn create(pool: &PgPool, actor: &Actor, server: &NewMcpServer) -> StoreResult<i64> {
    owner(actor)?;
    let count: i64 = sqlx::query_scalar("select count(*) from mcp_servers where venue_id = $1")
        .bind(actor.venue_id)
        .fetch_one(pool)
        .await?;
    if count >= MAX_SERVERS {
        return Err(StoreError::field("url", &format!("A venue connects at most {MAX_SERVERS} servers.")));
    }
    sqlx::query_scalar(
        "insert into mcp_servers (venue_id, name, url, headers, created_by) values ($1, $2, $3, $4, $5) returning id",
    )
    .bind(actor.venue_id)
    .bind(&server.name)
    .bind(&server.url)
    .bind(headers_json(&server.headers))
    .bind(actor.user_id)
    .fetch_one(pool)
    .await
    .map_err(on_constraint)
}

#[derive(sqlx::FromRow)]
struct ServerRow {
    id: i64,
    name: String,
    url: String,
    headers: Value,
    active: bool,
    listed_at: Option<DateTime<Utc>>,
    last_error: String,
}

#[derive(sqlx::FromRow)]
struct ToolRow {
    id: i64,
    server_id: i64,
    name: String,
    exposed: String,
    description: String,
    input_schema: Value,
    problem: String,
    agents: Vec<String>,
    policy: String,
}

/// The venue's servers and their tools (owners).
pub async fn list(pool: &PgPool, actor: &Actor) -> StoreResult<Vec<McpServerView>> {
    owner(actor)?;
    let servers: Vec<ServerRow> = sqlx::query_as(
        "select id, name, url, headers, active, listed_at, last_error from mcp_servers where venue_id = $1 order by name",
    )
    .bind(actor.venue_id)
    .fetch_all(pool)
    .await?;
    let tools: Vec<ToolRow> = sqlx::query_as(
        "select id, server_id, name, exposed, description, input_schema, problem, agents, policy
           from mcp_tools where venue_id = $1 order by name",
    )
    .bind(actor.venue_id)
    .fetch_all(pool)
    .await?;
    Ok(servers
        .into_iter()
        .map(|s| McpServerView {
            id: s.id,
            header_names: headers_of(&s.headers).into_iter().map(|(n, _)| n).collect(),
            name: s.name,
            url: s.url,
            active: s.active,
            listed_at: s.listed_at,
            last_error: s.last_error,
            tools: tools
                .iter()
                .filter(|t| t.server_id == s.id)
                .map(|t| McpToolView {
                    id: t.id,
                    name: t.name.clone(),
                    exposed: t.exposed.clone(),
                    description: t.description.clone(),
                    arguments: t.input_schema["properties"]
                        .as_object()
                        .map(|p| p.keys().cloned().collect())
                        .unwrap_or_default(),
                    problem: t.problem.clone(),
                    agents: t.agents.iter().filter_map(|a| a.parse().ok()).collect(),
                    policy: t.policy.parse().unwrap_or(ToolPolicy::Requester),
                })
                .collect(),
        })
        .collect())
}

/// Where a server is and what it is sent.
#[derive(Clone, Debug)]
pub struct Connection {
    pub id: i64,
    pub name: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
}

/// A server of the actor's venue, to list its tools (owners).
pub async fn connection(pool: &PgPool, actor: &Actor, id: i64) -> StoreResult<Connection> {
    owner(actor)?;
    let row: ServerRow = sqlx::query_as(
        "select id, name, url, headers, active, listed_at, last_error from mcp_servers where id = $1 and venue_id = $2",
    )
    .bind(id)
    .bind(actor.venue_id)
    .fetch_optional(pool)
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok(Connection { id: row.id, headers: headers_of(&row.headers), name: row.name, url: row.url })
}

/// A tool as a server listed it, checked (`agent::remote`).
#[derive(Clone, Debug)]
pub struct Listed {
    pub name: String,
    pub exposed: String,
    pub description: String,
    pub schema: Value,
    /// Why it cannot be turned on; empty when it can.
    pub problem: String,
}

/// Stores a server's listing (owners): new tools come in turned off, known ones keep their
/// settings (a tool that now has a problem is turned off), tools no longer listed are removed.
pub async fn save_listing(pool: &PgPool, actor: &Actor, id: i64, listed: &[Listed]) -> StoreResult<()> {
    owner(actor)?;
    let mut tx = pool.begin().await?;
    let found: Option<i64> =
        sqlx::query_scalar("select id from mcp_servers where id = $1 and venue_id = $2 for update")
            .bind(id)
            .bind(actor.venue_id)
            .fetch_optional(&mut *tx)
            .await?;
    found.ok_or(StoreError::NotFound)?;
    let names: Vec<&str> = listed.iter().map(|t| t.name.as_str()).collect();
    sqlx::query("delete from mcp_tools where server_id = $1 and not (name = any($2))")
        .bind(id)
        .bind(&names)
        .execute(&mut *tx)
        .await?;
    for t in listed {
        sqlx::query(
            "insert into mcp_tools (server_id, venue_id, name, exposed, description, input_schema, problem)
             values ($1, $2, $3, $4, $5, $6, $7)
             on conflict (server_id, name) do update set
                 exposed = excluded.exposed, description = excluded.description,
                 input_schema = excluded.input_schema, problem = excluded.problem,
                 agents = case when excluded.problem = '' then mcp_tools.agents else '{}' end",
        )
        .bind(id)
        .bind(actor.venue_id)
        .bind(&t.name)
        .bind(&t.exposed)
        .bind(&t.description)
        .bind(&t.schema)
        .bind(&t.problem)
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query("update mcp_servers set listed_at = now(), last_error = '' where id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Records why listing a server's tools failed (owners); its stored tools stay as they were.
pub async fn listing_failed(pool: &PgPool, actor: &Actor, id: i64, error: &str) -> StoreResult<()> {
    owner(actor)?;
    let error: String = error.chars().take(500).collect();
    sqlx::query("update mcp_servers set last_error = $3 where id = $1 and venue_id = $2")
        .bind(id)
        .bind(actor.venue_id)
        .bind(error)
        .execute(pool)
        .await?;
    Ok(())
}

/// Pauses (its tools are offered to no agent) or resumes a server (owners). Returns its name.
pub async fn set_active(pool: &PgPool, actor: &Actor, id: i64, active: bool) -> StoreResult<String> {
    owner(actor)?;
    sqlx::query_scalar("update mcp_servers set active = $3 where id = $1 and venue_id = $2 returning name")
        .bind(id)
        .bind(actor.venue_id)
        .bind(active)
        .fetch_optional(pool)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Disconnects a server and forgets its tools (owners). Returns its name.
pub async fn delete(pool: &PgPool, actor: &Actor, id: i64) -> StoreResult<String> {
    owner(actor)?;
    sqlx::query_scalar("delete from mcp_servers where id = $1 and venue_id = $2 returning name")
        .bind(id)
        .bind(actor.venue_id)
        .fetch_optional(pool)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Turns a tool on for `agents` (none: off) with `policy` (owners). Returns its exposed name.
pub async fn set_tool(
    pool: &PgPool,
    actor: &Actor,
    tool_id: i64,
    agents: &[AgentKind],
    policy: ToolPolicy,
) -> StoreResult<String> {
    owner(actor)?;
    let row: Option<(String, String)> =
        sqlx::query_as("select exposed, problem from mcp_tools where id = $1 and venue_id = $2")
            .bind(tool_id)
            .bind(actor.venue_id)
            .fetch_optional(pool)
            .await?;
    let (exposed, problem) = row.ok_or(StoreError::NotFound)?;
    if !problem.is_empty() && !agents.is_empty() {
        return Err(StoreError::field("agents", &format!("This tool cannot be turned on: {problem}")));
    }
    let mut kinds: Vec<&str> = agents.iter().map(|a| a.as_str()).collect();
    kinds.sort_unstable();
    kinds.dedup();
    sqlx::query("update mcp_tools set agents = $3, policy = $4 where id = $1 and venue_id = $2")
        .bind(tool_id)
        .bind(actor.venue_id)
        .bind(&kinds)
        .bind(policy.as_str())
        .execute(pool)
        .await?;
    Ok(exposed)
}

/// A tool an agent may call, with what it takes to call it.
#[derive(Clone, Debug)]
pub struct Enabled {
    pub tool_id: i64,
    pub server: Connection,
    pub name: String,
    pub exposed: String,
    pub description: String,
    pub schema: Value,
    pub policy: ToolPolicy,
}

#[derive(sqlx::FromRow)]
struct EnabledRow {
    tool_id: i64,
    server_id: i64,
    server_name: String,
    url: String,
    headers: Value,
    name: String,
    exposed: String,
    description: String,
    input_schema: Value,
    policy: String,
}

/// The tools of `venue_id` turned on for `agent` on active servers; or, with `exposed`, that one
/// tool whatever agent it is on for (an approved call, which was offered when it was proposed).
pub async fn enabled(
    pool: &PgPool,
    venue_id: i64,
    agent: Option<AgentKind>,
    exposed: Option<&str>,
) -> StoreResult<Vec<Enabled>> {
    let rows: Vec<EnabledRow> = sqlx::query_as(
        "select t.id as tool_id, s.id as server_id, s.name as server_name, s.url, s.headers, t.name, t.exposed,
                t.description, t.input_schema, t.policy
           from mcp_tools t join mcp_servers s on s.id = t.server_id
          where t.venue_id = $1 and s.venue_id = $1 and s.active and t.problem = '' and cardinality(t.agents) > 0
            and ($2::text is null or $2 = any(t.agents))
            and ($3::text is null or t.exposed = $3)
          order by t.exposed",
    )
    .bind(venue_id)
    .bind(agent.map(|a| a.as_str()))
    .bind(exposed)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Enabled {
            tool_id: r.tool_id,
            server: Connection { id: r.server_id, name: r.server_name, url: r.url, headers: headers_of(&r.headers) },
            name: r.name,
            exposed: r.exposed,
            description: r.description,
            schema: r.input_schema,
            policy: r.policy.parse().unwrap_or(ToolPolicy::Requester),
        })
        .collect())
}
