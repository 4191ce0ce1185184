//! Mail the product sent or keeps: with SMTP configured each message is recorded as sent (or with
//! SMTP's refusal); without it, messages wait here for a venue owner to pass them on.

use super::{Actor, StoreError, StoreResult};
use crate::domain::records::OutboxMessage;
use crate::domain::Role;
use sqlx::PgPool;

pub struct NewMail<'a> {
    pub venue_id: i64,
    pub to_email: &'a str,
    pub to_name: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    /// What of `body` is the recipient's alone (a reset link): kept in the outbox only when the
    /// mail could not be sent and an owner must pass it on; replaced otherwise.
    pub secret: Option<&'a str>,
}

/// Records a message; `sent` when SMTP took it (its secret is then not kept), `error` when it
/// refused.
pub async fn add(pool: &PgPool, m: &NewMail<'_>, sent: bool, error: &str) -> StoreResult<i64> {
    let body = match (sent, m.secret) {
        (true, Some(secret)) => m.body.replace(secret, "[link sent to them, not kept]"),
        _ => m.body.to_string(),
    };
    Ok(sqlx::query_scalar(
        "insert into outbox (venue_id, to_email, to_name, subject, body, sent_at, error)
         values ($1, $2, $3, $4, $5, case when $6 then now() end, $7) returning id",
    )
    .bind(m.venue_id)
    .bind(m.to_email)
    .bind(m.to_name)
    .bind(m.subject)
    .bind(body)
    .bind(sent)
    .bind(error.chars().take(500).collect::<String>())
    .fetch_one(pool)
    .await?)
}

/// The venue's latest mail, newest first (owners).
pub async fn list(pool: &PgPool, actor: &Actor, limit: i64) -> StoreResult<Vec<OutboxMessage>> {
    if actor.role != Role::Owner {
        return Err(StoreError::Forbidden);
    }
    Ok(sqlx::query_as(
        "select id, to_email, to_name, subject, body, created_at, sent_at, error from outbox
          where venue_id = $1 order by id desc limit $2",
    )
    .bind(actor.venue_id)
    .bind(limit)
    .fetch_all(pool)
    .await?)
}
