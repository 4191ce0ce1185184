//! Webhooks: a venue's endpoints (owners only), and their deliveries.
//!
//! [`emit`] is called inside the transaction of the change it reports: it writes one delivery per
//! endpoint listening for the event, with the body it will send, and queues a `webhook` job for
//! each (see `migrations/…_webhooks.sql`), so a change that rolls back reports nothing and one
//! that commits is delivered at least once. The job (`crate::jobs::webhooks`) sends it and
//! records every attempt here.

use super::{jobs, owner, Actor, StoreError, StoreResult};
use crate::domain::automations::Trigger;
use crate::domain::webhooks::{
    AttemptView, DeliveryStatus, DeliveryView, NewWebhook, WebhookEvent, WebhookSettings, WebhookView, MAX_WEBHOOKS,
    PING,
};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};
use sqlx::{PgConnection, PgPool};

/// The job kind that sends a delivery.
pub const JOB: &str = "webhook";
/// Deliveries the settings page lists.
const LISTED: i64 = 50;
/// Attempts shown with each.
const LOGGED: usize = 5;

/// A new event id (`evt_` and 24 hex digits).
fn event_id() -> String {
    format!("evt_{}", &crate::security::tokens::new_token()[..24])
}

/// Registers an endpoint (owners). `secret` from `security::tokens::new_webhook_secret`.
pub async fn create(pool: &PgPool, actor: &Actor, hook: &NewWebhook, secret: &str) -> StoreResult<i64> {
    owner(actor)?;
    let count: i64 = sqlx::query_scalar("select count(*) from webhooks where venue_id = $1")
        .bind(actor.venue_id)
        .fetch_one(pool)
        .await?;
    if count >= MAX_WEBHOOKS {
        return Err(StoreError::field("url", &format!("A venue has at most {MAX_WEBHOOKS} endpoints.")));
    }
    let events: Vec<&str> = hook.events.iter().map(|e| e.as_str()).collect();
    Ok(sqlx::query_scalar(
        "insert into webhooks (venue_id, url, description, events, secret, created_by)
         values ($1, $2, $3, $4, $5, $6) returning id",
    )
    .bind(actor.venue_id)
    .bind(&hook.url)
    .bind(&hook.description)
    .bind(&events)
    .bind(secret)
    .bind(actor.user_id)
    .fetch_one(pool)
    .await?)
}

#[derive(sqlx::FromRow)]
struct HookRow {
    id: i64,
    url: String,
    description: String,
    events: Vec<String>,
    active: bool,
    secret: String,
    created_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct DeliveryRow {
    id: i64,
    webhook_id: i64,
    url: String,
    event: String,
    event_id: String,
    status: String,
    attempts: i32,
    last_code: Option<i32>,
    last_error: String,
    created_at: DateTime<Utc>,
    delivered_at: Option<DateTime<Utc>>,
}

#[derive(sqlx::FromRow)]
struct AttemptRow {
    delivery_id: i64,
    code: Option<i32>,
    error: String,
    duration_ms: i32,
    created_at: DateTime<Utc>,
}

/// The venue's endpoints and latest deliveries (owners).
pub async fn settings(pool: &PgPool, actor: &Actor) -> StoreResult<WebhookSettings> {
    owner(actor)?;
    let hooks: Vec<HookRow> = sqlx::query_as(
        "select id, url, description, events, active, secret, created_at from webhooks
          where venue_id = $1 order by id",
    )
    .bind(actor.venue_id)
    .fetch_all(pool)
    .await?;
    let endpoints = hooks
        .into_iter()
        .map(|h| WebhookView {
            id: h.id,
            url: h.url,
            description: h.description,
            events: h.events.iter().filter_map(|e| e.parse().ok()).collect(),
            active: h.active,
            secret_hint: format!("{}…", h.secret.chars().take(10).collect::<String>()),
            created_at: h.created_at,
        })
        .collect();
    let rows: Vec<DeliveryRow> = sqlx::query_as(
        "select d.id, d.webhook_id, w.url, d.event, d.event_id, d.status, d.attempts, d.last_code, d.last_error,
                d.created_at, d.delivered_at
           from webhook_deliveries d join webhooks w on w.id = d.webhook_id
          where d.venue_id = $1 order by d.created_at desc, d.id desc limit $2",
    )
    .bind(actor.venue_id)
    .bind(LISTED)
    .fetch_all(pool)
    .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let attempts: Vec<AttemptRow> = sqlx::query_as(
        "select delivery_id, code, error, duration_ms, created_at from webhook_attempts
          where delivery_id = any($1) order by id desc",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await?;
    let deliveries = rows
        .into_iter()
        .map(|r| DeliveryView {
            log: attempts
                .iter()
                .filter(|a| a.delivery_id == r.id)
                .take(LOGGED)
                .map(|a| AttemptView {
                    code: a.code,
                    error: a.error.clone(),
                    duration_ms: a.duration_ms,
                    at: a.created_at,
                })
                .collect(),
            id: r.id,
            webhook_id: r.webhook_id,
            url: r.url,
            event: r.event,
            event_id: r.event_id,
            status: r.status.parse().unwrap_or(DeliveryStatus::Pending),
            attempts: r.attempts,
            last_code: r.last_code,
            last_error: r.last_error,
            created_at: r.created_at,
            delivered_at: r.delivered_at,
        })
        .collect();
    Ok(WebhookSettings { endpoints, deliveries })
}

/// Pauses or resumes an endpoint (owners); a paused one is sent nothing new. Returns its URL.
pub async fn set_active(pool: &PgPool, actor: &Actor, id: i64, active: bool) -> StoreResult<String> {
    owner(actor)?;
    sqlx::query_scalar("update webhooks set active = $3 where id = $1 and venue_id = $2 returning url")
        .bind(id)
        .bind(actor.venue_id)
        .bind(active)
        .fetch_optional(pool)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Gives an endpoint a new secret (owners); deliveries from now on are signed with it. Returns
/// its URL.
pub async fn roll_secret(pool: &PgPool, actor: &Actor, id: i64, secret: &str) -> StoreResult<String> {
    owner(actor)?;
    sqlx::query_scalar("update webhooks set secret = $3 where id = $1 and venue_id = $2 returning url")
        .bind(id)
        .bind(actor.venue_id)
        .bind(secret)
        .fetch_optional(pool)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Removes an endpoint and its log (owners). Returns its URL.
pub async fn delete(pool: &PgPool, actor: &Actor, id: i64) -> StoreResult<String> {
    owner(actor)?;
    sqlx::query_scalar("delete from webhooks where id = $1 and venue_id = $2 returning url")
        .bind(id)
        .bind(actor.venue_id)
        .fetch_optional(pool)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Queues the `webhook` job of a delivery (its `replays`-th sending) and wakes the workers. A
/// test event or a replay is `Waited` for by the owner who asked.
async fn queue(
    conn: &mut PgConnection,
    delivery_id: i64,
    replays: i32,
    now: DateTime<Utc>,
    priority: jobs::Priority,
) -> StoreResult<()> {
    jobs::enqueue(
        conn,
        JOB,
        &json!({ "delivery_id": delivery_id }),
        now,
        Some(&format!("webhook:{delivery_id}:{replays}")),
        priority,
    )
    .await?;
    Ok(())
}

/// Reports `event` to every active endpoint of the venue that listens for it, inside the
/// caller's transaction. `data` is the event's object (`{"appointment": {…}}`). Returns how
/// many deliveries were queued (0, usually: most venues register none).
pub async fn emit(
    conn: &mut PgConnection,
    venue_id: i64,
    event: WebhookEvent,
    data: Value,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    let id = event_id();
    let body = json!({
        "id": id,
        "type": event.as_str(),
        "created_at": now,
        "venue_id": venue_id,
        "data": data,
    });
    let deliveries: Vec<i64> = sqlx::query_scalar(
        "insert into webhook_deliveries (webhook_id, venue_id, event, event_id, body)
         select id, venue_id, $2, $3, $4 from webhooks where venue_id = $1 and active and $2 = any(events)
         returning id",
    )
    .bind(venue_id)
    .bind(event.as_str())
    .bind(&id)
    .bind(sqlx::types::Json(&body))
    .fetch_all(&mut *conn)
    .await?;
    for &d in &deliveries {
        queue(conn, d, 0, now, jobs::Priority::Background).await?;
    }
    if !deliveries.is_empty() {
        tracing::debug!(event = event.as_str(), deliveries = deliveries.len(), "webhook deliveries queued");
    }
    Ok(deliveries.len())
}

/// Sends a test event (`ping`) to one endpoint (owners), paused or not. Returns the delivery.
pub async fn ping(pool: &PgPool, actor: &Actor, webhook_id: i64, now: DateTime<Utc>) -> StoreResult<i64> {
    owner(actor)?;
    let mut tx = pool.begin().await?;
    let id = event_id();
    let body = json!({
        "id": id,
        "type": PING,
        "created_at": now,
        "venue_id": actor.venue_id,
        "data": {"message": format!("A test event from {}.", actor.venue_name)},
    });
    let delivery: i64 = sqlx::query_scalar(
        "insert into webhook_deliveries (webhook_id, venue_id, event, event_id, body)
         select id, venue_id, $3, $4, $5 from webhooks where id = $1 and venue_id = $2 returning id",
    )
    .bind(webhook_id)
    .bind(actor.venue_id)
    .bind(PING)
    .bind(&id)
    .bind(sqlx::types::Json(&body))
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    queue(&mut tx, delivery, 0, now, jobs::Priority::Waited).await?;
    tx.commit().await?;
    Ok(delivery)
}

/// Sends a delivery again (owners), the same body newly signed, whatever its status.
pub async fn replay(pool: &PgPool, actor: &Actor, delivery_id: i64, now: DateTime<Utc>) -> StoreResult<String> {
    owner(actor)?;
    let mut tx = pool.begin().await?;
    let (replays, event): (i32, String) = sqlx::query_as(
        "update webhook_deliveries set replays = replays + 1, status = 'pending', attempts = 0
          where id = $1 and venue_id = $2 returning replays, event",
    )
    .bind(delivery_id)
    .bind(actor.venue_id)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    queue(&mut tx, delivery_id, replays, now, jobs::Priority::Waited).await?;
    tx.commit().await?;
    Ok(event)
}

/// A delivery as the job sends it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Outgoing {
    pub id: i64,
    pub event: String,
    pub event_id: String,
    pub body: sqlx::types::Json<Value>,
    pub url: String,
    pub secret: String,
    pub active: bool,
}

/// The delivery a job sends, with its endpoint; `None` when the endpoint was removed since.
pub async fn outgoing(pool: &PgPool, delivery_id: i64) -> StoreResult<Option<Outgoing>> {
    Ok(sqlx::query_as(
        "select d.id, d.event, d.event_id, d.body, w.url, w.secret, w.active
           from webhook_deliveries d join webhooks w on w.id = d.webhook_id where d.id = $1",
    )
    .bind(delivery_id)
    .fetch_optional(pool)
    .await?)
}

/// One attempt's result, kept in the log; the delivery takes `status`.
pub struct Attempt<'a> {
    pub code: Option<u16>,
    pub error: &'a str,
    pub duration_ms: u64,
    pub status: DeliveryStatus,
}

/// Records an attempt on its delivery.
pub async fn record(conn: &mut PgConnection, delivery_id: i64, a: &Attempt<'_>) -> StoreResult<()> {
    let error: String = a.error.chars().take(500).collect();
    let code = a.code.map(i32::from);
    sqlx::query("insert into webhook_attempts (delivery_id, code, error, duration_ms) values ($1, $2, $3, $4)")
        .bind(delivery_id)
        .bind(code)
        .bind(&error)
        .bind(i32::try_from(a.duration_ms).unwrap_or(i32::MAX))
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "update webhook_deliveries
            set attempts = attempts + 1, status = $2, last_code = $3, last_error = $4,
                delivered_at = case when $2 = 'delivered' then now() else delivered_at end
          where id = $1",
    )
    .bind(delivery_id)
    .bind(a.status.as_str())
    .bind(code)
    .bind(&error)
    .execute(conn)
    .await?;
    Ok(())
}

/// An appointment's data (`$1` its id).
const APPOINTMENT: &str = "select json_build_object('appointment', json_build_object(
            'id', a.id, 'type', t.name, 'client_id', a.client_id, 'client', c.name, 'event_id', a.event_id,
            'starts_at', a.starts_at, 'ends_at', a.ends_at, 'status', a.status, 'sequence', a.sequence,
            'notes', a.notes, 'path', '/calendar'))
          from appointments a join appointment_types t on t.id = a.type_id left join clients c on c.id = a.client_id
         where a.id = $1";

/// An approval's data.
const APPROVAL: &str = "select json_build_object('approval', json_build_object(
            'id', a.id, 'tool', a.tool, 'summary', a.preview->>'summary', 'status', a.status,
            'approver', a.approver, 'event_id', a.event_id, 'requested_by', r.name, 'decided_by', d.name,
            'decided_at', a.decided_at, 'note', a.note,
            'path', case a.approver when 'venue' then '/approvals' else '/chat/' || a.thread_id end))
          from approvals a join users r on r.id = a.requested_by left join users d on d.id = a.decided_by
         where a.id = $1";

/// An inquiry's data: the new event in `inquiry` and its client.
const INQUIRY: &str = "select json_build_object('inquiry', json_build_object(
            'event_id', e.id, 'title', e.title, 'event_date', e.event_date, 'guest_count', e.guest_count,
            'budget_cents', e.budget_cents, 'space', s.name, 'notes', e.notes,
            'client', json_build_object('id', c.id, 'name', c.name, 'email', c.email, 'phone', c.phone),
            'path', '/events/' || e.id))
          from events e join clients c on c.id = e.client_id left join spaces s on s.id = e.space_id
         where e.id = $1";

/// A document's data.
const DOCUMENT: &str = "select json_build_object('document', json_build_object(
            'id', d.id, 'title', d.title, 'filename', d.filename, 'format', d.format, 'audience', d.audience,
            'event_id', d.event_id, 'version', d.version,
            'passages', (select count(*) from document_chunks k where k.document_id = d.id),
            'path', '/knowledge/' || d.id))
          from documents d where d.id = $1";

/// Reads an event's `data` with `sql` (one row, one json column, `$1` the record's id), emits it
/// to the endpoints listening and fires the automations listening
/// ([`super::automations::fire_business`]). Most venues have neither, so the data is read only
/// when someone listens.
async fn emit_row(
    conn: &mut PgConnection,
    venue_id: i64,
    event: WebhookEvent,
    sql: &str,
    id: i64,
    extra: Option<(&str, Value)>,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    let trigger = Trigger::on(event);
    let (hooks, automations): (bool, bool) = sqlx::query_as(
        "select exists (select 1 from webhooks where venue_id = $1 and active and $2 = any(events)),
                $3::text is not null
                and exists (select 1 from automations where venue_id = $1 and trigger = $3 and not paused)",
    )
    .bind(venue_id)
    .bind(event.as_str())
    .bind(trigger.map(|t| t.as_str()))
    .fetch_one(&mut *conn)
    .await?;
    if !hooks && !automations {
        return Ok(0);
    }
    let Some(mut data): Option<Value> = sqlx::query_scalar(sql).bind(id).fetch_optional(&mut *conn).await? else {
        return Ok(0);
    };
    if let (Some((key, value)), Some(obj)) = (extra, data.as_object_mut()) {
        obj.insert(key.to_string(), value);
    }
    if let (true, Some(trigger)) = (automations, trigger) {
        super::automations::fire_business(conn, venue_id, trigger, id, &data).await?;
    }
    if !hooks {
        return Ok(0);
    }
    emit(conn, venue_id, event, data, now).await
}

/// The data a business event's webhook carries about record `id`, read now (a dry run of an
/// automation shows what it would be told).
pub async fn data_of(conn: &mut PgConnection, trigger: Trigger, id: i64) -> StoreResult<Option<Value>> {
    let sql = match trigger {
        Trigger::AppointmentBooked => APPOINTMENT,
        Trigger::InquiryCreated => INQUIRY,
        Trigger::ApprovalDecided => APPROVAL,
        Trigger::DocumentIndexed => DOCUMENT,
        Trigger::Schedule | Trigger::EventApproaching => return Ok(None),
    };
    Ok(sqlx::query_scalar(sql).bind(id).fetch_optional(&mut *conn).await?)
}

/// `appointment.booked` / `rescheduled` / `cancelled`, inside the change's transaction. `reason`:
/// a reschedule's or a cancellation's, as given.
pub async fn appointment_changed(
    conn: &mut PgConnection,
    venue_id: i64,
    event: WebhookEvent,
    appointment_id: i64,
    reason: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    let reason = reason.map(|r| ("reason", Value::String(r.to_string())));
    emit_row(conn, venue_id, event, APPOINTMENT, appointment_id, reason, now).await
}

/// `approval.requested` (just stored) or `approval.decided` (just decided), inside its transaction.
pub async fn approval_changed(
    conn: &mut PgConnection,
    venue_id: i64,
    event: WebhookEvent,
    approval_id: i64,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    emit_row(conn, venue_id, event, APPROVAL, approval_id, None, now).await
}

/// `inquiry.created`: the new event in `inquiry` and its client.
pub async fn inquiry_created(
    conn: &mut PgConnection,
    venue_id: i64,
    event_id: i64,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    emit_row(conn, venue_id, WebhookEvent::InquiryCreated, INQUIRY, event_id, None, now).await
}

/// `document.indexed`: a venue document (not a chat upload) is searchable, in this version.
pub async fn document_indexed(conn: &mut PgConnection, document_id: i64, now: DateTime<Utc>) -> StoreResult<usize> {
    let venue: Option<(i64, String)> = sqlx::query_as("select venue_id, audience from documents where id = $1")
        .bind(document_id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some((venue_id, _)) = venue.filter(|(_, audience)| audience != "thread") else {
        return Ok(0);
    };
    emit_row(conn, venue_id, WebhookEvent::DocumentIndexed, DOCUMENT, document_id, None, now).await
}
