//! Chat attachments in the store: uploads waiting for their message, bound to a thread by the
//! send, read by the turn, discarded, swept, and deleted with their thread.

use crate::domain::knowledge::{Attachment, DocFormat, DocStatus};
use crate::store::{Actor, StoreError, StoreResult};
use sqlx::{PgConnection, PgPool};

/// Binds the actor's uploads `ids` to their thread (the message that carries them is being
/// stored in the same transaction, under the thread's lock). Each must be an attachment the actor
/// uploaded, waiting or already in this thread. Returns them in the order given.
pub async fn attach(
    conn: &mut PgConnection,
    actor: &Actor,
    thread_id: i64,
    ids: &[i64],
) -> StoreResult<Vec<Attachment>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    #[derive(sqlx::FromRow)]
    struct Row {
        id: i64,
        filename: String,
        #[sqlx(try_from = "String")]
        format: DocFormat,
        media_type: String,
        byte_size: i64,
    }
    let rows: Vec<Row> = sqlx::query_as(
        "update documents d set thread_id = $2
          where d.id = any($3) and d.venue_id = $1 and d.audience = 'thread' and d.uploaded_by = $4
            and (d.thread_id is null or d.thread_id = $2)
          returning d.id, d.filename, d.format, d.media_type, d.byte_size",
    )
    .bind(actor.venue_id)
    .bind(thread_id)
    .bind(ids)
    .bind(actor.user_id)
    .fetch_all(&mut *conn)
    .await?;
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let Some(r) = rows.iter().find(|r| r.id == *id) else {
            return Err(StoreError::field(
                "attachments",
                "An attached file is no longer available. Remove it and attach it again.",
            ));
        };
        out.push(Attachment {
            id: r.id,
            filename: r.filename.clone(),
            format: r.format,
            media_type: r.media_type.clone(),
            byte_size: r.byte_size,
        });
    }
    Ok(out)
}

/// What a turn needs of a thread's attachments: status, and the extracted text (for models that
/// read it whole).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AttachmentBody {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub status: DocStatus,
    pub object_key: String,
    pub media_type: String,
    pub body: String,
}

/// Attachments `ids` of thread `thread_id` (the turn's own thread; its owner is acting).
pub async fn attachment_bodies(pool: &PgPool, thread_id: i64, ids: &[i64]) -> StoreResult<Vec<AttachmentBody>> {
    Ok(sqlx::query_as(
        "select id, status, object_key, media_type, body from documents
          where thread_id = $1 and audience = 'thread' and id = any($2)",
    )
    .bind(thread_id)
    .bind(ids)
    .fetch_all(pool)
    .await?)
}

/// Deletes an attachment the actor uploaded that no message carries yet. Returns its original.
pub async fn discard(pool: &PgPool, actor: &Actor, id: i64) -> StoreResult<String> {
    sqlx::query_scalar(
        "delete from documents where id = $1 and venue_id = $2 and uploaded_by = $3
            and audience = 'thread' and thread_id is null
          returning object_key",
    )
    .bind(id)
    .bind(actor.venue_id)
    .bind(actor.user_id)
    .fetch_optional(pool)
    .await?
    .ok_or(StoreError::NotFound)
}

/// The originals of a thread's attachments (to delete with the thread).
pub async fn thread_originals(conn: &mut PgConnection, thread_id: i64) -> StoreResult<Vec<String>> {
    Ok(sqlx::query_scalar("select object_key from documents where thread_id = $1")
        .bind(thread_id)
        .fetch_all(conn)
        .await?)
}

/// Deletes uploads never sent with a message, made before `before`. Returns their originals.
pub async fn sweep_unsent(pool: &PgPool, before: chrono::DateTime<chrono::Utc>) -> StoreResult<Vec<String>> {
    Ok(sqlx::query_scalar(
        "delete from documents where audience = 'thread' and thread_id is null and created_at < $1
          returning object_key",
    )
    .bind(before)
    .fetch_all(pool)
    .await?)
}
