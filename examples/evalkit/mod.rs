//! What the evals share: the fixed dev/heldout split, argument matching, percentiles.
#![allow(dead_code)]

use serde_json::Value;

fn fnv1a(s: &str) -> u64 {
    s.bytes().fold(0xcbf29ce484222325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100000001b3))
}

/// The split of a case, fixed by its id (FNV-1a, 40% held out): tune on `dev` only.
pub fn split(id: &str) -> &'static str {
    if fnv1a(id) % 5 < 2 {
        "heldout"
    } else {
        "dev"
    }
}

/// Whether an expected argument is what was called: numbers by value (also written as text),
/// text contained case-insensitively, anything else equal.
pub fn matches(expected: &Value, actual: Option<&Value>) -> bool {
    let Some(actual) = actual else { return false };
    match (expected, actual) {
        (Value::Number(e), Value::Number(a)) => e.as_f64() == a.as_f64(),
        (Value::Number(e), Value::String(a)) => a.trim().parse::<f64>().ok() == e.as_f64(),
        (Value::String(e), Value::String(a)) => a.to_lowercase().contains(&e.to_lowercase()),
        (e, a) => e == a,
    }
}

/// The `p` (0–1) percentile of `v`; 0 when empty.
pub fn percentile(v: &[u128], p: f64) -> u128 {
    let mut v = v.to_vec();
    if v.is_empty() {
        return 0;
    }
    v.sort_unstable();
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}
