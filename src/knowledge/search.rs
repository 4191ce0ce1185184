//! Hybrid retrieval: Postgres full text (`ts_rank_cd`) and cosine similarity over the passages'
//! vectors, fused by reciprocal rank fusion, filtered by what the reader may see.
//!
//! The vector side scores every passage of the venue held in memory ([`VectorCache`], reloaded
//! when the venue's knowledge version moves) with one matrix-vector product: at 10,000 passages,
//! 3.8 M multiply-adds; a vector index can replace [`VenueVectors::nearest`] later without touching
//! callers, who only see [`search`].

use super::embed::{self, DIMS};
use super::{Knowledge, KnowledgeError};
use crate::domain::knowledge::{Passage, SearchResults};
use crate::store::knowledge::{self as store, Reader};
use crate::store::Actor;
use candle_core::{Device, Tensor};
use sqlx::PgPool;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// Candidates taken from each list before fusing.
const CANDIDATES: usize = 40;
/// The constant of reciprocal rank fusion (the value of the original paper).
const RRF_K: f32 = 60.0;

/// Who is searching, and in which chat thread (its attachments are searched too).
pub struct Scope<'a> {
    pub actor: &'a Actor,
    pub thread_id: Option<i64>,
}

/// Which rankings a search uses (the eval compares them; the product always fuses).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Fused,
    TextOnly,
    VectorOnly,
}

/// The passages that best answer `query`, at most `limit`, best first.
pub async fn search(
    pool: &PgPool,
    k: &Knowledge,
    scope: &Scope<'_>,
    query: &str,
    limit: usize,
) -> Result<SearchResults, KnowledgeError> {
    search_with(pool, k, scope, query, limit, Mode::Fused).await
}

/// [`search`] with a choice of rankings.
pub async fn search_with(
    pool: &PgPool,
    k: &Knowledge,
    scope: &Scope<'_>,
    query: &str,
    limit: usize,
    mode: Mode,
) -> Result<SearchResults, KnowledgeError> {
    ranked(pool, k, scope, query, None, limit, mode).await
}

/// [`search`] for a query its caller has embedded already (the router compares one vector with
/// the documents and with the tools' example requests).
pub async fn search_embedded(
    pool: &PgPool,
    k: &Knowledge,
    scope: &Scope<'_>,
    query: &str,
    vector: &[f32],
    limit: usize,
) -> Result<SearchResults, KnowledgeError> {
    ranked(pool, k, scope, query, Some(vector), limit, Mode::Fused).await
}

#[tracing::instrument(name = "knowledge_search", skip_all, err(level = "info"), fields(user_id = scope.actor.user_id, limit, ?mode))]
async fn ranked(
    pool: &PgPool,
    k: &Knowledge,
    scope: &Scope<'_>,
    query: &str,
    vector: Option<&[f32]>,
    limit: usize,
    mode: Mode,
) -> Result<SearchResults, KnowledgeError> {
    let reader = Reader { actor: scope.actor, thread_id: scope.thread_id };
    // The two rankings run at the same time: Postgres ranks the text while the query is embedded
    // and the vectors are scanned here.
    let text = async {
        match mode {
            Mode::VectorOnly => Ok(Vec::new()),
            _ => store::text_ranked(pool, reader, query, CANDIDATES as i64).await,
        }
    };
    let vectors = async {
        let mut nearest: Vec<(i64, f32)> = Vec::new();
        if let Some(embedder) = k.embedder.clone().filter(|_| mode != Mode::TextOnly) {
            let qv = match vector {
                Some(v) => v.to_vec(),
                None => {
                    let q = query.to_string();
                    tokio::task::spawn_blocking(move || embedder.embed_one(&q)).await??
                }
            };
            let readable: HashSet<i64> = store::readable_documents(pool, reader).await?.into_iter().collect();
            let vectors = k.cache.venue(pool, scope.actor.venue_id).await?;
            nearest = vectors.nearest(&qv, &readable, CANDIDATES);
        }
        Ok::<_, KnowledgeError>(nearest)
    };
    let (text, nearest) = tokio::join!(text, vectors);
    let (text, nearest) = (text?, nearest?);
    let similarity: HashMap<i64, f32> = nearest.iter().copied().collect();
    let vector: Vec<i64> = nearest.iter().map(|(id, _)| *id).collect();
    let fused = fuse(&text, &vector, limit);
    let rows = store::passages(pool, reader, &fused.iter().map(|f| f.0).collect::<Vec<_>>()).await?;
    let mut by_id: HashMap<i64, store::PassageRow> = rows.into_iter().map(|r| (r.chunk_id, r)).collect();
    let passages = fused
        .into_iter()
        .filter_map(|(id, score)| {
            let r = by_id.remove(&id)?;
            Some(Passage {
                chunk_id: r.chunk_id,
                document_id: r.document_id,
                title: r.title,
                heading: r.heading,
                page: r.page,
                content: r.content,
                score,
                text_rank: text.iter().position(|x| *x == id).map(|p| p as u32 + 1),
                vector_rank: vector.iter().position(|x| *x == id).map(|p| p as u32 + 1),
                similarity: similarity.get(&id).copied(),
            })
        })
        .collect();
    Ok(SearchResults { passages, used_vectors: k.embedder.is_some() })
}

/// Reciprocal rank fusion of ranked id lists: each list gives `1 / (k + rank)`; the sums, best
/// first (ties: the better full-text rank, then the smaller id).
pub fn fuse(text: &[i64], vector: &[i64], limit: usize) -> Vec<(i64, f32)> {
    let mut score: HashMap<i64, f32> = HashMap::new();
    for list in [text, vector] {
        for (rank, id) in list.iter().enumerate() {
            *score.entry(*id).or_default() += 1.0 / (RRF_K + rank as f32 + 1.0);
        }
    }
    let text_rank = |id: i64| text.iter().position(|x| *x == id).unwrap_or(usize::MAX);
    let mut out: Vec<(i64, f32)> = score.into_iter().collect();
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(text_rank(a.0).cmp(&text_rank(b.0))).then(a.0.cmp(&b.0)));
    out.truncate(limit);
    out
}

/// The vectors of one venue's passages.
pub struct VenueVectors {
    version: i64,
    ids: Vec<i64>,
    documents: Vec<i64>,
    /// `ids.len() * DIMS` floats, row by row.
    data: Vec<f32>,
    /// The same as an `ids.len() × DIMS` matrix: one matrix-vector product scores every passage
    /// (candle's gemm, vectorised and optimised even in debug builds).
    matrix: Option<Tensor>,
}

impl VenueVectors {
    fn new(version: i64, ids: Vec<i64>, documents: Vec<i64>, data: Vec<f32>) -> Self {
        let matrix =
            (!ids.is_empty()).then(|| Tensor::from_slice(&data, (ids.len(), DIMS), &Device::Cpu).ok()).flatten();
        Self { version, ids, documents, data, matrix }
    }

    /// Cosine similarity of `query` to every passage, in order.
    fn similarities(&self, query: &[f32]) -> Vec<f32> {
        let product = self.matrix.as_ref().and_then(|m| {
            let q = Tensor::from_slice(query, (DIMS, 1), &Device::Cpu).ok()?;
            m.matmul(&q).ok()?.flatten_all().ok()?.to_vec1::<f32>().ok()
        });
        product.unwrap_or_else(|| self.data.chunks_exact(DIMS).map(|v| embed::dot(query, v)).collect())
    }

    /// The `n` passages most similar to `query` among `readable` documents: (id, cosine).
    pub fn nearest(&self, query: &[f32], readable: &HashSet<i64>, n: usize) -> Vec<(i64, f32)> {
        let mut scored: Vec<(i64, f32)> = self
            .similarities(query)
            .into_iter()
            .enumerate()
            .filter(|(i, _)| readable.contains(&self.documents[*i]))
            .map(|(i, sim)| (self.ids[i], sim))
            .collect();
        let n = n.min(scored.len());
        if n == 0 {
            return Vec::new();
        }
        scored.select_nth_unstable_by(n - 1, |a, b| b.1.total_cmp(&a.1));
        scored.truncate(n);
        scored.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        scored
    }
}

/// Per venue, its passages' vectors, kept while the venue's knowledge version holds. Several
/// server processes on one database each keep their own and see each other's changes through the
/// version.
#[derive(Default)]
pub struct VectorCache {
    venues: Mutex<HashMap<i64, Arc<VenueVectors>>>,
}

impl VectorCache {
    pub async fn venue(&self, pool: &PgPool, venue_id: i64) -> Result<Arc<VenueVectors>, KnowledgeError> {
        let version = store::version(pool, venue_id).await?;
        if let Some(v) = self.get(venue_id).filter(|v| v.version == version) {
            return Ok(v);
        }
        let rows = store::vectors(pool, venue_id).await?;
        let (mut ids, mut documents) = (Vec::with_capacity(rows.len()), Vec::with_capacity(rows.len()));
        let mut data = Vec::with_capacity(rows.len() * DIMS);
        for (id, document, bytes) in rows {
            if let Some(v) = embed::from_bytes(&bytes) {
                ids.push(id);
                documents.push(document);
                data.extend_from_slice(&v);
            }
        }
        let loaded = Arc::new(VenueVectors::new(version, ids, documents, data));
        self.venues.lock().unwrap_or_else(|p| p.into_inner()).insert(venue_id, loaded.clone());
        Ok(loaded)
    }

    fn get(&self, venue_id: i64) -> Option<Arc<VenueVectors>> {
        self.venues.lock().unwrap_or_else(|p| p.into_inner()).get(&venue_id).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fusion_rewards_agreement() {
        // 2 is second in both lists and beats 1 (first in text only) and 3 (first in vectors only).
        let fused = fuse(&[1, 2, 4], &[3, 2, 5], 10);
        let ids: Vec<i64> = fused.iter().map(|f| f.0).collect();
        assert_eq!(ids[0], 2);
        // 1 and 3 tie on score; the full-text rank breaks it.
        assert_eq!(&ids[1..3], &[1, 3]);
        assert_eq!(ids.len(), 5);
        assert_eq!(fuse(&[1, 2, 4], &[3, 2, 5], 2).len(), 2);
        assert!(fuse(&[], &[], 5).is_empty());
        // One list alone keeps its order.
        assert_eq!(fuse(&[9, 8, 7], &[], 3).iter().map(|f| f.0).collect::<Vec<_>>(), [9, 8, 7]);
    }

    #[test]
    fn nearest_respects_readable_documents() {
        let unit = |i: usize| {
            let mut v = vec![0.0; DIMS];
            v[i] = 1.0;
            v
        };
        let mut data = Vec::new();
        for i in 0..4 {
            data.extend(unit(i));
        }
        let vv = VenueVectors::new(1, vec![10, 11, 12, 13], vec![1, 1, 2, 2], data);
        assert!(vv.matrix.is_some());
        let mut q = unit(2);
        q[3] = 0.5;
        let all: HashSet<i64> = [1, 2].into();
        assert_eq!(vv.nearest(&q, &all, 2).iter().map(|x| x.0).collect::<Vec<_>>(), [12, 13]);
        let only_first: HashSet<i64> = [1].into();
        assert!(vv.nearest(&q, &only_first, 2).iter().all(|x| x.0 == 10 || x.0 == 11));
        assert!(vv.nearest(&q, &HashSet::new(), 2).is_empty());
    }
}
