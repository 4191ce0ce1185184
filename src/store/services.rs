//! The venue's services and their prices: what a client can add to an event (every member may
//! see the price list).

use super::{Actor, StoreError, StoreResult};
use serde::Serialize;
use sqlx::PgPool;

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct Service {
    pub id: i64,
    pub name: String,
    pub category: String,
    /// `flat`, `per_guest` or `per_hour`.
    pub unit: String,
    pub price_cents: i64,
}

/// What the venue sells (every member may see the price list).
pub async fn list(pool: &PgPool, actor: &Actor, category: Option<&str>) -> StoreResult<Vec<Service>> {
    Ok(sqlx::query_as(
        "select id, name, category, unit, price_cents from services
          where venue_id = $1 and ($2::text is null or category = $2)
          order by category, name",
    )
    .bind(actor.venue_id)
    .bind(category)
    .fetch_all(pool)
    .await?)
}

/// One of the venue's services.
pub async fn by_id(pool: &PgPool, actor: &Actor, service_id: i64) -> StoreResult<Service> {
    sqlx::query_as("select id, name, category, unit, price_cents from services where id = $1 and venue_id = $2")
        .bind(service_id)
        .bind(actor.venue_id)
        .fetch_optional(pool)
        .await?
        .ok_or(StoreError::NotFound)
}
