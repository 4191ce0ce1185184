//! A linear classifier over the embedding model's vectors (multinomial logistic regression),
//! trained in a fraction of a second from labelled examples when a process first needs it. The
//! small model's router (`chat::route`) reads it next to its nearest-example scores: nearest
//! examples see one wording at a time, the classifier the weights that tell one label's examples
//! from every other's.
//!
//! Our own few lines rather than a machine-learning crate: full-batch gradient descent on a
//! softmax is two matrix products per step, which candle (already here for the embedding model)
//! does; the data is a few hundred vectors.

use candle_core::{DType, Device, Tensor};

/// Passes over the examples (the router's classifier was measured sharper, and better, at 1,000
/// than at 100 or 300: see `chat::route::PROBE_WEIGHT`).
const STEPS: usize = 1000;
/// Step size. Inputs are unit vectors, so a step moves a logit by at most about this much.
const RATE: f64 = 4.0;
/// Weight decay: keeps the weights of labels with few examples from growing without bound.
const DECAY: f64 = 1e-4;

/// Buckets of the hashed word features ([`lexical`]).
pub const LEXICAL_DIMS: usize = 1024;

/// The words of `text` as hashed features for the classifier, beside the embedding: each word's
/// stem (its first five letters) and each pair of neighbouring stems, counted into
/// [`LEXICAL_DIMS`] buckets, the whole scaled to length 1. A sentence vector blurs the one
/// word that tells two tools apart ("add" or "remove" a guest, "list" or "book" times); a
/// weight per word does not.
pub fn lexical(text: &str) -> Vec<f32> {
    // FNV-1a: stable across processes and builds, so a bucket means the same word everywhere.
    fn bucket(parts: &[&str]) -> usize {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for (i, p) in parts.iter().enumerate() {
            if i > 0 {
                h ^= u64::from(b' ');
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
            for b in p.bytes() {
                h ^= u64::from(b);
                h = h.wrapping_mul(0x0100_0000_01b3);
            }
        }
        (h % LEXICAL_DIMS as u64) as usize
    }
    let lower = text.to_lowercase();
    let stems: Vec<String> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .map(|w| w.trim_matches('\''))
        .filter(|w| !w.is_empty())
        .map(|w| w.chars().take(5).collect())
        .collect();
    let mut v = vec![0f32; LEXICAL_DIMS];
    for (i, s) in stems.iter().enumerate() {
        v[bucket(&[s])] += 1.0;
        if let Some(next) = stems.get(i + 1) {
            v[bucket(&[s, next])] += 1.0;
        }
    }
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        v.iter_mut().for_each(|x| *x /= n);
    }
    v
}

/// A trained classifier: a weight vector and a bias per label.
pub struct Probe {
    labels: Vec<&'static str>,
    /// (dims, labels)
    weights: Vec<Vec<f32>>,
    bias: Vec<f32>,
}

impl Probe {
    /// Trains on `examples` (label, unit vector). `None` when there are fewer than two labels or
    /// the vectors differ in length.
    pub fn train(examples: &[(&'static str, Vec<f32>)]) -> Option<Probe> {
        let mut labels: Vec<&'static str> = examples.iter().map(|(l, _)| *l).collect();
        labels.sort_unstable();
        labels.dedup();
        let dims = examples.first()?.1.len();
        if labels.len() < 2 || examples.iter().any(|(_, v)| v.len() != dims) {
            return None;
        }
        let fit = || -> candle_core::Result<(Vec<Vec<f32>>, Vec<f32>)> {
            let dev = Device::Cpu;
            let (n, c) = (examples.len(), labels.len());
            let flat: Vec<f32> = examples.iter().flat_map(|(_, v)| v.iter().copied()).collect();
            let x = Tensor::from_vec(flat, (n, dims), &dev)?;
            let mut onehot = vec![0f32; n * c];
            for (i, (l, _)) in examples.iter().enumerate() {
                let j = labels.binary_search(l).unwrap_or(0);
                onehot[i * c + j] = 1.0;
            }
            let y = Tensor::from_vec(onehot, (n, c), &dev)?;
            let xt = x.t()?.contiguous()?;
            let mut w = Tensor::zeros((dims, c), DType::F32, &dev)?;
            let mut b = Tensor::zeros((1, c), DType::F32, &dev)?;
            for _ in 0..STEPS {
                let logits = x.matmul(&w)?.broadcast_add(&b)?;
                let p = candle_nn::ops::softmax_last_dim(&logits)?;
                let err = ((p - &y)? / n as f64)?;
                let gw = (xt.matmul(&err)? + (&w * DECAY)?)?;
                let gb = err.sum_keepdim(0)?;
                w = (w - (gw * RATE)?)?;
                b = (b - (gb * RATE)?)?;
            }
            Ok((w.t()?.contiguous()?.to_vec2::<f32>()?, b.squeeze(0)?.to_vec1::<f32>()?))
        };
        match fit() {
            Ok((weights, bias)) => Some(Probe { labels, weights, bias }),
            Err(e) => {
                tracing::warn!(error = %e, "the router's classifier could not be trained");
                None
            }
        }
    }

    /// The probability of each of `among` for `vector`, the softmax taken over `among` alone (an
    /// agent's own labels); a label the classifier has not seen gets 0.
    pub fn probabilities(&self, among: &[&str], vector: &[f32]) -> Vec<f32> {
        let logits: Vec<Option<f32>> = among
            .iter()
            .map(|l| {
                let j = self.labels.iter().position(|x| x == l)?;
                Some(super::embed::dot(&self.weights[j], vector) + self.bias[j])
            })
            .collect();
        let max = logits.iter().flatten().copied().fold(f32::MIN, f32::max);
        let exp: Vec<f32> = logits.iter().map(|l| l.map(|l| (l - max).exp()).unwrap_or(0.0)).collect();
        let sum: f32 = exp.iter().sum();
        exp.iter().map(|e| if sum > 0.0 { e / sum } else { 0.0 }).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(v: &[f32]) -> Vec<f32> {
        let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        v.iter().map(|x| x / n).collect()
    }

    #[test]
    fn separates_labels_and_restricts_to_the_ones_asked() {
        let ex = vec![
            ("a", unit(&[1.0, 0.1, 0.0])),
            ("a", unit(&[0.9, 0.0, 0.2])),
            ("b", unit(&[0.0, 1.0, 0.1])),
            ("b", unit(&[0.1, 0.9, 0.0])),
            ("c", unit(&[0.0, 0.1, 1.0])),
            ("c", unit(&[0.2, 0.0, 0.9])),
        ];
        let p = Probe::train(&ex).expect("trains");
        let all = p.probabilities(&["a", "b", "c"], &unit(&[0.8, 0.2, 0.1]));
        assert!(all[0] > 0.6 && all[0] > all[1] && all[0] > all[2], "{all:?}");
        assert!((all.iter().sum::<f32>() - 1.0).abs() < 1e-4);
        // Only b and c asked: the vector is nearer b's side.
        let two = p.probabilities(&["b", "c", "unknown"], &unit(&[0.5, 0.6, 0.1]));
        assert!(two[0] > two[1], "{two:?}");
        assert_eq!(two[2], 0.0);
        assert!(Probe::train(&ex[..2]).is_none(), "one label is nothing to tell apart");
    }

    #[test]
    fn words_are_hashed_by_their_stems_and_pairs() {
        let a = lexical("Add Priya to the list");
        let b = lexical("adding priya to the list!");
        assert_eq!(a.len(), LEXICAL_DIMS);
        assert!((a.iter().map(|x| x * x).sum::<f32>() - 1.0).abs() < 1e-5);
        // "add" and "adding" share no five-letter stem; the rest is the same.
        let same: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        assert!(same > 0.5 && same < 0.99, "{same}");
        let other: f32 = a.iter().zip(&lexical("cancel the tasting")).map(|(x, y)| x * y).sum();
        assert!(other < 0.2, "{other}");
        assert!(lexical("  ?! ").iter().all(|x| *x == 0.0));
    }
}
