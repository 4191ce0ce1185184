//! Which models exist: the embedded one, the hosted ones configured in the environment, and the
//! ones a venue's owner added on the settings page (stored server-side, keys included).

use super::anthropic::Anthropic;
use super::embedded::{Embedded, EmbeddedConfig};
use super::gemini::Gemini;
use super::http::Endpoint;
use super::openai::OpenAi;
use super::scripted::Scripted;
use super::{Provider, RetryPolicy, Timeouts};
use crate::domain::chat::{ModelCatalog, ModelInfo};
use crate::security::outbound::OutboundPolicy;
use crate::security::Secret;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// A hosted provider's settings.
#[derive(Clone, Debug)]
pub struct HostedConfig {
    pub name: String,
    /// `openai`, `anthropic` or `gemini`.
    pub kind: String,
    pub base_url: String,
    pub api_key: Option<Secret>,
    pub models: Vec<String>,
}

/// Model settings from the environment (documented in README.md).
#[derive(Clone, Debug)]
pub struct LlmConfig {
    pub embedded: Option<EmbeddedConfig>,
    pub scripted_delay: Option<Duration>,
    pub hosted: Vec<HostedConfig>,
    pub default_model: Option<String>,
    pub timeouts: Timeouts,
    pub retry: RetryPolicy,
    /// Private hosts the providers a venue configures may reach (`CONCIERGE_OUTBOUND_ALLOW`).
    pub outbound: OutboundPolicy,
    /// Which venues may use the hosted providers configured here (`CONCIERGE_SHARED_PROVIDERS`).
    pub shared: SharedProviders,
}

/// `CONCIERGE_SHARED_PROVIDERS`: which venues may use the hosted providers configured in the
/// environment (the operator's keys and bills): `all` (the default, for a venue's own install),
/// `none`, or venue ids (`1, 4`). The embedded model is every venue's.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum SharedProviders {
    #[default]
    All,
    /// Only these venues (by id); `none` is the empty list.
    Only(Vec<i64>),
}

impl SharedProviders {
    pub fn allows(&self, venue_id: i64) -> bool {
        match self {
            SharedProviders::All => true,
            SharedProviders::Only(ids) => ids.contains(&venue_id),
        }
    }

    fn parse(v: Option<&str>) -> Result<Self, LlmConfigError> {
        match v {
            None | Some("all") => Ok(SharedProviders::All),
            Some("none") => Ok(SharedProviders::Only(Vec::new())),
            Some(list) => list
                .split(',')
                .map(|id| id.trim().parse::<i64>())
                .collect::<Result<Vec<_>, _>>()
                .map(SharedProviders::Only)
                .map_err(|_| LlmConfigError {
                    name: "CONCIERGE_SHARED_PROVIDERS",
                    reason: format!("{list:?} is not all, none or venue ids separated by commas"),
                }),
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("invalid value for {name}: {reason}")]
pub struct LlmConfigError {
    name: &'static str,
    reason: String,
}

/// The embedded model's threads by default: one core fewer than the machine has (at least 1, at
/// most 8). llama.cpp's threads wait for each other at every step, spinning; when another process
/// takes one of their cores they all stall. Measured on 2 cores with one busy process beside it
/// (`examples/embedded_load.rs`): 2 threads decode 19.6 tok/s, 1 thread 52.4; alone 81.1 against
/// 51.1. A server shares its cores (page renders, the embedding model, a browser in the tests),
/// so the steady rate wins over the best case.
pub fn default_threads(cores: usize) -> i32 {
    cores.saturating_sub(1).clamp(1, 8) as i32
}

/// The threads that read a prompt by default: every core (at most 8). A prompt is read in batches
/// of hundreds of tokens, so each thread has a long stretch of work between the points where the
/// threads wait for each other, and a core taken by another process costs little, unlike the
/// token-at-a-time writing ([`default_threads`]). Measured on 2 cores with
/// `examples/embedded_load.rs` (a 470-token prompt, median of 3): 2 threads read it in 1.8 s
/// against 3.2 s for 1; beside one busy process 3.7 s against 3.2 s; beside two, 5.3 s against
/// 6.3 s. A tool decision's prompt is about that long, so the quiet case wins.
pub fn default_batch_threads(cores: usize) -> i32 {
    cores.clamp(1, 8) as i32
}

/// A thread count from `name` in the environment: 1 to 64.
fn thread_count(name: &'static str, value: Option<String>, default: i32) -> Result<i32, LlmConfigError> {
    match value {
        None => Ok(default),
        Some(v) => v
            .parse()
            .ok()
            .filter(|n| (1..=64).contains(n))
            .ok_or(LlmConfigError { name, reason: format!("{v:?} is not a number from 1 to 64") }),
    }
}

impl LlmConfig {
    /// Only the scripted model (tests and benchmarks).
    pub fn scripted_only(delay: Duration) -> Self {
        Self {
            embedded: None,
            scripted_delay: Some(delay),
            hosted: Vec::new(),
            default_model: None,
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            outbound: OutboundPolicy::default(),
            shared: SharedProviders::All,
        }
    }

    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self, LlmConfigError> {
        let get = |k: &str| get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let embedded = match get("CONCIERGE_EMBEDDED").as_deref() {
            Some("off" | "false" | "0" | "no") => None,
            None | Some("on" | "true" | "1" | "yes" | "auto") => Some(EmbeddedConfig {
                path: PathBuf::from(
                    get("CONCIERGE_EMBEDDED_MODEL").unwrap_or_else(|| EmbeddedConfig::DEFAULT_PATH.to_string()),
                ),
                threads: thread_count(
                    "CONCIERGE_EMBEDDED_THREADS",
                    get("CONCIERGE_EMBEDDED_THREADS"),
                    default_threads(cores),
                )?,
                batch_threads: thread_count(
                    "CONCIERGE_EMBEDDED_BATCH_THREADS",
                    get("CONCIERGE_EMBEDDED_BATCH_THREADS"),
                    default_batch_threads(cores),
                )?,
            }),
            Some(other) => {
                return Err(LlmConfigError {
                    name: "CONCIERGE_EMBEDDED",
                    reason: format!("{other:?} is not on or off"),
                })
            }
        };
        let scripted_delay = match get("CONCIERGE_SCRIPTED_MODEL") {
            None => None,
            Some(v) => Some(Duration::from_millis(v.parse().map_err(|_| LlmConfigError {
                name: "CONCIERGE_SCRIPTED_MODEL",
                reason: format!("{v:?} is not a delay in milliseconds"),
            })?)),
        };
        let mut hosted = Vec::new();
        for (name, kind, key_var, url_var, models_var, default_url, default_models) in [
            (
                "openai",
                "openai",
                "OPENAI_API_KEY",
                "OPENAI_BASE_URL",
                "OPENAI_MODELS",
                "https://api.openai.com/v1",
                "gpt-4o-mini",
            ),
            (
                "anthropic",
                "anthropic",
                "ANTHROPIC_API_KEY",
                "ANTHROPIC_BASE_URL",
                "ANTHROPIC_MODELS",
                "https://api.anthropic.com",
                "claude-3-5-haiku-latest",
            ),
            (
                "gemini",
                "gemini",
                "GEMINI_API_KEY",
                "GEMINI_BASE_URL",
                "GEMINI_MODELS",
                "https://generativelanguage.googleapis.com",
                "gemini-2.0-flash",
            ),
        ] {
            let key = get(key_var);
            let url = get(url_var);
            if key.is_none() && url.is_none() {
                continue;
            }
            let base_url = url.unwrap_or_else(|| default_url.to_string());
            if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
                return Err(LlmConfigError { name: url_var, reason: "must start with http:// or https://".into() });
            }
            let models: Vec<String> = get(models_var)
                .unwrap_or_else(|| default_models.to_string())
                .split(',')
                .map(|m| m.trim().to_string())
                .filter(|m| !m.is_empty())
                .collect();
            hosted.push(HostedConfig {
                name: name.into(),
                kind: kind.into(),
                base_url,
                api_key: key.map(Secret::new),
                models,
            });
        }
        let secs = |name: &'static str, default: u64| -> Result<Duration, LlmConfigError> {
            match get(name) {
                None => Ok(Duration::from_secs(default)),
                Some(v) => v
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .map(Duration::from_secs)
                    .ok_or(LlmConfigError { name, reason: format!("{v:?} is not a number of seconds") }),
            }
        };
        let timeouts = Timeouts {
            connect: secs("CONCIERGE_LLM_CONNECT_TIMEOUT", 10)?,
            first_byte: secs("CONCIERGE_LLM_TIMEOUT", 60)?,
            idle: secs("CONCIERGE_LLM_TIMEOUT", 60)?,
        };
        Ok(Self {
            embedded,
            scripted_delay,
            hosted,
            default_model: get("CONCIERGE_DEFAULT_MODEL"),
            timeouts,
            retry: RetryPolicy::default(),
            outbound: OutboundPolicy::from_list(&get("CONCIERGE_OUTBOUND_ALLOW").unwrap_or_default()),
            shared: SharedProviders::parse(get("CONCIERGE_SHARED_PROVIDERS").as_deref())?,
        })
    }
}

/// A model ready to use.
#[derive(Clone)]
pub struct ResolvedModel {
    pub info: ModelInfo,
    pub provider: Arc<dyn Provider>,
    /// The provider's own name for the model.
    pub model: String,
}

/// The models one venue can use.
#[derive(Clone)]
pub struct Catalog {
    entries: Vec<ResolvedModel>,
    default_model: String,
}

impl Catalog {
    pub fn resolve(&self, id: &str) -> Option<ResolvedModel> {
        self.entries.iter().find(|e| e.info.id == id).cloned()
    }

    /// The model to use for `wanted`, else the default.
    pub fn resolve_or_default(&self, wanted: Option<&str>) -> Option<ResolvedModel> {
        wanted.and_then(|w| self.resolve(w)).or_else(|| self.resolve(&self.default_model))
    }

    pub fn view(&self) -> ModelCatalog {
        ModelCatalog {
            models: self.entries.iter().map(|e| e.info.clone()).collect(),
            default_model: self.default_model.clone(),
        }
    }

    pub fn default_model(&self) -> &str {
        &self.default_model
    }
}

/// The model registry of the server: built once at start-up.
pub struct Llm {
    entries: Vec<ResolvedModel>,
    default_model: Option<String>,
    client_timeouts: Timeouts,
    retry: RetryPolicy,
    hosted: Vec<HostedConfig>,
    /// One HTTP client for the providers of the environment, and one for those the venues
    /// configured (a venue's catalog is rebuilt per request; its providers must not each build a
    /// client). The venues' client vets every address it connects to and follows no redirects.
    client: reqwest::Client,
    venue_client: reqwest::Client,
    outbound: Arc<OutboundPolicy>,
    shared: SharedProviders,
}

impl Llm {
    /// Builds the registry; loads the embedded model (about a second) when it is enabled and its
    /// file exists. A missing file is logged, not fatal: hosted models still work.
    pub fn new(config: LlmConfig) -> Self {
        let mut entries = Vec::new();
        if let Some(e) = &config.embedded {
            match Embedded::load(e) {
                Ok(model) => {
                    let model = Arc::new(model);
                    entries.push(ResolvedModel {
                        info: model.info(),
                        provider: model,
                        model: "smollm2-135m-instruct".into(),
                    });
                }
                Err(err) => {
                    tracing::warn!(error = %err, path = %e.path.display(), "embedded model not loaded (run `make setup` to fetch it)")
                }
            }
        }
        if let Some(delay) = config.scripted_delay {
            entries.push(ResolvedModel {
                info: ModelInfo {
                    id: "scripted/instant".into(),
                    provider: "scripted".into(),
                    label: "Scripted replies (testing)".into(),
                    context_window: 1_000_000,
                    supports_tools: true,
                    supports_images: false,
                    local: true,
                },
                provider: Arc::new(Scripted { delay }),
                model: "instant".into(),
            });
        }
        let mut llm = Self {
            entries,
            default_model: config.default_model,
            client_timeouts: config.timeouts,
            retry: config.retry,
            client: super::http::client(&config.timeouts),
            venue_client: super::http::guarded_client(&config.timeouts, config.outbound.clone()),
            outbound: Arc::new(config.outbound),
            shared: config.shared,
            hosted: Vec::new(),
        };
        for h in &config.hosted {
            let hosted = llm.hosted_entries(h, llm.endpoint(h));
            llm.entries.extend(hosted);
        }
        llm.hosted = config.hosted;
        llm
    }

    /// The providers configured in the environment, as the settings page lists them.
    pub fn env_providers(&self) -> &[HostedConfig] {
        &self.hosted
    }

    /// Which private hosts the providers a venue configures may reach.
    pub fn outbound(&self) -> &OutboundPolicy {
        &self.outbound
    }

    fn endpoint(&self, h: &HostedConfig) -> Endpoint {
        Endpoint::with_client(self.client.clone(), &h.base_url, h.api_key.clone(), self.client_timeouts, self.retry)
    }

    /// A provider a venue configured: on the guarded client, its address vetted, its errors terse.
    fn venue_endpoint(&self, h: &HostedConfig) -> Endpoint {
        Endpoint::with_client(
            self.venue_client.clone(),
            &h.base_url,
            h.api_key.clone(),
            self.client_timeouts,
            self.retry,
        )
        .guarded(self.outbound.clone())
    }

    fn hosted_entries(&self, h: &HostedConfig, endpoint: Endpoint) -> Vec<ResolvedModel> {
        let provider: Arc<dyn Provider> = match h.kind.as_str() {
            "anthropic" => Arc::new(Anthropic(endpoint)),
            "gemini" => Arc::new(Gemini(endpoint)),
            _ => Arc::new(OpenAi(endpoint)),
        };
        h.models
            .iter()
            .map(|m| ResolvedModel {
                info: ModelInfo {
                    id: format!("{}/{m}", h.name),
                    provider: h.name.clone(),
                    label: m.clone(),
                    context_window: context_window(&h.kind, m),
                    supports_tools: true,
                    supports_images: sees_images(&h.kind, m),
                    local: is_local_url(&h.base_url),
                },
                provider: provider.clone(),
                model: m.clone(),
            })
            .collect()
    }

    /// The catalog for a venue: the server's models (the environment's hosted ones only for the
    /// venues `CONCIERGE_SHARED_PROVIDERS` names) plus the venue's own providers.
    pub fn catalog(&self, venue_id: i64, venue_providers: &[HostedConfig]) -> Catalog {
        let mut entries = self.entries.clone();
        if !self.shared.allows(venue_id) {
            entries.retain(|e| !self.hosted.iter().any(|h| h.name == e.info.provider));
        }
        for h in venue_providers {
            entries.extend(self.hosted_entries(h, self.venue_endpoint(h)));
        }
        let default_model = self
            .default_model
            .clone()
            .filter(|d| entries.iter().any(|e| &e.info.id == d))
            .or_else(|| entries.first().map(|e| e.info.id.clone()))
            .unwrap_or_default();
        Catalog { entries, default_model }
    }
}

fn is_local_url(url: &str) -> bool {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    rest.starts_with("127.") || rest.starts_with("localhost") || rest.starts_with("[::1]")
}

/// A model's context window, from what its provider publishes for the common families.
/// Whether a hosted model takes images: every current Anthropic and Gemini model; on
/// OpenAI-compatible servers, the model families known to (a text-only model answers a request
/// with an image part with an error, so the rest get a note that a picture was attached).
pub fn sees_images(kind: &str, model: &str) -> bool {
    let m = model.to_ascii_lowercase();
    match kind {
        "anthropic" | "gemini" => true,
        _ => {
            ["gpt-4o", "gpt-4.1", "gpt-4-turbo", "gpt-5", "o1", "o3", "o4", "chatgpt-4o"]
                .iter()
                .any(|p| m.starts_with(p))
                || [
                    "vision",
                    "llava",
                    "-vl",
                    "pixtral",
                    "gemma3",
                    "gemma-3",
                    "llama-4",
                    "llama4",
                    "minicpm-v",
                    "moondream",
                ]
                .iter()
                .any(|p| m.contains(p))
        }
    }
}

pub fn context_window(kind: &str, model: &str) -> u32 {
    let m = model.to_ascii_lowercase();
    match kind {
        "anthropic" => 200_000,
        "gemini" => 1_048_576,
        _ if m.starts_with("gpt-4o") || m.starts_with("gpt-4.1") || m.starts_with("o3") || m.starts_with("o4") => {
            128_000
        }
        _ if m.starts_with("gpt-5") => 400_000,
        _ if m.contains("llama-3") || m.contains("llama3") => 131_072,
        _ => 8_192,
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_embedded_model_leaves_a_core_free() {
        let t: Vec<i32> = [1, 2, 4, 16].into_iter().map(super::default_threads).collect();
        assert_eq!(t, [1, 1, 3, 8]);
        let b: Vec<i32> = [1, 2, 4, 16].into_iter().map(super::default_batch_threads).collect();
        assert_eq!(b, [1, 2, 4, 8], "a prompt is read on every core");
    }

    #[test]
    fn thread_counts_come_from_the_environment_or_are_refused() {
        let env = |k: &'static str, v: &'static str| {
            super::LlmConfig::from_lookup(move |name| (name == k).then(|| v.to_string()))
        };
        let c = env("CONCIERGE_EMBEDDED_BATCH_THREADS", "3").unwrap();
        assert_eq!(c.embedded.as_ref().map(|e| e.batch_threads), Some(3));
        let Err(e) = env("CONCIERGE_EMBEDDED_BATCH_THREADS", "0") else { panic!("0 threads is refused") };
        assert!(e.to_string().contains("CONCIERGE_EMBEDDED_BATCH_THREADS"), "{e}");
        assert!(env("CONCIERGE_EMBEDDED_THREADS", "many").is_err());
    }
}
