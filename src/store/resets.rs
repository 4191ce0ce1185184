//! Password resets by emailed link: who a link goes to, the links (stored hashed, used once,
//! within their hour), and the reset itself. Tokens arrive here already hashed.

use super::StoreResult;
use sqlx::PgPool;

/// Who a password reset for `email` goes to: the account and the venue its mail is kept for
/// (its oldest membership). `None` when no member has that address.
#[derive(Debug, sqlx::FromRow)]
pub struct ResetTarget {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub venue_id: i64,
    pub venue_name: String,
    /// How many venues the account belongs to.
    pub memberships: i64,
}

pub async fn reset_target(pool: &PgPool, email: &str) -> StoreResult<Option<ResetTarget>> {
    Ok(sqlx::query_as(
        "select u.id as user_id, u.name, u.email, m.venue_id, v.name as venue_name,
                (select count(*) from memberships all_m where all_m.user_id = u.id) as memberships
           from users u join memberships m on m.user_id = u.id join venues v on v.id = m.venue_id
          where lower(u.email) = lower($1)
          order by m.created_at, m.id limit 1",
    )
    .bind(email)
    .fetch_optional(pool)
    .await?)
}

/// Stores a reset link's hash, unless the account had `per_hour` links in the last hour
/// (then `false`: nothing is stored or sent, and the person is told the same as always).
pub async fn create_reset(
    pool: &PgPool,
    user_id: i64,
    token_hash: &[u8],
    expires_at: chrono::DateTime<chrono::Utc>,
    per_hour: i64,
) -> StoreResult<bool> {
    let mut tx = pool.begin().await?;
    // One request at a time per account, so the count below cannot be raced past.
    sqlx::query("select id from users where id = $1 for update").bind(user_id).execute(&mut *tx).await?;
    let recent: i64 = sqlx::query_scalar(
        "select count(*) from password_resets where user_id = $1 and created_at > now() - interval '1 hour'",
    )
    .bind(user_id)
    .fetch_one(&mut *tx)
    .await?;
    if recent >= per_hour {
        return Ok(false);
    }
    sqlx::query("insert into password_resets (user_id, token_hash, expires_at) values ($1, $2, $3)")
        .bind(user_id)
        .bind(token_hash)
        .bind(expires_at)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// The account a reset link is for, while it can still be used.
pub async fn reset_email(pool: &PgPool, token_hash: &[u8]) -> StoreResult<Option<String>> {
    Ok(sqlx::query_scalar(
        "select u.email from password_resets r join users u on u.id = r.user_id
          where r.token_hash = $1 and r.used_at is null and r.expires_at > now()",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await?)
}

/// A password reset carried out.
#[derive(Debug)]
pub struct ResetDone {
    pub user_id: i64,
    pub venue_id: i64,
    /// The sessions that ended (every one of the account's: whoever knew the old password is out).
    pub ended: Vec<Vec<u8>>,
}

/// Sets a new password through a reset link: once, before it expires. Every other link of the
/// account stops working and every session ends. `None`: the link is unknown, used or expired.
pub async fn use_reset(pool: &PgPool, token_hash: &[u8], password_hash: &str) -> StoreResult<Option<ResetDone>> {
    let mut tx = pool.begin().await?;
    let user_id: Option<i64> = sqlx::query_scalar(
        "select user_id from password_resets
          where token_hash = $1 and used_at is null and expires_at > now() for update",
    )
    .bind(token_hash)
    .fetch_optional(&mut *tx)
    .await?;
    let Some(user_id) = user_id else { return Ok(None) };
    let venue_id: Option<i64> =
        sqlx::query_scalar("select venue_id from memberships where user_id = $1 order by created_at, id limit 1")
            .bind(user_id)
            .fetch_optional(&mut *tx)
            .await?;
    let Some(venue_id) = venue_id else { return Ok(None) };
    sqlx::query("update users set password_hash = $2 where id = $1")
        .bind(user_id)
        .bind(password_hash)
        .execute(&mut *tx)
        .await?;
    sqlx::query("update password_resets set used_at = now() where user_id = $1 and used_at is null")
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    let ended =
        sqlx::query_scalar("delete from sessions where user_id = $1 and embed_token_id is null returning token_hash")
            .bind(user_id)
            .fetch_all(&mut *tx)
            .await?;
    // Failed logins counted against the account no longer hold the person back.
    sqlx::query(
        "delete from login_attempts where not succeeded and lower(email) = (select lower(email) from users where id = $1)",
    )
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Some(ResetDone { user_id, venue_id, ended }))
}
