//! What the hosted providers share: one HTTP request streamed as SSE, retried with backoff until
//! its first event, watched by timeouts, and cancelled when the receiver is dropped.

use super::sse::{SseEvent, SseParser};
use super::{emit, EventRx, EventTx, ProviderError, RetryPolicy, StreamEvent, Timeouts, CHANNEL};
use crate::security::outbound::OutboundPolicy;
use crate::security::Secret;
use futures_util::StreamExt;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::timeout;
use tracing::Instrument;

/// Turns a provider's SSE events into [`StreamEvent`]s. One decoder per attempt.
pub trait Decoder: Send + 'static {
    fn event(&mut self, event: SseEvent) -> Result<Vec<StreamEvent>, ProviderError>;
    /// The stream ended: whatever is still pending (tool calls, usage, the finish).
    fn finish(&mut self) -> Vec<StreamEvent>;
    /// Whether the provider has said it is done (the reader stops without waiting for EOF).
    fn ended(&self) -> bool;
}

/// Where a hosted provider lives and how to reach it: what the three HTTP providers share.
#[derive(Clone)]
pub struct Endpoint {
    pub base_url: String,
    pub api_key: Option<Secret>,
    client: reqwest::Client,
    timeouts: Timeouts,
    retry: RetryPolicy,
    /// Set for a provider a venue configured: its literal address is vetted before each request
    /// (names are vetted by the client's resolver) and its error details are not shown.
    guard: Option<Arc<OutboundPolicy>>,
}

/// Adds a provider's own headers (its key among them) to a request.
pub type Headers = fn(reqwest::RequestBuilder, Option<&str>) -> reqwest::RequestBuilder;

impl Endpoint {
    /// An endpoint with its own HTTP client.
    pub fn new(base_url: &str, api_key: Option<Secret>, timeouts: Timeouts, retry: RetryPolicy) -> Self {
        Self::with_client(client(&timeouts), base_url, api_key, timeouts, retry)
    }

    /// An endpoint on a shared client (its connection pool and TLS setup are built once).
    pub fn with_client(
        client: reqwest::Client,
        base_url: &str,
        api_key: Option<Secret>,
        timeouts: Timeouts,
        retry: RetryPolicy,
    ) -> Self {
        Self { base_url: base_url.trim_end_matches('/').to_string(), api_key, client, timeouts, retry, guard: None }
    }

    /// The endpoint as one a venue configured (see the `guard` field). Its client must be a
    /// [`guarded_client`] (a vetting resolver, no redirects).
    pub fn guarded(mut self, policy: Arc<OutboundPolicy>) -> Self {
        self.guard = Some(policy);
        self
    }

    /// POSTs `body` as JSON to `url` and decodes the SSE answer with decoders from `decoder`.
    pub fn stream<D: Decoder>(
        &self,
        url: String,
        body: serde_json::Value,
        headers: Headers,
        decoder: fn() -> D,
    ) -> EventRx {
        if let Some(refusal) = self.guard.as_ref().and_then(|g| g.check_literal(&url).err()) {
            let (tx, rx) = mpsc::channel(1);
            let _ = tx.try_send(Err(ProviderError::Connect(refusal.to_string())));
            return rx;
        }
        let key = self.api_key.clone();
        spawn_sse(
            self.client.clone(),
            self.timeouts,
            self.retry,
            self.guard.is_some(),
            move |client| headers(client.post(&url).json(&body), key.as_ref().map(Secret::expose)),
            decoder,
        )
    }
}

/// A shared HTTP client with the connect timeout set. Never logs headers (keys live there).
pub fn client(timeouts: &Timeouts) -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(timeouts.connect)
        .user_agent(concat!("concierge/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_else(|_| reqwest::Client::new())
}

/// A client for addresses a venue chose: every address a name resolves to is vetted by the
/// outbound guard, and redirects are not followed (a redirect could lead anywhere).
pub fn guarded_client(timeouts: &Timeouts, policy: OutboundPolicy) -> reqwest::Client {
    crate::security::outbound::client_builder(policy)
        .connect_timeout(timeouts.connect)
        .build()
        .unwrap_or_else(|_| reqwest::Client::new())
}

/// Starts `build`'s request and decodes its stream with decoders from `decoder`. With
/// `hide_details`, a failure reaches the reader without what the far side said.
pub fn spawn_sse<B, D>(
    client: reqwest::Client,
    timeouts: Timeouts,
    retry: RetryPolicy,
    hide_details: bool,
    build: B,
    decoder: impl Fn() -> D + Send + Sync + 'static,
) -> EventRx
where
    B: Fn(&reqwest::Client) -> reqwest::RequestBuilder + Send + Sync + 'static,
    D: Decoder,
{
    let (tx, rx) = mpsc::channel(CHANNEL);
    // A span per model request, a child of the caller's (the turn's) span.
    let span = tracing::info_span!("model_request", provider = "http");
    tokio::spawn(
        async move {
            let closed = tx.clone();
            tokio::select! {
                _ = closed.closed() => tracing::debug!("provider stream cancelled by its reader"),
                _ = run(&client, timeouts, retry, hide_details, &build, &decoder, &tx) => {}
            }
        }
        .instrument(span),
    );
    rx
}

struct Failure {
    error: ProviderError,
    /// Whether any event already reached the reader (then it is too late to retry).
    forwarded: bool,
    retry_after: Option<Duration>,
}

async fn run<B, D>(
    client: &reqwest::Client,
    timeouts: Timeouts,
    retry: RetryPolicy,
    hide_details: bool,
    build: &B,
    decoder: &(impl Fn() -> D + Send + Sync),
    tx: &EventTx,
) where
    B: Fn(&reqwest::Client) -> reqwest::RequestBuilder + Sync,
    D: Decoder,
{
    let mut attempt = 0;
    loop {
        match attempt_once(client, timeouts, build, decoder(), tx).await {
            Ok(()) => return,
            Err(f) if !f.forwarded && f.error.retriable() && attempt < retry.max_retries => {
                let delay = retry.delay(attempt, f.retry_after);
                tracing::warn!(error = %f.error, attempt = attempt + 1, delay_ms = delay.as_millis() as u64, "provider request failed, retrying");
                tokio::time::sleep(delay).await;
                attempt += 1;
            }
            Err(f) => {
                tracing::warn!(error = %f.error, "provider request failed");
                emit(tx, Err(if hide_details { f.error.without_details() } else { f.error })).await;
                return;
            }
        }
    }
}

async fn attempt_once<B, D>(
    client: &reqwest::Client,
    timeouts: Timeouts,
    build: &B,
    mut decoder: D,
    tx: &EventTx,
) -> Result<(), Failure>
where
    B: Fn(&reqwest::Client) -> reqwest::RequestBuilder + Sync,
    D: Decoder,
{
    let fail = |error, forwarded| Failure { error, forwarded, retry_after: None };
    let response = match timeout(timeouts.first_byte, build(client).send()).await {
        Err(_) => return Err(fail(ProviderError::Timeout("waiting for the response"), false)),
        Ok(Err(e)) => return Err(fail(ProviderError::Connect(describe(&e)), false)),
        Ok(Ok(r)) => r,
    };
    let status = response.status();
    if !status.is_success() {
        let retry_after = response
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = timeout(Duration::from_secs(5), capped_body(response, MAX_ERROR_BODY)).await.unwrap_or_default();
        let message = error_message(&body);
        let error = if status.as_u16() == 429 {
            ProviderError::RateLimited(message)
        } else {
            ProviderError::Http { status: status.as_u16(), message }
        };
        return Err(Failure { error, forwarded: false, retry_after });
    }

    let mut body = response.bytes_stream();
    let mut parser = SseParser::new();
    let mut forwarded = false;
    'read: loop {
        let chunk = match timeout(timeouts.idle, body.next()).await {
            Err(_) => return Err(fail(ProviderError::Timeout("stream stalled"), forwarded)),
            Ok(None) => break,
            Ok(Some(Err(e))) => return Err(fail(ProviderError::Connect(describe(&e)), forwarded)),
            Ok(Some(Ok(bytes))) => bytes,
        };
        for event in parser.push(&chunk) {
            for out in decoder.event(event).map_err(|e| fail(e, forwarded))? {
                if !emit(tx, Ok(out)).await {
                    return Ok(());
                }
                forwarded = true;
            }
            if decoder.ended() {
                break 'read;
            }
        }
        if parser.overflowed() {
            let limit = "a line or an event of the stream was over its size limit".to_string();
            return Err(fail(ProviderError::Protocol(limit), forwarded));
        }
    }
    if let Some(event) = parser.finish() {
        for out in decoder.event(event).map_err(|e| fail(e, forwarded))? {
            if !emit(tx, Ok(out)).await {
                return Ok(());
            }
        }
    }
    for out in decoder.finish() {
        if !emit(tx, Ok(out)).await {
            return Ok(());
        }
    }
    Ok(())
}

/// The most of an error body read (its message is cut to 300 characters anyway).
const MAX_ERROR_BODY: usize = 64 * 1024;

/// At most `cap` bytes of a response's body (the rest is not read).
async fn capped_body(response: reqwest::Response, cap: usize) -> Vec<u8> {
    let mut body = response.bytes_stream();
    let mut out = Vec::new();
    while let Some(Ok(chunk)) = body.next().await {
        let room = cap - out.len();
        out.extend_from_slice(&chunk[..chunk.len().min(room)]);
        if out.len() >= cap {
            break;
        }
    }
    out
}

/// A reqwest error without its URL (a Gemini URL could carry a key if someone configured it so).
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_connect() {
        "connection failed"
    } else if e.is_timeout() {
        "timed out"
    } else if e.is_body() || e.is_decode() {
        "the response body broke off"
    } else {
        "request failed"
    };
    let mut source = std::error::Error::source(e);
    let mut detail = String::new();
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() {
        kind.to_string()
    } else {
        format!("{kind}: {detail}")
    }
}

/// The human part of an error body: `error.message` in the JSON all three APIs use, else the text.
pub fn error_message(body: &[u8]) -> String {
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(body) {
        let e = v.get("error").unwrap_or(&v);
        if let Some(m) = e.get("message").and_then(|m| m.as_str()) {
            return m.chars().take(300).collect();
        }
        if let Some(m) = e.as_str() {
            return m.chars().take(300).collect();
        }
    }
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        "no details".to_string()
    } else {
        text.chars().take(300).collect()
    }
}
