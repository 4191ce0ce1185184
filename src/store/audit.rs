//! The audit log's rows: written by whoever does the thing (in its transaction where there is
//! one), read by the venue's owners. The table refuses updates and deletes (its migration).

use super::{Actor, StoreError, StoreResult};
use crate::domain::audit::{AuditAction, AuditEntry, AuditFilter};
use crate::domain::Role;
use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::{PgExecutor, PgPool};

/// The most characters of a target kept, and of the particulars' JSON.
const MAX_TARGET: usize = 300;
const MAX_DETAIL_BYTES: usize = 16 * 1024;

/// One entry to write.
pub struct Record<'a> {
    pub venue_id: i64,
    pub actor_id: Option<i64>,
    pub actor_name: &'a str,
    pub action: AuditAction,
    pub target: &'a str,
    pub detail: Value,
    pub ip: &'a str,
}

impl<'a> Record<'a> {
    /// `actor` did `action` to `target`.
    pub fn by(actor: &'a Actor, action: AuditAction, target: &'a str) -> Self {
        Record {
            venue_id: actor.venue_id,
            actor_id: Some(actor.user_id),
            actor_name: &actor.name,
            action,
            target,
            detail: Value::Object(Default::default()),
            ip: "",
        }
    }

    pub fn detail(mut self, detail: Value) -> Self {
        self.detail = detail;
        self
    }

    pub fn ip(mut self, ip: &'a str) -> Self {
        self.ip = ip;
        self
    }
}

pub async fn record(db: impl PgExecutor<'_>, r: &Record<'_>) -> StoreResult<()> {
    let target: String = r.target.chars().take(MAX_TARGET).collect();
    let detail = if r.detail.to_string().len() > MAX_DETAIL_BYTES {
        serde_json::json!({"truncated": true})
    } else {
        r.detail.clone()
    };
    sqlx::query(
        "insert into audit_log (venue_id, actor_id, actor_name, action, category, target, detail, ip)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(r.venue_id)
    .bind(r.actor_id)
    .bind(r.actor_name)
    .bind(r.action.as_str())
    .bind(r.action.category().as_str())
    .bind(target)
    .bind(detail)
    .bind(r.ip.chars().take(64).collect::<String>())
    .execute(db)
    .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    at: DateTime<Utc>,
    actor_name: String,
    action: String,
    target: String,
    detail: Value,
    ip: String,
}

/// The venue's entries matching `f`, newest first, at most `limit`. Owners only.
pub async fn list(pool: &PgPool, actor: &Actor, f: &AuditFilter, limit: i64) -> StoreResult<Vec<AuditEntry>> {
    if actor.role != Role::Owner {
        return Err(StoreError::Forbidden);
    }
    let text = f.text.as_deref().map(str::trim).filter(|t| !t.is_empty()).map(|t| {
        let escaped = t.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
        format!("%{escaped}%")
    });
    let rows: Vec<Row> = sqlx::query_as(
        "select id, at, actor_name, action, target, detail, ip from audit_log
          where venue_id = $1
            and ($2::text is null or category = $2)
            and ($3::text is null or action = $3)
            and ($4::bigint is null or actor_id = $4)
            and ($5::date is null or at >= $5::date)
            and ($6::date is null or at < $6::date + 1)
            and ($7::text is null or target ilike $7 or detail::text ilike $7 or actor_name ilike $7)
            and ($8::bigint is null or id < $8)
          order by id desc
          limit $9",
    )
    .bind(actor.venue_id)
    .bind(f.category.map(|c| c.as_str()))
    .bind(f.action.map(|a| a.as_str()))
    .bind(f.actor_id)
    .bind(f.from)
    .bind(f.to)
    .bind(text)
    .bind(f.before)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(AuditEntry {
                id: r.id,
                at: r.at,
                actor_name: r.actor_name,
                action: r.action.parse().ok()?,
                target: r.target,
                detail: r.detail,
                ip: r.ip,
            })
        })
        .collect())
}

/// Everyone who appears in the venue's log, for the filter: (user id, latest name).
pub async fn people(pool: &PgPool, actor: &Actor) -> StoreResult<Vec<(i64, String)>> {
    if actor.role != Role::Owner {
        return Err(StoreError::Forbidden);
    }
    Ok(sqlx::query_as(
        "select distinct on (actor_id) actor_id, actor_name from audit_log
          where venue_id = $1 and actor_id is not null order by actor_id, id desc",
    )
    .bind(actor.venue_id)
    .fetch_all(pool)
    .await?)
}
