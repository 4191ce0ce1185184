//! How the embedded model picks its tokens: llama.cpp's sampler chain, or greedy under a grammar
//! with the model's first choice checked alone; and the bytes of tokens joined into text.

use llama_cpp_2::context::LlamaContext;
use llama_cpp_2::sampling::LlamaSampler;
use llama_cpp_2::token::data::LlamaTokenData;
use llama_cpp_2::token::data_array::LlamaTokenDataArray;
use llama_cpp_2::token::LlamaToken;

/// How a completion picks its tokens.
pub(super) enum Sampling {
    /// llama.cpp's sampler chain, applied to the whole vocabulary at every step.
    Chain(LlamaSampler),
    /// The most likely token the grammar allows (see [`greedy_under`]).
    GreedyGrammar(LlamaSampler),
}

/// The most likely token that `grammar` allows next (and accepted into it); `None` when it allows
/// none. Checking a token against a grammar means matching its text against the grammar's
/// stacks, and the vocabulary has 49,152 tokens: the chain checks them all at every step. As
/// llama.cpp's own `common_sampler_sample` does, the model's first choice is checked alone, and
/// only when the grammar rejects it is the whole vocabulary filtered (in a JSON decision the
/// model's first choice is allowed most of the time).
pub(super) fn greedy_under(grammar: &mut LlamaSampler, ctx: &LlamaContext<'_>, idx: i32) -> Option<LlamaToken> {
    let logits = ctx.get_logits_ith(idx);
    let (best, logit) =
        logits.iter().enumerate().fold((0, f32::NEG_INFINITY), |acc, (i, &l)| if l > acc.1 { (i, l) } else { acc });
    let best = LlamaToken(best as i32);
    let mut one = LlamaTokenDataArray::new(vec![LlamaTokenData::new(best, logit, 0.0)], false);
    one.apply_sampler(grammar);
    let tok = if one.data[0].logit() > f32::NEG_INFINITY {
        best
    } else {
        let mut all = ctx.token_data_array_ith(idx);
        all.apply_sampler(grammar);
        all.data
            .iter()
            .filter(|d| d.logit() > f32::NEG_INFINITY)
            .max_by(|a, b| a.logit().total_cmp(&b.logit()))
            .map(|d| d.id())?
    };
    grammar.accept(tok);
    Some(tok)
}

/// Joins token bytes into text: a token may end in the middle of a UTF-8 character.
#[derive(Default)]
pub struct Utf8Stream {
    pending: Vec<u8>,
}

impl Utf8Stream {
    /// Feeds bytes; returns the text complete so far (an incomplete tail waits for more).
    pub fn push(&mut self, bytes: &[u8]) -> String {
        self.pending.extend_from_slice(bytes);
        let mut out = String::new();
        loop {
            match std::str::from_utf8(&self.pending) {
                Ok(s) => {
                    out.push_str(s);
                    self.pending.clear();
                    return out;
                }
                Err(e) => {
                    let valid = e.valid_up_to();
                    out.push_str(std::str::from_utf8(&self.pending[..valid]).unwrap_or_default());
                    match e.error_len() {
                        None => {
                            self.pending.drain(..valid);
                            return out;
                        }
                        Some(n) => {
                            out.push('\u{FFFD}');
                            self.pending.drain(..valid + n);
                        }
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_across_tokens() {
        let mut u = Utf8Stream::default();
        let bytes = "é🎉".as_bytes();
        assert_eq!(u.push(&bytes[..1]), "");
        assert_eq!(u.push(&bytes[1..3]), "é");
        assert_eq!(u.push(&bytes[3..]), "🎉");
        assert_eq!(u.push(&[0xff, b'a']), "\u{FFFD}a");
    }
}
