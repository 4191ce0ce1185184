//! The owner's scheduling settings: appointment types, resources, their weekly hours and date
//! overrides. Changes apply to bookings made from then on; existing appointments keep their time.

use super::{owner, Actor, StoreError, StoreResult};
use crate::domain::scheduling::{HoursRow, NamedId, OverrideView, ResourceSettings, SchedulingSetup, TypeSettings};
use chrono::{NaiveDate, NaiveTime};
use sqlx::PgPool;

pub async fn settings(pool: &PgPool, actor: &Actor) -> StoreResult<SchedulingSetup> {
    owner(actor)?;
    let timezone: String =
        sqlx::query_scalar("select timezone from venues where id = $1").bind(actor.venue_id).fetch_one(pool).await?;
    let types: Vec<TypeSettings> = sqlx::query_as(
        "select t.id, t.name, t.description, t.duration_minutes, t.buffer_before_minutes, t.buffer_after_minutes,
                t.min_notice_minutes, t.min_change_notice_minutes, t.price_cents, t.reminder_minutes,
                t.clients_may_book, t.active,
                coalesce(array(select resource_id from appointment_type_resources where type_id = t.id
                                order by resource_id), '{}') as resource_ids
           from appointment_types t where t.venue_id = $1 order by t.active desc, t.name",
    )
    .bind(actor.venue_id)
    .fetch_all(pool)
    .await?;
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        kind: String,
        name: String,
        user_id: Option<i64>,
        active: bool,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "select id, kind, name, user_id, active from resources where venue_id = $1 order by active desc, kind desc, name",
    )
    .bind(actor.venue_id)
    .fetch_all(pool)
    .await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    #[derive(sqlx::FromRow)]
    struct Hours {
        resource_id: i64,
        #[sqlx(flatten)]
        row: HoursRow,
    }
    let hours: Vec<Hours> = sqlx::query_as(
        "select resource_id, weekday, start_time, end_time from resource_hours
          where resource_id = any($1) order by weekday, start_time",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await?;
    let overrides: Vec<OverrideView> = sqlx::query_as(
        "select id, resource_id, day, kind, start_time, end_time, note from resource_overrides
          where resource_id = any($1) and day >= current_date - 1 order by day, start_time nulls first",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await?;
    let resources = rows
        .into_iter()
        .map(|r| ResourceSettings {
            hours: hours.iter().filter(|h| h.resource_id == r.id).map(|h| h.row).collect(),
            overrides: overrides.iter().filter(|o| o.resource_id == r.id).cloned().collect(),
            id: r.id,
            kind: r.kind,
            name: r.name,
            user_id: r.user_id,
            active: r.active,
        })
        .collect();
    let staff: Vec<NamedId> = sqlx::query_as(
        "select u.id, u.name from users u join memberships m on m.user_id = u.id
          where m.venue_id = $1 and m.role in ('owner', 'staff') order by u.name",
    )
    .bind(actor.venue_id)
    .fetch_all(pool)
    .await?;
    Ok(SchedulingSetup { timezone, types, resources, staff })
}

/// Creates (`id` 0) or updates a type; returns its id.
pub async fn save_type(pool: &PgPool, actor: &Actor, t: &TypeSettings) -> StoreResult<i64> {
    owner(actor)?;
    let errors = t.check();
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let mut tx = pool.begin().await?;
    let known: i64 = sqlx::query_scalar("select count(*) from resources where venue_id = $1 and id = any($2)")
        .bind(actor.venue_id)
        .bind(&t.resource_ids)
        .fetch_one(&mut *tx)
        .await?;
    if known as usize != t.resource_ids.len() {
        return Err(StoreError::field("resource_ids", "One of those resources does not exist."));
    }
    // A new type (id 0) is inserted; an existing one is updated (its id is bound first, as $1).
    let sql = if t.id == 0 {
        "insert into appointment_types (venue_id, name, description, duration_minutes, buffer_before_minutes,
                buffer_after_minutes, min_notice_minutes, min_change_notice_minutes, price_cents, reminder_minutes,
                clients_may_book, active)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning id"
    } else {
        "update appointment_types set name = $3, description = $4, duration_minutes = $5,
                buffer_before_minutes = $6, buffer_after_minutes = $7, min_notice_minutes = $8,
                min_change_notice_minutes = $9, price_cents = $10, reminder_minutes = $11,
                clients_may_book = $12, active = $13
          where id = $1 and venue_id = $2 returning id"
    };
    let mut q = sqlx::query_scalar::<_, i64>(sql);
    if t.id != 0 {
        q = q.bind(t.id);
    }
    let id = q
        .bind(actor.venue_id)
        .bind(t.name.trim())
        .bind(t.description.trim())
        .bind(t.duration_minutes)
        .bind(t.buffer_before_minutes)
        .bind(t.buffer_after_minutes)
        .bind(t.min_notice_minutes)
        .bind(t.min_change_notice_minutes)
        .bind(t.price_cents)
        .bind(t.reminder_minutes)
        .bind(t.clients_may_book)
        .bind(t.active)
        .fetch_optional(&mut *tx)
        .await
        .map_err(super::on_constraint)?
        .ok_or(StoreError::NotFound)?;
    sqlx::query("delete from appointment_type_resources where type_id = $1").bind(id).execute(&mut *tx).await?;
    sqlx::query("insert into appointment_type_resources (type_id, resource_id) select $1, unnest($2::bigint[])")
        .bind(id)
        .bind(&t.resource_ids)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Creates (`id` 0) or updates a resource and replaces its weekly hours; returns its id.
pub async fn save_resource(pool: &PgPool, actor: &Actor, r: &ResourceSettings) -> StoreResult<i64> {
    owner(actor)?;
    let errors = r.check();
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let mut tx = pool.begin().await?;
    if let Some(user_id) = r.user_id {
        let member: bool = sqlx::query_scalar(
            "select exists (select 1 from memberships where venue_id = $1 and user_id = $2 and role in ('owner', 'staff'))",
        )
        .bind(actor.venue_id)
        .bind(user_id)
        .fetch_one(&mut *tx)
        .await?;
        if !member {
            return Err(StoreError::field("user_id", "Pick a member of the venue's staff."));
        }
    }
    let id: i64 = if r.id == 0 {
        sqlx::query_scalar(
            "insert into resources (venue_id, kind, name, user_id, active) values ($1, $2, $3, $4, $5) returning id",
        )
        .bind(actor.venue_id)
        .bind(&r.kind)
        .bind(r.name.trim())
        .bind(r.user_id)
        .bind(r.active)
        .fetch_one(&mut *tx)
        .await
        .map_err(super::on_constraint)?
    } else {
        sqlx::query_scalar(
            "update resources set kind = $3, name = $4, user_id = $5, active = $6
              where id = $1 and venue_id = $2 returning id",
        )
        .bind(r.id)
        .bind(actor.venue_id)
        .bind(&r.kind)
        .bind(r.name.trim())
        .bind(r.user_id)
        .bind(r.active)
        .fetch_optional(&mut *tx)
        .await
        .map_err(super::on_constraint)?
        .ok_or(StoreError::NotFound)?
    };
    sqlx::query("delete from resource_hours where resource_id = $1").bind(id).execute(&mut *tx).await?;
    for h in &r.hours {
        sqlx::query("insert into resource_hours (resource_id, weekday, start_time, end_time) values ($1, $2, $3, $4)")
            .bind(id)
            .bind(h.weekday)
            .bind(h.start_time)
            .bind(h.end_time)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Adds a date override: `closed` all day, `extra` hours, or time `off`.
pub async fn add_override(
    pool: &PgPool,
    actor: &Actor,
    resource_id: i64,
    day: NaiveDate,
    kind: &str,
    times: Option<(NaiveTime, NaiveTime)>,
    note: &str,
) -> StoreResult<i64> {
    owner(actor)?;
    let (start, end) = match (kind, times) {
        ("closed", _) => (None, None),
        ("extra" | "off", Some((s, e))) if e > s || e == NaiveTime::MIN => (Some(s), Some(e)),
        ("extra" | "off", _) => return Err(StoreError::field("end_time", "The end must come after the start.")),
        _ => return Err(StoreError::field("kind", "Pick closed, extra hours or time off.")),
    };
    if note.chars().count() > 500 {
        return Err(StoreError::field("note", "At most 500 characters."));
    }
    sqlx::query_scalar(
        "insert into resource_overrides (resource_id, day, kind, start_time, end_time, note)
         select id, $3, $4, $5, $6, $7 from resources where id = $1 and venue_id = $2
         returning id",
    )
    .bind(resource_id)
    .bind(actor.venue_id)
    .bind(day)
    .bind(kind)
    .bind(start)
    .bind(end)
    .bind(note.trim())
    .fetch_optional(pool)
    .await?
    .ok_or(StoreError::NotFound)
}

pub async fn delete_override(pool: &PgPool, actor: &Actor, id: i64) -> StoreResult<()> {
    owner(actor)?;
    let done = sqlx::query(
        "delete from resource_overrides o using resources r
          where o.id = $1 and r.id = o.resource_id and r.venue_id = $2",
    )
    .bind(id)
    .bind(actor.venue_id)
    .execute(pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    Ok(())
}
