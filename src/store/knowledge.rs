//! Documents and their passages. Who may read a document is decided here, in SQL, once
//! ([`VISIBLE_DOC`]), and every read of documents or chunks goes through it: the list, a
//! document's page, full-text search, the documents a vector search may return, citations.

use super::{access, Actor, StoreError, StoreResult};
use crate::domain::knowledge::{Audience, DocFormat, DocStatus, DocumentMeta, DocumentSummary, DocumentView};
use sqlx::{PgConnection, PgPool};

mod attachments;
pub use attachments::{attach, attachment_bodies, discard, sweep_unsent, thread_originals, AttachmentBody};

/// SQL predicate over a `documents d` row: true when the actor may read it.
/// Binds: $1 venue, $2 role, $3 client id, $4 vendor id, $5 user id, $6 thread id (or -1).
///
/// Staff read every document of the venue except other people's chat attachments; a client
/// reads the `clients` documents and those of their own events; a vendor the `vendors` ones and
/// those of the events it is assigned to; a chat attachment (`thread`) is read only by the owner
/// of its thread, and only when searching in that thread ($6).
const VISIBLE_DOC: &str = "(d.venue_id = $1 and (
      ($2 in ('owner', 'staff') and d.audience in ('staff', 'clients', 'vendors', 'event'))
   or ($2 = 'client' and (d.audience = 'clients'
        or (d.audience = 'event' and exists (select 1 from events e where e.id = d.event_id and e.client_id = $3))))
   or ($2 = 'vendor' and (d.audience = 'vendors'
        or (d.audience = 'event' and exists (select 1 from event_vendors ev where ev.event_id = d.event_id and ev.vendor_id = $4))))
   or (d.audience = 'thread' and d.thread_id = $6
        and exists (select 1 from chat_threads t where t.id = d.thread_id and t.owner_id = $5))))";

/// Where a search looks: the actor, and the chat thread whose attachments it may include.
#[derive(Clone, Copy, Debug)]
pub struct Reader<'a> {
    pub actor: &'a Actor,
    pub thread_id: Option<i64>,
}

macro_rules! bind_reader {
    ($q:expr, $r:expr) => {
        $q.bind($r.actor.venue_id)
            .bind($r.actor.role.as_str())
            .bind($r.actor.client_id.unwrap_or(-1))
            .bind($r.actor.vendor_id.unwrap_or(-1))
            .bind($r.actor.user_id)
            .bind($r.thread_id.unwrap_or(-1))
    };
}

const SUMMARY_COLUMNS: &str = "d.id, d.title, d.filename, d.format, d.audience, d.event_id, e.title as event_name, \
     d.version, d.byte_size, d.status, d.error, d.enabled, d.chunk_count, d.page_count, d.updated_at";

fn staff_only(actor: &Actor) -> StoreResult<()> {
    if actor.is_staff() {
        Ok(())
    } else {
        Err(StoreError::Forbidden)
    }
}

/// The documents the actor may read, newest first (attachments are listed with their thread,
/// not here). Disabled ones are listed to staff only.
pub async fn list(pool: &PgPool, actor: &Actor) -> StoreResult<Vec<DocumentSummary>> {
    let sql = format!(
        "select {SUMMARY_COLUMNS} from documents d left join events e on e.id = d.event_id
          where {VISIBLE_DOC} and d.audience <> 'thread' and (d.enabled or $2 in ('owner', 'staff'))
          order by d.updated_at desc, d.id desc limit 500"
    );
    let reader = Reader { actor, thread_id: None };
    Ok(bind_reader!(sqlx::query_as(&sql), reader).fetch_all(pool).await?)
}

/// One document with its passages.
pub async fn view(pool: &PgPool, actor: &Actor, id: i64) -> StoreResult<DocumentView> {
    let document = summary(pool, Reader { actor, thread_id: None }, id).await?;
    let chunks = sqlx::query_as(
        "select id, ordinal, heading, page, char_start, char_end, content from document_chunks
          where document_id = $1 order by ordinal",
    )
    .bind(id)
    .fetch_all(pool)
    .await?;
    Ok(DocumentView { document, chunks })
}

/// One document's summary, if the reader may read it (its own chat attachments included).
async fn summary(pool: &PgPool, reader: Reader<'_>, id: i64) -> StoreResult<DocumentSummary> {
    let sql = format!(
        "select {SUMMARY_COLUMNS} from documents d left join events e on e.id = d.event_id
          where d.id = $7 and (({VISIBLE_DOC} and (d.enabled or $2 in ('owner', 'staff'))) or {OWN_ATTACHMENT})"
    );
    bind_reader!(sqlx::query_as(&sql), reader).bind(id).fetch_optional(pool).await?.ok_or(StoreError::NotFound)
}

/// SQL predicate over a `documents d` row: a chat attachment of the actor's (binds as
/// [`VISIBLE_DOC`]): one waiting for its message that they uploaded, or one in a thread of theirs.
const OWN_ATTACHMENT: &str = "(d.venue_id = $1 and d.audience = 'thread' and (
      (d.thread_id is null and d.uploaded_by = $5)
   or exists (select 1 from chat_threads t where t.id = d.thread_id and t.owner_id = $5)))";

/// Where an original is kept, if the actor may read the document (downloads, and the images and
/// files of their own chats). Returns its key, file name and media type.
pub async fn original(pool: &PgPool, actor: &Actor, id: i64) -> StoreResult<(String, String, String)> {
    let sql = format!(
        "select d.object_key, d.filename, d.media_type from documents d
          where d.id = $7 and (({VISIBLE_DOC} and (d.enabled or $2 in ('owner', 'staff'))) or {OWN_ATTACHMENT})"
    );
    bind_reader!(sqlx::query_as(&sql), Reader { actor, thread_id: None })
        .bind(id)
        .fetch_optional(pool)
        .await?
        .ok_or(StoreError::NotFound)
}

/// A new document's row.
pub struct NewDocument<'a> {
    pub meta: &'a DocumentMeta,
    pub filename: &'a str,
    pub format: DocFormat,
    pub media_type: &'a str,
    /// A chat attachment: it waits, with no thread, for the message that carries it.
    pub attachment: bool,
    pub byte_size: i64,
    pub sha256: &'a [u8],
    pub object_key: &'a str,
}

/// Adds a document, queued for indexing (an image has nothing to index: it is ready at once).
/// Staff add venue documents; anyone adds chat attachments. An event audience needs an event of
/// the venue.
pub async fn create(conn: &mut PgConnection, actor: &Actor, doc: &NewDocument<'_>) -> StoreResult<i64> {
    let audience = if doc.attachment { Audience::Thread } else { doc.meta.audience };
    if audience != Audience::Thread {
        staff_only(actor)?;
    }
    if let Some(event_id) = doc.meta.event_id.filter(|_| audience == Audience::Event) {
        access::event(conn, actor, event_id, access::Need::Manage)
            .await
            .map_err(|_| StoreError::field("event_id", "Choose one of the venue's events."))?;
    }
    let id = sqlx::query_scalar(
        "insert into documents (venue_id, title, filename, format, media_type, audience, event_id, status,
                                byte_size, sha256, object_key, uploaded_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) returning id",
    )
    .bind(actor.venue_id)
    .bind(&doc.meta.title)
    .bind(doc.filename)
    .bind(doc.format.as_str())
    .bind(doc.media_type)
    .bind(audience.as_str())
    .bind(doc.meta.event_id.filter(|_| audience == Audience::Event))
    .bind(if doc.format == DocFormat::Image { DocStatus::Ready } else { DocStatus::Queued }.as_str())
    .bind(doc.byte_size)
    .bind(doc.sha256)
    .bind(doc.object_key)
    .bind(actor.user_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// A new version of a document's file (staff): queued for indexing again; its passages stay
/// searchable until the new ones replace them. Returns the new version and the old original.
pub async fn replace(
    conn: &mut PgConnection,
    actor: &Actor,
    id: i64,
    doc: &NewDocument<'_>,
) -> StoreResult<(i32, String)> {
    staff_only(actor)?;
    let old: Option<String> = sqlx::query_scalar(
        "select object_key from documents where id = $1 and venue_id = $2 and audience <> 'thread' for update",
    )
    .bind(id)
    .bind(actor.venue_id)
    .fetch_optional(&mut *conn)
    .await?;
    let old = old.ok_or(StoreError::NotFound)?;
    let version = sqlx::query_scalar(
        "update documents set version = version + 1, filename = $2, format = $3, media_type = $4, byte_size = $5,
                sha256 = $6, object_key = $7, status = 'queued', error = null, uploaded_by = $8
          where id = $1 returning version",
    )
    .bind(id)
    .bind(doc.filename)
    .bind(doc.format.as_str())
    .bind(doc.media_type)
    .bind(doc.byte_size)
    .bind(doc.sha256)
    .bind(doc.object_key)
    .bind(actor.user_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok((version, old))
}

/// Renames a document or changes its audience (staff).
pub async fn update(pool: &PgPool, actor: &Actor, id: i64, meta: &DocumentMeta) -> StoreResult<()> {
    staff_only(actor)?;
    let mut tx = pool.begin().await?;
    if let Some(event_id) = meta.event_id {
        access::event(&mut tx, actor, event_id, access::Need::Manage)
            .await
            .map_err(|_| StoreError::field("event_id", "Choose one of the venue's events."))?;
    }
    let venue: Option<i64> = sqlx::query_scalar(
        "update documents set title = $3, audience = $4, event_id = $5
          where id = $1 and venue_id = $2 and audience <> 'thread' returning venue_id",
    )
    .bind(id)
    .bind(actor.venue_id)
    .bind(&meta.title)
    .bind(meta.audience.as_str())
    .bind(meta.event_id)
    .fetch_optional(&mut *tx)
    .await?;
    venue.ok_or(StoreError::NotFound)?;
    bump(&mut tx, actor.venue_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Takes a document out of search, or puts it back (staff).
pub async fn set_enabled(pool: &PgPool, actor: &Actor, id: i64, enabled: bool) -> StoreResult<()> {
    staff_only(actor)?;
    let mut tx = pool.begin().await?;
    let done =
        sqlx::query("update documents set enabled = $3 where id = $1 and venue_id = $2 and audience <> 'thread'")
            .bind(id)
            .bind(actor.venue_id)
            .bind(enabled)
            .execute(&mut *tx)
            .await?;
    if done.rows_affected() == 0 {
        return Err(StoreError::NotFound);
    }
    bump(&mut tx, actor.venue_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a document and its passages (staff; or an attachment, by the owner of its thread).
/// Returns the original's key, for the object store.
pub async fn delete(pool: &PgPool, actor: &Actor, id: i64) -> StoreResult<String> {
    let mut tx = pool.begin().await?;
    let key: Option<String> = sqlx::query_scalar(
        "delete from documents d where d.id = $1 and d.venue_id = $2
            and (($3 and d.audience <> 'thread')
                 or exists (select 1 from chat_threads t where t.id = d.thread_id and t.owner_id = $4))
          returning d.object_key",
    )
    .bind(id)
    .bind(actor.venue_id)
    .bind(actor.is_staff())
    .bind(actor.user_id)
    .fetch_optional(&mut *tx)
    .await?;
    let key = key.ok_or(StoreError::NotFound)?;
    bump(&mut tx, actor.venue_id).await?;
    tx.commit().await?;
    Ok(key)
}

/// Queues a failed document again (staff). Returns its current version.
pub async fn requeue(pool: &PgPool, actor: &Actor, id: i64) -> StoreResult<i32> {
    staff_only(actor)?;
    let version: Option<i32> = sqlx::query_scalar(
        "update documents set status = 'queued', error = null
          where id = $1 and venue_id = $2 and status = 'failed' returning version",
    )
    .bind(id)
    .bind(actor.venue_id)
    .fetch_optional(pool)
    .await?;
    match version {
        Some(v) => Ok(v),
        None => {
            // Distinguish "not yours" from "not failed".
            summary(pool, Reader { actor, thread_id: None }, id).await?;
            Err(StoreError::Conflict("Only a document whose indexing failed can be retried.".into()))
        }
    }
}

/// Tells vector caches that the venue's searchable passages changed.
async fn bump(conn: &mut PgConnection, venue_id: i64) -> StoreResult<()> {
    sqlx::query("update venues set knowledge_version = knowledge_version + 1 where id = $1")
        .bind(venue_id)
        .execute(conn)
        .await?;
    Ok(())
}

// --- indexing (the job; no actor: the job was queued by someone allowed to) ---------------------

/// What the indexing job needs of a document.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ToIndex {
    pub id: i64,
    pub venue_id: i64,
    pub version: i32,
    pub title: String,
    pub object_key: String,
    #[sqlx(try_from = "String")]
    pub format: DocFormat,
}

/// The document as the job sees it, or `None` when it was deleted since.
pub async fn to_index(pool: &PgPool, id: i64) -> StoreResult<Option<ToIndex>> {
    Ok(sqlx::query_as("select id, venue_id, version, title, object_key, format from documents where id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await?)
}

/// Moves a document's status along, if it is still at `version`. Returns whether it was.
pub async fn set_status(
    pool: &PgPool,
    id: i64,
    version: i32,
    status: DocStatus,
    error: Option<&str>,
) -> StoreResult<bool> {
    let done = sqlx::query("update documents set status = $3, error = $4 where id = $1 and version = $2")
        .bind(id)
        .bind(version)
        .bind(status.as_str())
        .bind(error.map(|e| crate::domain::text::clip(e, 1000).to_string()))
        .execute(pool)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// A passage to store.
pub struct NewChunk {
    pub heading: String,
    pub page: Option<i32>,
    pub char_start: i32,
    pub char_end: i32,
    pub content: String,
    /// 384 little-endian f32s, or `None` without an embedding model.
    pub embedding: Option<Vec<u8>>,
}

/// Replaces a document's passages with `chunks` and marks it ready, in `conn`'s transaction,
/// if the document is still at `version`. Returns whether it was (a newer version supersedes).
pub async fn write_chunks(
    conn: &mut PgConnection,
    id: i64,
    version: i32,
    body: &str,
    page_count: Option<i32>,
    chunks: &[NewChunk],
) -> StoreResult<bool> {
    let current: Option<(i32, i64)> =
        sqlx::query_as("select version, venue_id from documents where id = $1 for update")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((at, venue_id)) = current else { return Ok(false) };
    if at != version {
        return Ok(false);
    }
    sqlx::query("delete from document_chunks where document_id = $1").bind(id).execute(&mut *conn).await?;
    let ordinals: Vec<i32> = (0..chunks.len() as i32).collect();
    let headings: Vec<&str> = chunks.iter().map(|c| c.heading.as_str()).collect();
    let pages: Vec<Option<i32>> = chunks.iter().map(|c| c.page).collect();
    let starts: Vec<i32> = chunks.iter().map(|c| c.char_start).collect();
    let ends: Vec<i32> = chunks.iter().map(|c| c.char_end).collect();
    let contents: Vec<&str> = chunks.iter().map(|c| c.content.as_str()).collect();
    let vectors: Vec<Option<&[u8]>> = chunks.iter().map(|c| c.embedding.as_deref()).collect();
    sqlx::query(
        "insert into document_chunks (document_id, venue_id, ordinal, heading, page, char_start, char_end, content, embedding)
         select $1, $2, * from unnest($3::int[], $4::text[], $5::int[], $6::int[], $7::int[], $8::text[], $9::bytea[])",
    )
    .bind(id)
    .bind(venue_id)
    .bind(&ordinals)
    .bind(&headings)
    .bind(&pages)
    .bind(&starts)
    .bind(&ends)
    .bind(&contents)
    .bind(&vectors)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "update documents set status = 'ready', error = null, body = $2, page_count = $3, chunk_count = $4
          where id = $1",
    )
    .bind(id)
    .bind(body)
    .bind(page_count)
    .bind(chunks.len() as i32)
    .execute(&mut *conn)
    .await?;
    bump(conn, venue_id).await?;
    Ok(true)
}

// --- search ---------------------------------------------------------------------------------

/// The venue's knowledge version (see the migration): a cache of vectors is good while it holds.
pub async fn version(pool: &PgPool, venue_id: i64) -> StoreResult<i64> {
    Ok(sqlx::query_scalar("select knowledge_version from venues where id = $1")
        .bind(venue_id)
        .fetch_optional(pool)
        .await?
        .unwrap_or(0))
}

/// Every embedded passage of the venue: (chunk id, document id, vector bytes), for the vector
/// scan's cache. Visibility is applied per search ([`readable_documents`]).
pub async fn vectors(pool: &PgPool, venue_id: i64) -> StoreResult<Vec<(i64, i64, Vec<u8>)>> {
    Ok(sqlx::query_as(
        "select c.id, c.document_id, c.embedding from document_chunks c
          where c.venue_id = $1 and c.embedding is not null order by c.id",
    )
    .bind(venue_id)
    .fetch_all(pool)
    .await?)
}

/// The ids of the enabled documents the reader may search. A document being re-indexed keeps
/// its passages (and so its place in search) until the new version's replace them.
pub async fn readable_documents(pool: &PgPool, reader: Reader<'_>) -> StoreResult<Vec<i64>> {
    let sql = format!("select d.id from documents d where {VISIBLE_DOC} and d.enabled and d.chunk_count > 0");
    Ok(bind_reader!(sqlx::query_scalar(&sql), reader).fetch_all(pool).await?)
}

/// Full-text search: chunk ids ranked by `ts_rank_cd`, best first. The query's words are
/// OR-ed (a question's words rarely all appear in the passage that answers it); passages that
/// hold more of them, closer together, rank higher.
pub async fn text_ranked(pool: &PgPool, reader: Reader<'_>, query: &str, limit: i64) -> StoreResult<Vec<i64>> {
    let sql = format!(
        "with q as (select nullif(replace(plainto_tsquery('english', $7)::text, '&', '|'), '')::tsquery as q)
         select c.id from document_chunks c join documents d on d.id = c.document_id, q
          where q.q is not null and c.tsv @@ q.q and {VISIBLE_DOC} and d.enabled
          order by ts_rank_cd(c.tsv, q.q, 32) desc, c.id
          limit $8"
    );
    // Planned anew for each query, not prepared once: after five runs Postgres settles on a
    // generic plan, which cannot see the query's words or the reader's role and walks the GIN
    // index once per document (at 10,000 passages 36-73 ms against 13-18 ms, EXPLAIN ANALYZE in
    // psql; the planning costs under 1 ms).
    let q = sqlx::query_scalar(&sql).persistent(false);
    Ok(bind_reader!(q, reader).bind(query).bind(limit).fetch_all(pool).await?)
}

/// A passage with its document, as a search returns it.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PassageRow {
    pub chunk_id: i64,
    pub document_id: i64,
    pub title: String,
    pub heading: String,
    pub page: Option<i32>,
    pub content: String,
}

/// The passages `ids`, if the reader may read them (any order; the caller ranks).
pub async fn passages(pool: &PgPool, reader: Reader<'_>, ids: &[i64]) -> StoreResult<Vec<PassageRow>> {
    let sql = format!(
        "select c.id as chunk_id, c.document_id, d.title, c.heading, c.page, c.content
           from document_chunks c join documents d on d.id = c.document_id
          where c.id = any($7) and {VISIBLE_DOC} and d.enabled"
    );
    Ok(bind_reader!(sqlx::query_as(&sql), reader).bind(ids).fetch_all(pool).await?)
}

/// Whether the demo venue's documents were loaded already (they are loaded once).
pub async fn venue_has_documents(pool: &PgPool, venue_id: i64) -> StoreResult<bool> {
    Ok(sqlx::query_scalar("select exists (select 1 from documents where venue_id = $1)")
        .bind(venue_id)
        .fetch_one(pool)
        .await?)
}

/// Claims the demo documents' one-time load for the demo venue (by name): returns its id and
/// an owner to act as, once; `None` when there is no demo venue or it was done already.
pub async fn claim_demo_load(conn: &mut PgConnection, venue_name: &str) -> StoreResult<Option<(i64, i64)>> {
    Ok(sqlx::query_as(
        "update venues v set demo_documents_loaded = true
          where v.name = $1 and not v.demo_documents_loaded
          returning v.id, (select m.user_id from memberships m where m.venue_id = v.id and m.role = 'owner'
                            order by m.user_id limit 1)",
    )
    .bind(venue_name)
    .fetch_optional(conn)
    .await?
    .and_then(|(v, u): (i64, Option<i64>)| u.map(|u| (v, u))))
}

/// The id of an event of the venue by its title (demo documents name their event).
pub async fn event_by_title(conn: &mut PgConnection, venue_id: i64, title: &str) -> StoreResult<Option<i64>> {
    Ok(sqlx::query_scalar("select id from events where venue_id = $1 and title = $2 order by id limit 1")
        .bind(venue_id)
        .bind(title)
        .fetch_optional(conn)
        .await?)
}
