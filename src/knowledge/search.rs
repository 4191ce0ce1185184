//! Hybrid retrieval: Postgres full text (`ts_rank_cd`) and cosine similarity over the passages'
//! vectors, fused by reciprocal rank fusion, filtered by what the reader may see.
//!
//! The vector side scans every passage of the venue held in memory ([`VectorCache`], reloaded
//! when the venue's knowledge version moves). At 10,000 passages that is 3.8 M multiply-adds, a
//! few milliseconds; a vector index can replace [`VectorCache::nearest`] later without touching
//! callers, who only see [`search`].

use super::embed::{self, DIMS};
use super::{Knowledge, KnowledgeError};
use crate::domain::knowledge::{Passage, SearchResults};
use crate::store::knowledge::{self as store, Reader};
use crate::store::Actor;
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
#[tracing::instrument(name = "knowledge_search", skip_all, err(level = "info"), fields(user_id = scope.actor.user_id, limit, ?mode))]
pub async fn search_with(
    pool: &PgPool,
    k: &Knowledge,
    scope: &Scope<'_>,
    query: &str,
    limit: usize,
    mode: Mode,
) -> Result<SearchResults, KnowledgeError> {
    let reader = Reader { actor: scope.actor, thread_id: scope.thread_id };
    let text = match mode {
        Mode::VectorOnly => Vec::new(),
        _ => store::text_ranked(pool, reader, query, CANDIDATES as i64).await?,
    };
    let mut similarity: HashMap<i64, f32> = HashMap::new();
    let mut vector: Vec<i64> = Vec::new();
    if let Some(embedder) = k.embedder.clone().filter(|_| mode != Mode::TextOnly) {
        let q = query.to_string();
        let qv = tokio::task::spawn_blocking(move || embedder.embed_one(&q)).await??;
        let readable: HashSet<i64> = store::readable_documents(pool, reader).await?.into_iter().collect();
        let vectors = k.cache.venue(pool, scope.actor.venue_id).await?;
        for (id, sim) in vectors.nearest(&qv, &readable, CANDIDATES) {
            similarity.insert(id, sim);
            vector.push(id);
        }
    }
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
}

impl VenueVectors {
    /// The `n` passages most similar to `query` among `readable` documents: (id, cosine).
    pub fn nearest(&self, query: &[f32], readable: &HashSet<i64>, n: usize) -> Vec<(i64, f32)> {
        let mut scored: Vec<(i64, f32)> = self
            .data
            .chunks_exact(DIMS)
            .enumerate()
            .filter(|(i, _)| readable.contains(&self.documents[*i]))
            .map(|(i, v)| (self.ids[i], embed::dot(query, v)))
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
        let mut loaded = VenueVectors {
            version,
            ids: Vec::with_capacity(rows.len()),
            documents: Vec::with_capacity(rows.len()),
            data: Vec::with_capacity(rows.len() * DIMS),
        };
        for (id, document, bytes) in rows {
            if let Some(v) = embed::from_bytes(&bytes) {
                loaded.ids.push(id);
                loaded.documents.push(document);
                loaded.data.extend_from_slice(&v);
            }
        }
        let loaded = Arc::new(loaded);
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
        let vv = VenueVectors { version: 1, ids: vec![10, 11, 12, 13], documents: vec![1, 1, 2, 2], data };
        let mut q = unit(2);
        q[3] = 0.5;
        let all: HashSet<i64> = [1, 2].into();
        assert_eq!(vv.nearest(&q, &all, 2).iter().map(|x| x.0).collect::<Vec<_>>(), [12, 13]);
        let only_first: HashSet<i64> = [1].into();
        assert!(vv.nearest(&q, &only_first, 2).iter().all(|x| x.0 == 10 || x.0 == 11));
        assert!(vv.nearest(&q, &HashSet::new(), 2).is_empty());
    }
}
