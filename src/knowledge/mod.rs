//! The knowledge base (server only): documents in, passages out.
//!
//! - [`ingest`] takes an uploaded file: checks its type against its content, keeps the original
//!   in the object store ([`objects`]), records the document and queues its indexing.
//! - [`index`] is that job: [`extract`] the text, [`chunk`] it by its structure, [`embed`] every
//!   passage with the local model, and store the passages with their vectors in one transaction.
//! - [`search()`] is the one door for reading: full text and vectors, fused, always filtered by what
//!   the reader may see ([`crate::store::knowledge`] decides that, in SQL).
//! - [`answer`] turns passages into a cited answer without a model (the small embedded model
//!   cannot be trusted to quote), and reads citations out of a capable model's answer.
//! - [`demo`] loads Harbor Hall's documents with the demo data.

pub mod answer;
pub mod chunk;
pub mod demo;
pub mod embed;
pub mod extract;
pub mod index;
pub mod objects;
pub mod probe;
mod search;
/// The web: search providers and the page reader.
pub mod web;

pub use search::{search, search_embedded, search_with, Mode, Scope};

use crate::domain::knowledge::{image_media_type, DocFormat, DocumentMeta, MAX_IMAGE_BYTES, MAX_UPLOAD_BYTES};
use crate::store::jobs::Priority;
use crate::store::knowledge::{self as store, NewDocument};
use crate::store::{Actor, StoreError};
use embed::Embedder;
use objects::{Objects, ObjectsConfig};
use sha2::Digest;
use sqlx::PgPool;
use std::path::PathBuf;
use std::sync::Arc;

/// Job kind of indexing one document version.
pub const INDEX_JOB: &str = "knowledge.index";

/// Where the model and the originals are (`CONCIERGE_EMBEDDING_MODEL`, `CONCIERGE_OBJECT_STORE`),
/// and the web search provider, if any (see [`web::WebConfig`]).
#[derive(Clone, Debug)]
pub struct KnowledgeConfig {
    /// Directory of the embedding model; `None` searches by full text only.
    pub embedding_model: Option<PathBuf>,
    pub objects: ObjectsConfig,
    /// `Ok(None)`: no web tools; `Err`: a configuration the server refuses to start with.
    pub web: Result<Option<web::WebConfig>, String>,
}

impl KnowledgeConfig {
    pub const DEFAULT_MODEL: &'static str = ".data/models/all-MiniLM-L6-v2";
    pub const DEFAULT_OBJECTS: &'static str = ".data/objects";

    /// From the environment: `CONCIERGE_EMBEDDING_MODEL` (a directory, or `off`) and
    /// `CONCIERGE_OBJECT_STORE` (a directory, `s3://bucket[/prefix]`, or `memory`).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Self {
        let embedding_model = match get("CONCIERGE_EMBEDDING_MODEL").as_deref().map(str::trim) {
            Some("off") => None,
            Some(dir) if !dir.is_empty() => Some(PathBuf::from(dir)),
            _ => Some(PathBuf::from(Self::DEFAULT_MODEL)),
        };
        let objects = match get("CONCIERGE_OBJECT_STORE").as_deref().map(str::trim) {
            Some("memory") => ObjectsConfig::Memory,
            Some(url) if url.starts_with("s3://") => ObjectsConfig::S3(url.to_string()),
            Some(dir) if !dir.is_empty() => ObjectsConfig::Directory(PathBuf::from(dir)),
            _ => ObjectsConfig::Directory(PathBuf::from(Self::DEFAULT_OBJECTS)),
        };
        Self { embedding_model, objects, web: web::WebConfig::from_lookup(&get) }
    }

    /// For tests and benchmarks: the model where setup puts it, originals in memory.
    pub fn for_tests() -> Self {
        Self {
            embedding_model: Some(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(Self::DEFAULT_MODEL)),
            objects: ObjectsConfig::Memory,
            web: Ok(None),
        }
    }
}

/// The knowledge base's moving parts, shared by the server functions, the tools and the job.
pub struct Knowledge {
    pub embedder: Option<Arc<Embedder>>,
    pub objects: Objects,
    cache: search::VectorCache,
    /// Woken when a document is queued, so indexing starts at once.
    pub wake: Arc<tokio::sync::Notify>,
    /// Web search and page reading, when a provider is configured (the web tools are offered
    /// only then).
    pub web: Option<web::Web>,
}

impl Knowledge {
    /// Opens the object store and loads the embedding model (once per process).
    pub fn new(config: &KnowledgeConfig) -> Result<Self, KnowledgeError> {
        Ok(Self {
            embedder: config.embedding_model.as_deref().and_then(Embedder::shared),
            objects: Objects::open(&config.objects)?,
            cache: search::VectorCache::default(),
            wake: Arc::new(tokio::sync::Notify::new()),
            web: match &config.web {
                Ok(web) => web.as_ref().map(web::Web::new),
                Err(m) => return Err(KnowledgeError::Config(m.clone())),
            },
        })
    }
}

impl std::fmt::Debug for Knowledge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Knowledge").field("embedder", &self.embedder.is_some()).field("objects", &self.objects).finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum KnowledgeError {
    /// The file cannot be taken: the message is for the person who sent it.
    #[error("{0}")]
    Rejected(String),
    /// Over [`MAX_UPLOAD_BYTES`].
    #[error("The file is larger than {} MB.", MAX_UPLOAD_BYTES / (1024 * 1024))]
    TooLarge,
    /// A file type that is not accepted.
    #[error("{0}")]
    Unsupported(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Objects(#[from] objects::ObjectsError),
    #[error(transparent)]
    Embed(#[from] embed::EmbedError),
    #[error("a background task failed: {0}")]
    Join(#[from] tokio::task::JoinError),
    /// The environment asks for something that cannot work.
    #[error("configuration: {0}")]
    Config(String),
}

impl From<sqlx::Error> for KnowledgeError {
    fn from(e: sqlx::Error) -> Self {
        KnowledgeError::Store(StoreError::Db(e))
    }
}

/// A file to take in.
pub struct Upload<'a> {
    pub meta: &'a DocumentMeta,
    pub filename: &'a str,
    pub bytes: &'a [u8],
    /// A document this file is a new version of.
    pub replace: Option<i64>,
    /// A chat attachment (anyone's; it waits for the message that carries it). Images are
    /// accepted only as attachments.
    pub attachment: bool,
}

/// Takes a file in: its type is checked against its content (nothing is stored when it is
/// refused), the original goes to the object store, the document row is written (or its new
/// version, with `replace`) and indexing is queued, in one transaction. Returns the document id.
#[tracing::instrument(name = "knowledge_ingest", skip_all, err(level = "info"), fields(user_id = actor.user_id, bytes = upload.bytes.len()))]
pub async fn ingest(pool: &PgPool, k: &Knowledge, actor: &Actor, upload: Upload<'_>) -> Result<i64, KnowledgeError> {
    if upload.bytes.len() > MAX_UPLOAD_BYTES {
        return Err(KnowledgeError::TooLarge);
    }
    if !upload.attachment && !actor.is_staff() {
        return Err(StoreError::Forbidden.into());
    }
    let (format, media_type) = if upload.attachment
        && DocFormat::from_filename(upload.filename) == Some(DocFormat::Image)
    {
        if upload.bytes.len() > MAX_IMAGE_BYTES {
            return Err(KnowledgeError::Rejected(format!(
                "The image is larger than {} MB.",
                MAX_IMAGE_BYTES / (1024 * 1024)
            )));
        }
        // The type is the content's, whatever the name says.
        let media_type = image_media_type(upload.bytes)
            .ok_or_else(|| KnowledgeError::Rejected("This file is not a PNG, JPEG, GIF or WebP image.".into()))?;
        (DocFormat::Image, media_type)
    } else {
        let format = extract::detect(upload.bytes, upload.filename).map_err(|e| match e {
            extract::ExtractError::Unsupported => KnowledgeError::Unsupported(e.to_string()),
            other => KnowledgeError::Rejected(other.to_string()),
        })?;
        // Refuse a file with no text now, not after it was stored (an empty or scanned file).
        let bytes = upload.bytes.to_vec();
        let probe = tokio::task::spawn_blocking(move || extract::extract(&bytes, format).map(|x| x.text.len())).await?;
        if let Err(e) = probe {
            return Err(KnowledgeError::Rejected(e.to_string()));
        }
        (format, format.media_type())
    };
    let key = Objects::new_key(actor.venue_id);
    k.objects.put(&key, bytes::Bytes::copy_from_slice(upload.bytes)).await?;
    let sha = sha2::Sha256::digest(upload.bytes).to_vec();
    let filename = crate::domain::text::clip(upload.filename.rsplit(['/', '\\']).next().unwrap_or(""), 255);
    let row = NewDocument {
        meta: upload.meta,
        filename,
        format,
        media_type,
        attachment: upload.attachment,
        byte_size: upload.bytes.len() as i64,
        sha256: &sha,
        object_key: &key,
    };
    let written = write_row(pool, actor, &row, upload.replace).await;
    match written {
        Ok((id, old_key)) => {
            if let Some(old) = old_key {
                if let Err(e) = k.objects.delete(&old).await {
                    tracing::warn!(error = %e, "an old original was not deleted");
                }
            }
            k.wake.notify_one();
            Ok(id)
        }
        Err(e) => {
            // Nothing refers to the original: do not keep it.
            if let Err(e) = k.objects.delete(&key).await {
                tracing::warn!(error = %e, "an orphaned original was not deleted");
            }
            Err(e)
        }
    }
}

async fn write_row(
    pool: &PgPool,
    actor: &Actor,
    row: &NewDocument<'_>,
    replace: Option<i64>,
) -> Result<(i64, Option<String>), KnowledgeError> {
    let mut tx = pool.begin().await?;
    let (id, version, old) = match replace {
        Some(id) => {
            let (version, old) = store::replace(&mut tx, actor, id, row).await?;
            (id, version, Some(old))
        }
        None => (store::create(&mut tx, actor, row).await?, 1, None),
    };
    if row.format != DocFormat::Image {
        // Whoever attached a file in a chat is waiting for its reply, which waits for the index.
        let priority = if row.attachment { Priority::Waited } else { Priority::Background };
        queue_index(&mut tx, id, version, true, priority).await?;
    }
    tx.commit().await?;
    Ok((id, old))
}

async fn queue_index(
    conn: &mut sqlx::PgConnection,
    id: i64,
    version: i32,
    dedupe: bool,
    priority: Priority,
) -> Result<(), KnowledgeError> {
    let payload = serde_json::json!({"document_id": id, "version": version});
    let key = format!("{INDEX_JOB}:{id}:{version}");
    let key = dedupe.then_some(key.as_str());
    crate::store::jobs::enqueue(conn, INDEX_JOB, &payload, chrono::Utc::now(), key, priority).await?;
    Ok(())
}

/// Indexes a failed document again (staff).
pub async fn retry(pool: &PgPool, k: &Knowledge, actor: &Actor, id: i64) -> Result<(), KnowledgeError> {
    let version = store::requeue(pool, actor, id).await?;
    let mut conn = pool.acquire().await?;
    queue_index(&mut conn, id, version, false, Priority::Background).await?;
    k.wake.notify_one();
    Ok(())
}

/// Removes an attachment of the actor's that no message carries yet, then its original.
pub async fn discard(pool: &PgPool, k: &Knowledge, actor: &Actor, id: i64) -> Result<(), KnowledgeError> {
    let key = store::discard(pool, actor, id).await?;
    if let Err(e) = k.objects.delete(&key).await {
        tracing::warn!(error = %e, key, "the original of a discarded attachment was not deleted");
    }
    Ok(())
}

/// Deletes chat uploads never sent with a message within a day, with their originals (the job
/// worker's sweep). Returns how many went.
pub async fn sweep_unsent(
    pool: &PgPool,
    k: &Knowledge,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<usize, KnowledgeError> {
    let keys = store::sweep_unsent(pool, now - chrono::Duration::hours(24)).await?;
    for key in &keys {
        if let Err(e) = k.objects.delete(key).await {
            tracing::warn!(error = %e, key, "the original of an unsent attachment was not deleted");
        }
    }
    Ok(keys.len())
}

/// Deletes a document with its passages, then its original.
pub async fn delete(pool: &PgPool, k: &Knowledge, actor: &Actor, id: i64) -> Result<(), KnowledgeError> {
    let key = store::delete(pool, actor, id).await?;
    if let Err(e) = k.objects.delete(&key).await {
        tracing::warn!(error = %e, key, "the original of a deleted document was not deleted");
    }
    Ok(())
}
