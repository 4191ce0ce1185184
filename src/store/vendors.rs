//! The venue's vendor directory (staff only): list and add.

use super::{Actor, StoreError, StoreResult};
use crate::domain::forms::VendorDraft;
use crate::domain::records::VendorEntry;
use serde::Serialize;
use sqlx::PgPool;

/// Every vendor of the actor's venue, by name.
pub async fn directory(pool: &PgPool, actor: &Actor) -> StoreResult<Vec<VendorEntry>> {
    if !actor.is_staff() {
        return Err(StoreError::Forbidden);
    }
    Ok(sqlx::query_as(
        "select v.id, v.name, v.contact, v.category, v.email, v.phone, v.rate_cents, v.rate_unit, v.notes,
                (select count(*) from event_vendors ev join events e on e.id = ev.event_id
                  where ev.vendor_id = v.id and e.event_date >= current_date and e.status <> 'cancelled') as upcoming_events
           from vendors v
          where v.venue_id = $1
          order by lower(v.name), v.id",
    )
    .bind(actor.venue_id)
    .fetch_all(pool)
    .await?)
}

/// Adds a vendor to the actor's venue; returns it.
pub async fn create(pool: &PgPool, actor: &Actor, draft: &VendorDraft) -> StoreResult<VendorEntry> {
    if !actor.is_staff() {
        return Err(StoreError::Forbidden);
    }
    let id: i64 = sqlx::query_scalar(
        "insert into vendors (venue_id, name, contact, category, email, phone, rate_cents, rate_unit, notes)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id",
    )
    .bind(actor.venue_id)
    .bind(&draft.name)
    .bind(&draft.contact)
    .bind(&draft.category)
    .bind(&draft.email)
    .bind(&draft.phone)
    .bind(draft.rate_cents)
    .bind(&draft.rate_unit)
    .bind(&draft.notes)
    .fetch_one(pool)
    .await?;
    tracing::info!(vendor_id = id, venue_id = actor.venue_id, "vendor added");
    Ok(VendorEntry {
        id,
        name: draft.name.clone(),
        contact: draft.contact.clone(),
        category: draft.category.clone(),
        email: draft.email.clone(),
        phone: draft.phone.clone(),
        rate_cents: draft.rate_cents,
        rate_unit: draft.rate_unit.clone(),
        notes: draft.notes.clone(),
        upcoming_events: 0,
    })
}

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct VendorRow {
    pub id: i64,
    pub name: String,
    pub category: String,
    pub email: String,
    pub phone: String,
    /// Upcoming events it is assigned to.
    pub upcoming_events: i64,
}

/// The venue's vendors with their upcoming work (staff only; the agents' list).
pub async fn list(pool: &PgPool, actor: &Actor, category: Option<&str>) -> StoreResult<Vec<VendorRow>> {
    if !actor.is_staff() {
        return Err(StoreError::Forbidden);
    }
    Ok(sqlx::query_as(
        "select v.id, v.name, v.category, v.email, v.phone,
                (select count(*) from event_vendors ev join events e on e.id = ev.event_id
                  where ev.vendor_id = v.id and e.event_date >= current_date and e.status <> 'cancelled') as upcoming_events
           from vendors v
          where v.venue_id = $1 and ($2::text is null or v.category = $2)
          order by v.category, v.name",
    )
    .bind(actor.venue_id)
    .bind(category)
    .fetch_all(pool)
    .await?)
}
