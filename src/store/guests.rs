//! The guest list of one event: staff and the event's client may edit it.

use super::access::{self, Need};
use super::{Actor, StoreError, StoreResult};
use crate::domain::forms::GuestDraft;
use crate::domain::records::Guest;
use crate::domain::Rsvp;
use sqlx::{Acquire, PgPool, Postgres};

const COLUMNS: &str = "id, name, email, party_size, rsvp, dietary, notes";

pub async fn list(pool: &PgPool, actor: &Actor, event_id: i64) -> StoreResult<Vec<Guest>> {
    let mut conn = pool.acquire().await?;
    access::event(&mut conn, actor, event_id, Need::Plan).await?;
    Ok(sqlx::query_as(&format!("select {COLUMNS} from guests where event_id = $1 order by lower(name), id"))
        .bind(event_id)
        .fetch_all(&mut *conn)
        .await?)
}

/// The actor may edit this event's guests: how many it has (the transaction holds the check).
async fn open_list(conn: &mut sqlx::PgConnection, actor: &Actor, event_id: i64) -> StoreResult<i64> {
    access::event(conn, actor, event_id, Need::Guests).await?;
    Ok(sqlx::query_scalar("select count(*) from guests where event_id = $1").bind(event_id).fetch_one(conn).await?)
}

pub async fn add<'c>(
    db: impl Acquire<'c, Database = Postgres>,
    actor: &Actor,
    event_id: i64,
    g: &GuestDraft,
) -> StoreResult<Guest> {
    let mut tx = db.begin().await?;
    let count = open_list(&mut tx, actor, event_id).await?;
    if count >= 2000 {
        return Err(StoreError::Conflict("This event already has 2,000 guests, the most a list can hold.".into()));
    }
    let guest = sqlx::query_as(&format!(
        "insert into guests (event_id, name, email, party_size, rsvp, dietary, notes)
         values ($1, $2, $3, $4, $5, $6, $7) returning {COLUMNS}"
    ))
    .bind(event_id)
    .bind(&g.name)
    .bind(&g.email)
    .bind(g.party_size)
    .bind(g.rsvp.as_str())
    .bind(&g.dietary)
    .bind(&g.notes)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(guest)
}

pub async fn update<'c>(
    db: impl Acquire<'c, Database = Postgres>,
    actor: &Actor,
    event_id: i64,
    guest_id: i64,
    g: &GuestDraft,
) -> StoreResult<Guest> {
    let mut tx = db.begin().await?;
    access::event(&mut tx, actor, event_id, Need::Guests).await?;
    let guest = sqlx::query_as(&format!(
        "update guests set name = $3, email = $4, party_size = $5, rsvp = $6, dietary = $7, notes = $8
          where id = $1 and event_id = $2 returning {COLUMNS}"
    ))
    .bind(guest_id)
    .bind(event_id)
    .bind(&g.name)
    .bind(&g.email)
    .bind(g.party_size)
    .bind(g.rsvp.as_str())
    .bind(&g.dietary)
    .bind(&g.notes)
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    tx.commit().await?;
    Ok(guest)
}

pub async fn set_rsvp(pool: &PgPool, actor: &Actor, event_id: i64, guest_id: i64, rsvp: Rsvp) -> StoreResult<()> {
    let mut tx = pool.begin().await?;
    access::event(&mut tx, actor, event_id, Need::Guests).await?;
    let done = sqlx::query("update guests set rsvp = $3 where id = $1 and event_id = $2")
        .bind(guest_id)
        .bind(event_id)
        .bind(rsvp.as_str())
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

pub async fn remove<'c>(
    db: impl Acquire<'c, Database = Postgres>,
    actor: &Actor,
    event_id: i64,
    guest_id: i64,
) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    access::event(&mut tx, actor, event_id, Need::Guests).await?;
    let done = sqlx::query("delete from guests where id = $1 and event_id = $2")
        .bind(guest_id)
        .bind(event_id)
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}

/// Adds the valid rows of an import, all in one transaction (none if any fails), remembering
/// the import so it can be undone. `rejected` is how many rows the check refused.
pub async fn import(
    pool: &PgPool,
    actor: &Actor,
    event_id: i64,
    guests: &[GuestDraft],
    rejected: usize,
) -> StoreResult<i64> {
    let mut tx = pool.begin().await?;
    let count = open_list(&mut tx, actor, event_id).await?;
    if count + guests.len() as i64 > 2000 {
        return Err(StoreError::Conflict(format!(
            "This import would make {} guests; a list holds at most 2,000. Nothing was imported.",
            count + guests.len() as i64
        )));
    }
    let import_id: i64 = sqlx::query_scalar(
        "insert into guest_imports (event_id, created_by, rows_imported, rows_rejected) values ($1, $2, $3, $4) returning id",
    )
    .bind(event_id)
    .bind(actor.user_id)
    .bind(guests.len() as i32)
    .bind(rejected as i32)
    .fetch_one(&mut *tx)
    .await?;
    let col = |f: fn(&GuestDraft) -> String| guests.iter().map(f).collect::<Vec<String>>();
    sqlx::query(
        "insert into guests (event_id, import_id, name, email, party_size, rsvp, dietary, notes)
         select $1, $2, * from unnest($3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::text[])",
    )
    .bind(event_id)
    .bind(import_id)
    .bind(col(|g| g.name.clone()))
    .bind(col(|g| g.email.clone()))
    .bind(guests.iter().map(|g| g.party_size).collect::<Vec<i32>>())
    .bind(col(|g| g.rsvp.as_str().to_string()))
    .bind(col(|g| g.dietary.clone()))
    .bind(col(|g| g.notes.clone()))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(import_id)
}

/// Removes every guest an import added. Returns how many.
pub async fn undo_import(pool: &PgPool, actor: &Actor, event_id: i64, import_id: i64) -> StoreResult<u64> {
    let mut tx = pool.begin().await?;
    access::event(&mut tx, actor, event_id, Need::Guests).await?;
    let undone: Option<bool> = sqlx::query_scalar(
        "select undone_at is not null from guest_imports where id = $1 and event_id = $2 for update",
    )
    .bind(import_id)
    .bind(event_id)
    .fetch_optional(&mut *tx)
    .await?;
    match undone {
        None => return Err(StoreError::NotFound),
        Some(true) => return Err(StoreError::Conflict("This import was undone already.".into())),
        Some(false) => {}
    }
    let removed = sqlx::query("delete from guests where import_id = $1 and event_id = $2")
        .bind(import_id)
        .bind(event_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    sqlx::query("update guest_imports set undone_at = now() where id = $1").bind(import_id).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(removed)
}
