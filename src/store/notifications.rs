//! NotificationList: short notes for one member (appointment reminders), shown under the bell in the
//! header until read.

use super::{Actor, StoreResult};
use crate::domain::scheduling::{NotificationList, NotificationView};
use sqlx::{PgConnection, PgPool};

/// Adds a note for `user_id`; returns its id.
pub async fn add(conn: &mut PgConnection, venue_id: i64, user_id: i64, body: &str, link: &str) -> StoreResult<i64> {
    Ok(sqlx::query_scalar(
        "insert into notifications (venue_id, user_id, body, link) values ($1, $2, $3, $4) returning id",
    )
    .bind(venue_id)
    .bind(user_id)
    .bind(body)
    .bind(link)
    .fetch_one(conn)
    .await?)
}

/// The actor's latest notes in this venue, and how many are unread.
pub async fn recent(pool: &PgPool, actor: &Actor, limit: i64) -> StoreResult<NotificationList> {
    let items: Vec<NotificationView> = sqlx::query_as(
        "select id, body, link, created_at, read_at is not null as read
           from notifications where user_id = $1 and venue_id = $2
          order by created_at desc, id desc limit $3",
    )
    .bind(actor.user_id)
    .bind(actor.venue_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    let unread: i64 = sqlx::query_scalar(
        "select count(*) from notifications where user_id = $1 and venue_id = $2 and read_at is null",
    )
    .bind(actor.user_id)
    .bind(actor.venue_id)
    .fetch_one(pool)
    .await?;
    Ok(NotificationList { items, unread })
}

/// Marks all of the actor's notes read.
pub async fn mark_read(pool: &PgPool, actor: &Actor) -> StoreResult<u64> {
    Ok(sqlx::query("update notifications set read_at = now() where user_id = $1 and venue_id = $2 and read_at is null")
        .bind(actor.user_id)
        .bind(actor.venue_id)
        .execute(pool)
        .await?
        .rows_affected())
}
