//! The venue's clients, as staff look them up.

use super::{like_pattern, Actor, StoreError, StoreResult};
use serde::Serialize;
use sqlx::PgPool;

#[derive(Clone, Debug, Serialize, sqlx::FromRow)]
pub struct ClientRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub phone: String,
    pub events: Vec<String>,
}

/// Clients whose name or email contains `query` (staff only), at most 20.
pub async fn search_clients(pool: &PgPool, actor: &Actor, query: &str) -> StoreResult<Vec<ClientRow>> {
    if !actor.is_staff() {
        return Err(StoreError::Forbidden);
    }
    let pattern = like_pattern(query);
    Ok(sqlx::query_as(
        "select c.id, c.name, c.email, c.phone,
                coalesce(array(select e.title || ' (' || e.event_date || ', ' || e.status || ', event ' || e.id || ')'
                                 from events e where e.client_id = c.id order by e.event_date), '{}') as events
           from clients c
          where c.venue_id = $1 and (c.name ilike $2 escape '\\' or c.email ilike $2 escape '\\')
          order by c.name limit 20",
    )
    .bind(actor.venue_id)
    .bind(pattern)
    .fetch_all(pool)
    .await?)
}
