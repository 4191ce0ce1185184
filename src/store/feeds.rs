//! Private calendar feeds: a secret URL per user or resource that calendar apps subscribe to,
//! and the appointments each one shows, as plain rows (`crate::scheduling::ical` writes them as
//! iCalendar). Only the token's hash is stored; a feed is revoked by marking it so, and making a
//! new one for the same target revokes the old.

use super::{Actor, StoreError, StoreResult};
use crate::domain::scheduling::FeedView;
use crate::domain::Role;
use chrono::{DateTime, Utc};
use sqlx::PgPool;

/// Whose appointments a feed shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// The actor's own: a client's appointments; every appointment of the venue for staff.
    Me,
    /// One resource's (staff only).
    Resource(i64),
}

impl Target {
    /// From a request's `resource_id`: none is the member's own; an id that cannot exist is `None`.
    pub fn from_param(resource_id: Option<i64>) -> Option<Target> {
        match resource_id {
            None => Some(Target::Me),
            Some(id) if id > 0 => Some(Target::Resource(id)),
            Some(_) => None,
        }
    }
}

async fn check(pool: &PgPool, actor: &Actor, target: Target) -> StoreResult<()> {
    match target {
        Target::Me if actor.role == Role::Vendor => Err(StoreError::Forbidden),
        Target::Me => Ok(()),
        Target::Resource(_) if !actor.is_staff() => Err(StoreError::Forbidden),
        Target::Resource(id) => {
            let ok: bool =
                sqlx::query_scalar("select exists (select 1 from resources where id = $1 and venue_id = $2)")
                    .bind(id)
                    .bind(actor.venue_id)
                    .fetch_one(pool)
                    .await?;
            if ok {
                Ok(())
            } else {
                Err(StoreError::NotFound)
            }
        }
    }
}

fn columns(actor: &Actor, target: Target) -> (Option<i64>, Option<i64>) {
    match target {
        Target::Me => (Some(actor.user_id), None),
        Target::Resource(id) => (None, Some(id)),
    }
}

/// Makes a new feed for `target` with this token hash, revoking the one it replaces.
pub async fn create(pool: &PgPool, actor: &Actor, target: Target, token_hash: &[u8]) -> StoreResult<()> {
    check(pool, actor, target).await?;
    let (user_id, resource_id) = columns(actor, target);
    let mut tx = pool.begin().await?;
    revoke_in(&mut tx, actor, user_id, resource_id).await?;
    sqlx::query(
        "insert into calendar_feeds (venue_id, user_id, resource_id, token_hash, created_by) values ($1, $2, $3, $4, $5)",
    )
    .bind(actor.venue_id)
    .bind(user_id)
    .bind(resource_id)
    .bind(token_hash)
    .bind(actor.user_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn revoke_in(
    conn: &mut sqlx::PgConnection,
    actor: &Actor,
    user_id: Option<i64>,
    resource_id: Option<i64>,
) -> StoreResult<u64> {
    Ok(sqlx::query(
        "update calendar_feeds set revoked_at = now()
          where venue_id = $1 and revoked_at is null
            and user_id is not distinct from $2 and resource_id is not distinct from $3",
    )
    .bind(actor.venue_id)
    .bind(user_id)
    .bind(resource_id)
    .execute(conn)
    .await?
    .rows_affected())
}

/// Revokes the live feed of `target`; its URL stops working at once. Returns whether there was one.
pub async fn revoke(pool: &PgPool, actor: &Actor, target: Target) -> StoreResult<bool> {
    check(pool, actor, target).await?;
    let (user_id, resource_id) = columns(actor, target);
    let mut conn = pool.acquire().await?;
    Ok(revoke_in(&mut conn, actor, user_id, resource_id).await? > 0)
}

/// The feeds the actor manages: their own, and for staff each resource's.
pub async fn list(pool: &PgPool, actor: &Actor) -> StoreResult<Vec<FeedView>> {
    if actor.role == Role::Vendor {
        return Ok(Vec::new());
    }
    Ok(sqlx::query_as(
        "select null::bigint as resource_id, 'Your appointments' as label, f.created_at, f.last_used_at
           from (select 1) one
           left join calendar_feeds f on f.venue_id = $1 and f.user_id = $2 and f.revoked_at is null
         union all
         select r.id, r.name, f.created_at, f.last_used_at
           from resources r
           left join calendar_feeds f on f.resource_id = r.id and f.revoked_at is null
          where r.venue_id = $1 and $3
         order by resource_id nulls first",
    )
    .bind(actor.venue_id)
    .bind(actor.user_id)
    .bind(actor.is_staff())
    .fetch_all(pool)
    .await?)
}

#[derive(sqlx::FromRow)]
struct FeedRow {
    id: i64,
    venue_id: i64,
    user_id: Option<i64>,
    resource_id: Option<i64>,
}

/// A calendar's contents: its name, the venue's zone, and its appointments.
#[derive(Clone, Debug)]
pub struct Calendar {
    pub name: String,
    pub timezone: String,
    /// Read by staff (or a resource's feed): the appointments may name their clients.
    pub for_staff: bool,
    pub appointments: Vec<FeedAppointment>,
}

/// An appointment as a feed shows it.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct FeedAppointment {
    pub id: i64,
    pub venue_id: i64,
    pub sequence: i32,
    pub status: String,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub notes: String,
    pub type_name: String,
    pub client_name: Option<String>,
    pub venue_name: String,
    /// Its resources' names, people before rooms.
    pub resources: Vec<String>,
}

/// Which of a venue's appointments: each filter that is set applies. Without `id`, those that
/// ended more than 90 days ago are left out.
#[derive(Default)]
struct Filter {
    client: Option<i64>,
    resource: Option<i64>,
    id: Option<i64>,
}

async fn load(pool: &PgPool, venue_id: i64, filter: Filter) -> StoreResult<Vec<FeedAppointment>> {
    Ok(sqlx::query_as(
        "select a.id, a.venue_id, a.sequence, a.status, a.starts_at, a.ends_at, a.created_at, a.updated_at, a.notes,
                t.name as type_name, c.name as client_name, v.name as venue_name,
                coalesce(array(select r.name from appointment_resources ar join resources r on r.id = ar.resource_id
                                where ar.appointment_id = a.id order by r.kind desc, r.name), '{}') as resources
           from appointments a
           join appointment_types t on t.id = a.type_id
           join venues v on v.id = a.venue_id
           left join clients c on c.id = a.client_id
          where a.venue_id = $1
            and ($2::bigint is null or a.client_id = $2)
            and ($3::bigint is null or exists (select 1 from appointment_resources ar
                                               where ar.appointment_id = a.id and ar.resource_id = $3))
            and ($4::bigint is null or a.id = $4)
            and ($4::bigint is not null or a.ends_at >= now() - interval '90 days')
          order by a.starts_at, a.id
          limit 2000",
    )
    .bind(venue_id)
    .bind(filter.client)
    .bind(filter.resource)
    .bind(filter.id)
    .fetch_all(pool)
    .await?)
}

async fn venue_name_tz(pool: &PgPool, venue_id: i64) -> StoreResult<(String, String)> {
    Ok(sqlx::query_as("select name, timezone from venues where id = $1").bind(venue_id).fetch_one(pool).await?)
}

/// The calendar behind a feed token's hash; `None` when no live feed has it (or its user has
/// left the venue).
pub async fn by_token(pool: &PgPool, token_hash: &[u8]) -> StoreResult<Option<Calendar>> {
    let Some(f): Option<FeedRow> = sqlx::query_as(
        "select id, venue_id, user_id, resource_id from calendar_feeds where token_hash = $1 and revoked_at is null",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    sqlx::query("update calendar_feeds set last_used_at = now() where id = $1").bind(f.id).execute(pool).await?;
    let (venue, timezone) = venue_name_tz(pool, f.venue_id).await?;
    let (name, for_staff, appointments) = match (f.user_id, f.resource_id) {
        (Some(user_id), _) => {
            let Some(actor) = super::users::actor_for_member(pool, user_id, f.venue_id).await? else {
                return Ok(None);
            };
            let filter = match (actor.role, actor.client_id) {
                (Role::Owner | Role::Staff, _) => Filter::default(),
                (Role::Client, Some(c)) => Filter { client: Some(c), ..Filter::default() },
                _ => return Ok(None),
            };
            (format!("{venue} · {}", actor.name), actor.is_staff(), load(pool, f.venue_id, filter).await?)
        }
        (None, Some(resource_id)) => {
            let resource: String = sqlx::query_scalar("select name from resources where id = $1")
                .bind(resource_id)
                .fetch_one(pool)
                .await?;
            (
                format!("{venue} · {resource}"),
                true,
                load(pool, f.venue_id, Filter { resource: Some(resource_id), ..Filter::default() }).await?,
            )
        }
        (None, None) => return Ok(None),
    };
    Ok(Some(Calendar { name, timezone, for_staff, appointments }))
}

/// One appointment as a calendar: a client's own, any of the venue's for staff.
pub async fn appointment(pool: &PgPool, actor: &Actor, id: i64) -> StoreResult<Calendar> {
    let client = match actor.role {
        Role::Owner | Role::Staff => None,
        Role::Client => Some(actor.client_id.ok_or(StoreError::NotFound)?),
        Role::Vendor => return Err(StoreError::NotFound),
    };
    let appointments = load(pool, actor.venue_id, Filter { client, id: Some(id), ..Filter::default() }).await?;
    if appointments.is_empty() {
        return Err(StoreError::NotFound);
    }
    let (venue, timezone) = venue_name_tz(pool, actor.venue_id).await?;
    Ok(Calendar { name: venue, timezone, for_staff: actor.is_staff(), appointments })
}
