//! Elements of an event (menu, decor, music...) and the client's change requests.

use super::access::{self, Need};
use super::{Actor, StoreError, StoreResult};
use crate::domain::records::Element;
use crate::domain::records::ElementsView;
use crate::domain::ElementStatus;
use sqlx::{Acquire, PgPool, Postgres};

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
pub async fn set_status<'c>(
    db: impl Acquire<'c, Database = Postgres>,
    actor: &Actor,
    event_id: i64,
    element_id: i64,
    status: ElementStatus,
) -> StoreResult<()> {
    let mut tx = db.begin().await?;
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

/// One element of an event the actor may read the plan of.
pub async fn element(pool: &PgPool, actor: &Actor, event_id: i64, element_id: i64) -> StoreResult<Element> {
    let mut conn = pool.acquire().await?;
    access::event(&mut conn, actor, event_id, Need::Plan).await?;
    sqlx::query_as(
        "select el.id, el.category, el.name, el.description, el.quantity, el.price_cents, el.status, v.name as vendor_name
           from elements el left join vendors v on v.id = el.vendor_id
          where el.event_id = $1 and el.id = $2",
    )
    .bind(event_id)
    .bind(element_id)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)
}

/// The element category a service becomes.
pub fn element_category(service_category: &str) -> &'static str {
    match service_category {
        "catering" => "menu",
        "beverage" => "beverage",
        "decor" => "decor",
        "music" => "music",
        _ => "other",
    }
}

/// A change to an event's elements, as a client asks for it.
#[derive(Clone, Debug)]
pub enum ElementChange {
    Add { service_id: i64, quantity: i32 },
    Remove { element_id: i64 },
    Quantity { element_id: i64, quantity: i32 },
}

/// Applies a change the venue approved (staff only), and records it as an accepted change
/// request of `requested_by`. Returns the element as it is now.
pub async fn apply_element_change<'c>(
    db: impl Acquire<'c, Database = Postgres>,
    actor: &Actor,
    event_id: i64,
    change: &ElementChange,
    requested_by: i64,
    description: &str,
) -> StoreResult<Element> {
    let mut tx = db.begin().await?;
    access::event(&mut tx, actor, event_id, Need::Manage).await?;
    let element_id: i64 = match change {
        ElementChange::Add { service_id, quantity } => {
            let s: super::services::Service = sqlx::query_as(
                "select id, name, category, unit, price_cents from services where id = $1 and venue_id = $2",
            )
            .bind(service_id)
            .bind(actor.venue_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or(StoreError::NotFound)?;
            sqlx::query_scalar(
                "insert into elements (event_id, category, name, quantity, price_cents, status)
                 values ($1, $2, $3, $4, $5, 'approved') returning id",
            )
            .bind(event_id)
            .bind(element_category(&s.category))
            .bind(&s.name)
            .bind(quantity)
            .bind(s.price_cents)
            .fetch_one(&mut *tx)
            .await?
        }
        ElementChange::Remove { element_id } => {
            sqlx::query_scalar("update elements set status = 'declined' where id = $1 and event_id = $2 returning id")
                .bind(element_id)
                .bind(event_id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or(StoreError::NotFound)?
        }
        ElementChange::Quantity { element_id, quantity } => sqlx::query_scalar(
            "update elements set quantity = $3, status = case when status = 'declined' then 'approved' else status end
              where id = $1 and event_id = $2 returning id",
        )
        .bind(element_id)
        .bind(event_id)
        .bind(quantity)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(StoreError::NotFound)?,
    };
    sqlx::query(
        "insert into element_change_requests (event_id, element_id, requested_by, description, status, resolved_by, resolved_at)
         values ($1, $2, $3, $4, 'accepted', $5, now())",
    )
    .bind(event_id)
    .bind(element_id)
    .bind(requested_by)
    .bind(description.chars().take(2000).collect::<String>())
    .bind(actor.user_id)
    .execute(&mut *tx)
    .await?;
    let element = sqlx::query_as(
        "select el.id, el.category, el.name, el.description, el.quantity, el.price_cents, el.status, v.name as vendor_name
           from elements el left join vendors v on v.id = el.vendor_id where el.id = $1",
    )
    .bind(element_id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(element)
}
