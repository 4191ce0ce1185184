//! Elements of an event (menu, decor, music...) and the client's change requests.

use super::access::{self, Need};
use super::{Actor, StoreError, StoreResult};
use crate::domain::model::ElementsView;
use crate::domain::ElementStatus;
use sqlx::PgPool;

pub async fn list(pool: &PgPool, actor: &Actor, event_id: i64) -> StoreResult<ElementsView> {
    let mut conn = pool.acquire().await?;
    access::event(&mut conn, actor, event_id, Need::Plan).await?;
    let elements = sqlx::query_as(
        "select el.id, el.category, el.name, el.description, el.quantity, el.price_cents, el.status, v.name as vendor_name
           from elements el left join vendors v on v.id = el.vendor_id
          where el.event_id = $1
          order by el.category, el.name, el.id",
    )
    .bind(event_id)
    .fetch_all(&mut *conn)
    .await?;
    let requests = sqlx::query_as(
        "select r.id, el.name as element_name, r.description, r.status, u.name as requested_by, r.created_at
           from element_change_requests r
           left join elements el on el.id = r.element_id
           join users u on u.id = r.requested_by
          where r.event_id = $1
          order by r.status = 'pending' desc, r.created_at desc",
    )
    .bind(event_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(ElementsView { elements, requests })
}

/// Changes an element's status (staff only).
pub async fn set_status(
    pool: &PgPool,
    actor: &Actor,
    event_id: i64,
    element_id: i64,
    status: ElementStatus,
) -> StoreResult<()> {
    let mut tx = pool.begin().await?;
    access::event(&mut tx, actor, event_id, Need::Manage).await?;
    let done = sqlx::query("update elements set status = $3 where id = $1 and event_id = $2")
        .bind(element_id)
        .bind(event_id)
        .bind(status.as_str())
        .execute(&mut *tx)
        .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    tx.commit().await?;
    Ok(())
}
