//! The indexing job of one document version: queued → extracting → embedding → ready, or
//! failed with the reason. A file that cannot be read fails for good (a person fixes it and
//! presses Retry); a database or object-store hiccup fails the job, which the queue retries.
//! A newer version queued meanwhile supersedes the work: its result is dropped.

use super::chunk::{self, ChunkOptions};
use super::{embed, extract, Knowledge, KnowledgeError};
use crate::domain::knowledge::DocStatus;
use crate::store::jobs::{self, Job};
use crate::store::knowledge::{self as store, NewChunk};
use sqlx::PgPool;

/// How a job ended.
#[derive(Debug, PartialEq, Eq)]
pub enum Indexed {
    /// Ready with this many passages.
    Ready(usize),
    /// The file could not be read; the document shows why.
    Failed(String),
    /// Deleted or replaced meanwhile.
    Superseded,
}

#[derive(serde::Deserialize)]
struct Payload {
    document_id: i64,
    version: i32,
}

/// Runs one indexing job to its end (the job is marked done in the same transaction that stores
/// the passages, or with the failure).
#[tracing::instrument(name = "knowledge_index", skip_all, err(level = "info"), fields(job = job.id))]
pub async fn run(pool: &PgPool, k: &Knowledge, job: &Job) -> Result<Indexed, KnowledgeError> {
    let p: Payload = serde_json::from_value(job.payload.0.clone())
        .map_err(|e| KnowledgeError::Rejected(format!("bad job payload: {e}")))?;
    let doc = match store::to_index(pool, p.document_id).await? {
        Some(d) if d.version == p.version => d,
        _ => return finish(pool, job, Indexed::Superseded).await,
    };
    if !store::set_status(pool, doc.id, doc.version, DocStatus::Extracting, None).await? {
        return finish(pool, job, Indexed::Superseded).await;
    }
    let bytes = k.objects.get(&doc.object_key).await?;
    let format = doc.format;
    let extracted = tokio::task::spawn_blocking(move || {
        extract::extract(&bytes, format).map(|x| {
            let chunks = chunk::chunk(&x.text, &x.pages, &ChunkOptions::default());
            (x, chunks)
        })
    })
    .await?;
    let (text, chunks) = match extracted {
        Ok(v) => v,
        Err(e) => {
            let reason = e.to_string();
            store::set_status(pool, doc.id, doc.version, DocStatus::Failed, Some(&reason)).await?;
            return finish(pool, job, Indexed::Failed(reason)).await;
        }
    };
    if chunks.is_empty() {
        let reason = "No text found in the document.".to_string();
        store::set_status(pool, doc.id, doc.version, DocStatus::Failed, Some(&reason)).await?;
        return finish(pool, job, Indexed::Failed(reason)).await;
    }
    store::set_status(pool, doc.id, doc.version, DocStatus::Embedding, None).await?;
    let vectors = match k.embedder.clone() {
        Some(embedder) => {
            // The title and section go into the vector too: "Refunds" alone says little.
            let inputs: Vec<String> = chunks.iter().map(|c| embed_input(&doc.title, &c.heading, &c.content)).collect();
            let v = tokio::task::spawn_blocking(move || {
                let refs: Vec<&str> = inputs.iter().map(String::as_str).collect();
                embedder.embed(&refs)
            })
            .await??;
            v.into_iter().map(|v| Some(embed::to_bytes(&v))).collect()
        }
        None => vec![None; chunks.len()],
    };
    let rows: Vec<NewChunk> = chunks
        .into_iter()
        .zip(vectors)
        .map(|(c, embedding)| NewChunk {
            heading: c.heading,
            page: c.page,
            char_start: c.char_start as i32,
            char_end: c.char_end as i32,
            content: c.content,
            embedding,
        })
        .collect();
    let pages = (!text.pages.is_empty()).then_some(text.pages.len() as i32);
    let mut tx = pool.begin().await?;
    let written = store::write_chunks(&mut tx, doc.id, doc.version, &text.text, pages, &rows).await?;
    if written {
        crate::store::webhooks::document_indexed(&mut tx, doc.id, chrono::Utc::now()).await?;
    }
    jobs::finish(&mut tx, job.id).await?;
    tx.commit().await?;
    Ok(if written { Indexed::Ready(rows.len()) } else { Indexed::Superseded })
}

/// What is embedded for a passage: where it is, then what it says.
pub fn embed_input(title: &str, heading: &str, content: &str) -> String {
    if heading.is_empty() {
        format!("{title}\n{content}")
    } else {
        format!("{title} › {heading}\n{content}")
    }
}

async fn finish(pool: &PgPool, job: &Job, outcome: Indexed) -> Result<Indexed, KnowledgeError> {
    let mut conn = pool.acquire().await?;
    jobs::finish(&mut conn, job.id).await?;
    Ok(outcome)
}
