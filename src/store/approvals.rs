//! Actions waiting for a person: the chat's approval cards and the venue's approval queue (whose
//! team is told under the bell, and by email when they chose it).
//!
//! An approval is decided once: the decision locks the row (`for update`) and only a `pending`
//! row can be decided, so two people approving at once run the action once.

use super::{Actor, StoreError, StoreResult};
use crate::domain::chat::{ApprovalStatus, Approver, Preview, QueuedApproval};
use crate::domain::scheduling::NoteKind;
use crate::domain::webhooks::WebhookEvent;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

pub struct NewApproval<'a> {
    pub thread_id: i64,
    pub item_id: i64,
    pub event_id: Option<i64>,
    pub tool: &'a str,
    pub arguments: &'a serde_json::Value,
    pub preview: &'a Preview,
    pub approver: Approver,
}

/// Stores an action waiting for a person, and tells the venue's webhooks (`approval.requested`).
pub async fn create(conn: &mut PgConnection, actor: &Actor, a: &NewApproval<'_>) -> StoreResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "insert into approvals (venue_id, thread_id, item_id, event_id, tool, arguments, preview, requested_by, approver)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id",
    )
    .bind(actor.venue_id)
    .bind(a.thread_id)
    .bind(a.item_id)
    .bind(a.event_id)
    .bind(a.tool)
    .bind(a.arguments)
    .bind(sqlx::types::Json(a.preview))
    .bind(actor.user_id)
    .bind(a.approver.as_str())
    .fetch_one(&mut *conn)
    .await?;
    let event = WebhookEvent::ApprovalRequested;
    super::webhooks::approval_changed(conn, actor.venue_id, event, id, Utc::now()).await?;
    // The venue's queue: its team is told (the requester's own approvals wait in their chat).
    if a.approver == Approver::Venue {
        let note = format!("{} asks for approval: {}", actor.name, crate::domain::text::clip(&a.preview.summary, 300));
        super::notifications::add_for_team(conn, actor.venue_id, NoteKind::Approvals, &note, "/approvals").await?;
    }
    Ok(id)
}

/// A pending approval, locked for deciding.
#[derive(Debug, sqlx::FromRow)]
pub struct Pending {
    pub id: i64,
    pub venue_id: i64,
    pub thread_id: i64,
    pub item_id: i64,
    pub event_id: Option<i64>,
    pub tool: String,
    pub arguments: serde_json::Value,
    pub requested_by: i64,
    #[sqlx(try_from = "String")]
    pub approver: Approver,
    #[sqlx(try_from = "String")]
    pub status: ApprovalStatus,
}

/// Locks approval `id` if `actor` may decide it: the requester decides their own (`requester`),
/// the venue's owners and staff decide the queue (`venue`). Others get `NotFound`; an approval
/// already decided is a `Conflict`.
pub async fn lock_for_decision(conn: &mut PgConnection, actor: &Actor, id: i64) -> StoreResult<Pending> {
    let row: Option<Pending> = sqlx::query_as(
        "select id, venue_id, thread_id, item_id, event_id, tool, arguments, requested_by, approver, status
           from approvals where id = $1 and venue_id = $2 for update",
    )
    .bind(id)
    .bind(actor.venue_id)
    .fetch_optional(&mut *conn)
    .await?;
    let row = row.ok_or(StoreError::NotFound)?;
    let allowed = match row.approver {
        Approver::Requester => row.requested_by == actor.user_id,
        Approver::Venue => actor.is_staff(),
    };
    if !allowed {
        return Err(StoreError::NotFound);
    }
    if row.status != ApprovalStatus::Pending {
        return Err(StoreError::Conflict(format!("This request was already {}.", row.status.label().to_lowercase())));
    }
    Ok(row)
}

/// Records a decision, and tells the venue's webhooks (`approval.decided`).
pub async fn set_status(
    conn: &mut PgConnection,
    id: i64,
    status: ApprovalStatus,
    decided_by: i64,
    note: &str,
) -> StoreResult<()> {
    let venue_id: i64 = sqlx::query_scalar(
        "update approvals set status = $2, decided_by = $3, decided_at = now(), note = $4 where id = $1
         returning venue_id",
    )
    .bind(id)
    .bind(status.as_str())
    .bind(decided_by)
    .bind(note)
    .fetch_one(&mut *conn)
    .await?;
    super::webhooks::approval_changed(conn, venue_id, WebhookEvent::ApprovalDecided, id, Utc::now()).await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct QueueRow {
    id: i64,
    tool: String,
    event_id: Option<i64>,
    event_title: Option<String>,
    requested_by: String,
    created_at: DateTime<Utc>,
    status: String,
    preview: sqlx::types::Json<Preview>,
    decided_by: Option<String>,
    decided_at: Option<DateTime<Utc>>,
    note: String,
}

/// The venue's approval queue (owners and staff): pending first (oldest first), then the
/// latest decided ones.
pub async fn queue(pool: &PgPool, actor: &Actor, decided: i64) -> StoreResult<Vec<QueuedApproval>> {
    if !actor.is_staff() {
        return Err(StoreError::Forbidden);
    }
    let rows: Vec<QueueRow> = sqlx::query_as(
        "(select a.id, a.tool, a.event_id, e.title as event_title, u.name as requested_by, a.created_at, a.status,
                 a.preview, d.name as decided_by, a.decided_at, a.note
            from approvals a join users u on u.id = a.requested_by left join users d on d.id = a.decided_by
            left join events e on e.id = a.event_id
           where a.venue_id = $1 and a.approver = 'venue' and a.status = 'pending'
           order by a.created_at, a.id)
         union all
         (select a.id, a.tool, a.event_id, e.title, u.name, a.created_at, a.status, a.preview, d.name, a.decided_at, a.note
            from approvals a join users u on u.id = a.requested_by left join users d on d.id = a.decided_by
            left join events e on e.id = a.event_id
           where a.venue_id = $1 and a.approver = 'venue' and a.status <> 'pending'
           order by a.decided_at desc, a.id desc limit $2)",
    )
    .bind(actor.venue_id)
    .bind(decided)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| QueuedApproval {
            id: r.id,
            tool_label: r.tool.clone(),
            tool: r.tool,
            event_id: r.event_id,
            event_title: r.event_title,
            requested_by: r.requested_by,
            created_at: r.created_at,
            status: r.status.parse().unwrap_or(ApprovalStatus::Pending),
            preview: r.preview.0,
            decided_by: r.decided_by,
            decided_at: r.decided_at,
            note: r.note,
        })
        .collect())
}
