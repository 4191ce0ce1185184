//! The local embedding model: all-MiniLM-L6-v2 (BERT, 6 layers, 384 dimensions) run by candle on
//! the CPU, with its own `tokenizer.json` (shared/TOOLCHAIN.md has the recipe this follows).
//!
//! Sentence vectors are the mean of the last hidden states over real tokens (padding masked out),
//! L2-normalised, so a dot product is the cosine similarity. Inputs are truncated at 256 tokens
//! (the length the model was trained on); the chunker keeps passages shorter than that.
//!
//! One model per process: [`Embedder::shared`] loads it once per directory (the tests start many
//! servers in one process). Calls are CPU-bound and synchronous: call them from `spawn_blocking`.

use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tokenizers::{PaddingParams, PaddingStrategy, Tokenizer, TruncationParams};

/// Dimensions of a vector.
pub const DIMS: usize = 384;
/// Longest input, in tokens.
const MAX_TOKENS: usize = 256;
/// Texts per forward pass.
const BATCH: usize = 16;

#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    #[error("the embedding model is missing at {0} (run scripts/setup.sh)")]
    Missing(PathBuf),
    #[error("the embedding model could not be loaded: {0}")]
    Load(String),
    #[error("embedding failed: {0}")]
    Run(String),
}

pub struct Embedder {
    model: BertModel,
    tokenizer: Tokenizer,
    device: Device,
}

static LOADED: Mutex<Option<HashMap<PathBuf, Arc<Embedder>>>> = Mutex::new(None);

impl Embedder {
    /// Loads the model from `dir` (config.json, tokenizer.json, model.safetensors).
    pub fn load(dir: &Path) -> Result<Self, EmbedError> {
        let file = |name: &str| {
            let p = dir.join(name);
            if p.is_file() {
                Ok(p)
            } else {
                Err(EmbedError::Missing(dir.to_path_buf()))
            }
        };
        let load = |e: &dyn std::fmt::Display| EmbedError::Load(e.to_string());
        let config: Config = serde_json::from_slice(&std::fs::read(file("config.json")?).map_err(|e| load(&e))?)
            .map_err(|e| load(&e))?;
        let mut tokenizer = Tokenizer::from_file(file("tokenizer.json")?).map_err(|e| load(&e))?;
        // Its own padding pads every input to 128; pad a batch to its longest instead (the mask
        // keeps padding out of the mean either way).
        tokenizer.with_padding(Some(PaddingParams { strategy: PaddingStrategy::BatchLongest, ..Default::default() }));
        tokenizer
            .with_truncation(Some(TruncationParams { max_length: MAX_TOKENS, ..Default::default() }))
            .map_err(|e| load(&e))?;
        let device = Device::Cpu;
        let weights = std::fs::read(file("model.safetensors")?).map_err(|e| load(&e))?;
        let vb = VarBuilder::from_buffered_safetensors(weights, DType::F32, &device).map_err(|e| load(&e))?;
        let model = BertModel::load(vb, &config).map_err(|e| load(&e))?;
        Ok(Self { model, tokenizer, device })
    }

    /// The model of `dir`, loaded once per process; `None` (logged) when it cannot be loaded.
    pub fn shared(dir: &Path) -> Option<Arc<Embedder>> {
        let mut loaded = LOADED.lock().unwrap_or_else(|p| p.into_inner());
        let map = loaded.get_or_insert_with(HashMap::new);
        if let Some(e) = map.get(dir) {
            return Some(e.clone());
        }
        let started = std::time::Instant::now();
        match Embedder::load(dir) {
            Ok(e) => {
                tracing::info!(dir = %dir.display(), ms = started.elapsed().as_millis() as u64, "embedding model loaded");
                let e = Arc::new(e);
                map.insert(dir.to_path_buf(), e.clone());
                Some(e)
            }
            Err(e) => {
                tracing::warn!(error = %e, "no embedding model: the knowledge base searches by full text only");
                None
            }
        }
    }

    /// Unit vectors of `texts`, in order. Texts are batched by length (a batch is padded to its
    /// longest, so mixing a 20-token question with a 250-token passage would waste most of the
    /// work on padding) and the vectors put back in the callers' order.
    pub fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| texts[i].len());
        let mut out: Vec<Option<Vec<f32>>> = vec![None; texts.len()];
        for batch in order.chunks(BATCH) {
            let inputs: Vec<&str> = batch.iter().map(|&i| texts[i]).collect();
            let vectors = self.batch(&inputs).map_err(|e| EmbedError::Run(e.to_string()))?;
            for (&i, v) in batch.iter().zip(vectors) {
                out[i] = Some(v);
            }
        }
        out.into_iter().map(|v| v.ok_or_else(|| EmbedError::Run("a vector is missing".into()))).collect()
    }

    /// The vector of one text.
    pub fn embed_one(&self, text: &str) -> Result<Vec<f32>, EmbedError> {
        self.embed(&[text])?.pop().ok_or_else(|| EmbedError::Run("no output".into()))
    }

    fn batch(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>, Box<dyn std::error::Error + Send + Sync>> {
        let encodings = self.tokenizer.encode_batch(texts.to_vec(), true)?;
        let ids = encodings.iter().map(|e| Tensor::new(e.get_ids(), &self.device)).collect::<Result<Vec<_>, _>>()?;
        let mask = encodings
            .iter()
            .map(|e| Tensor::new(e.get_attention_mask(), &self.device))
            .collect::<Result<Vec<_>, _>>()?;
        let ids = Tensor::stack(&ids, 0)?;
        let mask = Tensor::stack(&mask, 0)?;
        let types = ids.zeros_like()?;
        let hidden = self.model.forward(&ids, &types, Some(&mask))?; // (batch, tokens, 384)
        let mask = mask.to_dtype(DType::F32)?.unsqueeze(2)?; // (batch, tokens, 1)
        let summed = hidden.broadcast_mul(&mask)?.sum(1)?; // (batch, 384)
        let counts = mask.sum(1)?; // (batch, 1)
        let mean = summed.broadcast_div(&counts)?;
        let norms = mean.sqr()?.sum_keepdim(1)?.sqrt()?;
        let unit = mean.broadcast_div(&norms)?;
        Ok(unit.to_vec2::<f32>()?)
    }
}

/// A vector as stored: little-endian f32s.
pub fn to_bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// A stored vector back; `None` when the bytes are not [`DIMS`] floats.
pub fn from_bytes(b: &[u8]) -> Option<Vec<f32>> {
    if b.len() != DIMS * 4 {
        return None;
    }
    Some(b.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect())
}

/// Dot product (cosine similarity of unit vectors).
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_round_trip() {
        let v: Vec<f32> = (0..DIMS).map(|i| i as f32 / 7.0 - 3.0).collect();
        assert_eq!(from_bytes(&to_bytes(&v)).unwrap(), v);
        assert!(from_bytes(&[0; 12]).is_none());
    }

    /// Needs the model that scripts/setup.sh puts in .data/models (`make test` runs it first).
    #[test]
    fn similar_sentences_are_near() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(".data/models/all-MiniLM-L6-v2");
        let e = Embedder::shared(&dir).expect("the embedding model loads (run scripts/setup.sh)");
        let v = e
            .embed(&[
                "How much is the deposit to book the ballroom?",
                "A 30% deposit is due when the contract is signed.",
                "The rooftop has a glass windscreen and skyline views.",
            ])
            .unwrap();
        assert_eq!(v.len(), 3);
        for x in &v {
            assert_eq!(x.len(), DIMS);
            assert!((dot(x, x) - 1.0).abs() < 1e-4, "unit length");
        }
        assert!(dot(&v[0], &v[1]) > dot(&v[0], &v[2]) + 0.1, "{} vs {}", dot(&v[0], &v[1]), dot(&v[0], &v[2]));
        // Batched and alone agree (padding is masked out of the mean), in the callers' order.
        let alone = e.embed_one("A 30% deposit is due when the contract is signed.").unwrap();
        assert!(dot(&alone, &v[1]) > 0.9999);
        let first = e.embed_one("How much is the deposit to book the ballroom?").unwrap();
        assert!(dot(&first, &v[0]) > 0.9999);
    }
}
