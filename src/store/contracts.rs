//! An event's contract: line items and payment milestones. Staff and the client read it.

use super::access::{self, Need};
use super::{Actor, StoreResult};
use crate::domain::records::Contract;
use sqlx::PgPool;

/// The contract of an event, or `None` when none was drawn up yet.
pub async fn for_event(pool: &PgPool, actor: &Actor, event_id: i64) -> StoreResult<Option<Contract>> {
    let mut conn = pool.acquire().await?;
    // Prices between the venue and its client are not a vendor's business.
    access::event(&mut conn, actor, event_id, Need::Plan).await?;
    let head: Option<(i64, String, String, Option<chrono::DateTime<chrono::Utc>>)> =
        sqlx::query_as("select id, status, terms, signed_at from contracts where event_id = $1")
            .bind(event_id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((id, status, terms, signed_at)) = head else {
        return Ok(None);
    };
    let items = sqlx::query_as(
        "select id, description, quantity, unit_price_cents from contract_line_items where contract_id = $1 order by position, id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    let milestones = sqlx::query_as(
        "select id, label, due_date, amount_cents, paid_at from payment_milestones where contract_id = $1 order by due_date, id",
    )
    .bind(id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(Some(Contract { id, status, terms, signed_at, items, milestones }))
}
