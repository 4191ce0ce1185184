//! The web, as far as the agents may read it: a search provider behind [`SearchProvider`]
//! (SearXNG's JSON API, Brave Search, Tavily; chosen by the operator's environment) and a page
//! reader that fetches a page through the outbound guard and keeps its reading matter.
//!
//! Everything from the web is untrusted text: results and pages are capped in size, stripped of
//! markup and control characters, and handed to the model as quotations, never as instructions.
//! The search provider's address is the operator's, so it may be private (a SearXNG on the LAN);
//! pages are anyone's, so every address a page read connects to (and every redirect) passes the
//! outbound guard.

use crate::security::outbound::OutboundPolicy;
use crate::security::Secret;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// Results asked of the provider.
pub const MAX_RESULTS: usize = 8;
/// Characters kept of a result's title and snippet.
const TITLE_CHARS: usize = 200;
const SNIPPET_CHARS: usize = 500;
/// Bytes of a page read at most (the rest is not fetched).
pub const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;
/// Characters of a page's text given to the model.
pub const PAGE_CHARS: usize = 8_000;
/// Redirects a page read follows (each one vetted).
const MAX_REDIRECTS: usize = 5;
const SEARCH_TIMEOUT: Duration = Duration::from_secs(10);
const PAGE_TIMEOUT: Duration = Duration::from_secs(15);

#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// The provider could not be reached or answered an error (the message is for the model and
    /// the log: no key or address in it).
    #[error("the web search failed: {0}")]
    Search(String),
    /// The page cannot be read (the message says why, for the model).
    #[error("{0}")]
    Page(String),
}

/// One search result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebHit {
    pub title: String,
    pub url: String,
    pub snippet: String,
}

/// A page's reading matter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    /// Where it was read (after redirects).
    pub url: String,
    pub title: String,
    pub text: String,
    /// The page had more text than was kept.
    pub truncated: bool,
}

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A web search API.
pub trait SearchProvider: Send + Sync {
    /// Its name, for the log and the settings ("SearXNG").
    fn name(&self) -> &'static str;
    /// Up to `count` results for `query`, best first, not yet cleaned.
    fn search<'a>(&'a self, query: &'a str, count: usize) -> BoxFuture<'a, Result<Vec<WebHit>, WebError>>;
}

/// Which provider, from `CONCIERGE_WEB_SEARCH`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProviderKind {
    SearXng,
    Brave,
    Tavily,
}

/// The web's configuration: `CONCIERGE_WEB_SEARCH` (`searxng`, `brave` or `tavily`; unset: no
/// web tools), `CONCIERGE_WEB_SEARCH_URL` (SearXNG's address; another address for Brave's or
/// Tavily's API), `CONCIERGE_WEB_SEARCH_KEY` (Brave's and Tavily's API key), and the operator's
/// private hosts pages may be read from (`CONCIERGE_OUTBOUND_ALLOW`).
#[derive(Clone, Debug)]
pub struct WebConfig {
    pub provider: ProviderKind,
    pub base_url: String,
    pub api_key: Option<Secret>,
    pub outbound: OutboundPolicy,
}

impl WebConfig {
    /// `Ok(None)` when no provider is configured; `Err` for a configuration that cannot work (the
    /// server refuses to start with it, saying why).
    pub fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Option<Self>, String> {
        let get = |k: &str| get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
        let provider = match get("CONCIERGE_WEB_SEARCH").map(|v| v.to_ascii_lowercase()).as_deref() {
            None | Some("off") => return Ok(None),
            Some("searxng") => ProviderKind::SearXng,
            Some("brave") => ProviderKind::Brave,
            Some("tavily") => ProviderKind::Tavily,
            Some(other) => {
                return Err(format!("CONCIERGE_WEB_SEARCH={other}: use searxng, brave, tavily or off"));
            }
        };
        let base_url = match (provider, get("CONCIERGE_WEB_SEARCH_URL")) {
            (_, Some(url)) => url.trim_end_matches('/').to_string(),
            (ProviderKind::SearXng, None) => {
                return Err("CONCIERGE_WEB_SEARCH=searxng needs CONCIERGE_WEB_SEARCH_URL (its address)".into());
            }
            (ProviderKind::Brave, None) => "https://api.search.brave.com".into(),
            (ProviderKind::Tavily, None) => "https://api.tavily.com".into(),
        };
        if !(base_url.starts_with("http://") || base_url.starts_with("https://")) {
            return Err("CONCIERGE_WEB_SEARCH_URL must start with http:// or https://".into());
        }
        let api_key = get("CONCIERGE_WEB_SEARCH_KEY").map(Secret::new);
        if provider != ProviderKind::SearXng && api_key.is_none() {
            return Err("CONCIERGE_WEB_SEARCH=brave or tavily needs CONCIERGE_WEB_SEARCH_KEY".into());
        }
        let outbound = OutboundPolicy::from_list(&get("CONCIERGE_OUTBOUND_ALLOW").unwrap_or_default());
        Ok(Some(Self { provider, base_url, api_key, outbound }))
    }
}

/// The web tools' moving parts: the provider and the page reader.
pub struct Web {
    provider: Box<dyn SearchProvider>,
    pages: reqwest::Client,
    policy: Arc<OutboundPolicy>,
}

impl std::fmt::Debug for Web {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Web").field("provider", &self.provider.name()).finish()
    }
}

impl Web {
    pub fn new(config: &WebConfig) -> Self {
        let api = reqwest::Client::builder()
            .timeout(SEARCH_TIMEOUT)
            .user_agent(concat!("concierge/", env!("CARGO_PKG_VERSION")))
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        let key = config.api_key.clone().unwrap_or_else(|| Secret::new(""));
        let base = config.base_url.clone();
        let provider: Box<dyn SearchProvider> = match config.provider {
            ProviderKind::SearXng => Box::new(SearXng { http: api, base }),
            ProviderKind::Brave => Box::new(Brave { http: api, base, key }),
            ProviderKind::Tavily => Box::new(Tavily { http: api, base, key }),
        };
        Self::with_provider(provider, config.outbound.clone())
    }

    /// With a provider of the caller's (tests).
    pub fn with_provider(provider: Box<dyn SearchProvider>, outbound: OutboundPolicy) -> Self {
        let policy = Arc::new(outbound);
        let check = policy.clone();
        let pages = crate::security::outbound::client_builder((*policy).clone())
            .timeout(PAGE_TIMEOUT)
            .connect_timeout(Duration::from_secs(5))
            .user_agent(concat!("Mozilla/5.0 (compatible; concierge/", env!("CARGO_PKG_VERSION"), ")"))
            // Pages move: follow a few redirects. One to an address literal never reaches the
            // resolver, so it is vetted here.
            .redirect(reqwest::redirect::Policy::custom(move |attempt| {
                if attempt.previous().len() >= MAX_REDIRECTS {
                    attempt.error("too many redirects")
                } else if let Err(e) = check.check_literal(attempt.url().as_str()) {
                    attempt.error(e)
                } else {
                    attempt.follow()
                }
            }))
            .build()
            .unwrap_or_else(|_| reqwest::Client::new());
        Self { provider, pages, policy }
    }

    pub fn provider_name(&self) -> &'static str {
        self.provider.name()
    }

    /// Searches the web: at most `count` results (≤ [`MAX_RESULTS`]), cleaned, with http(s) URLs.
    #[tracing::instrument(name = "web_search", skip_all, fields(provider = self.provider.name()))]
    pub async fn search(&self, query: &str, count: usize) -> Result<Vec<WebHit>, WebError> {
        let query: String = query.chars().filter(|c| !c.is_control()).take(300).collect();
        let count = count.clamp(1, MAX_RESULTS);
        let hits = self.provider.search(query.trim(), count).await?;
        let mut out: Vec<WebHit> = Vec::new();
        for h in hits {
            let url = h.url.trim().to_string();
            if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 2000 {
                continue;
            }
            if out.iter().any(|o| o.url == url) {
                continue;
            }
            out.push(WebHit { title: clean(&h.title, TITLE_CHARS), url, snippet: clean(&h.snippet, SNIPPET_CHARS) });
            if out.len() == count {
                break;
            }
        }
        Ok(out)
    }

    /// Reads a page: fetched through the outbound guard, at most [`MAX_PAGE_BYTES`], HTML or
    /// plain text only; its title and reading matter, at most [`PAGE_CHARS`] characters.
    #[tracing::instrument(name = "read_page", skip_all)]
    pub async fn read(&self, url: &str) -> Result<Page, WebError> {
        let url = url.trim();
        let parsed = reqwest::Url::parse(url).map_err(|_| WebError::Page("That is not a web address.".into()))?;
        if !matches!(parsed.scheme(), "http" | "https") {
            return Err(WebError::Page("Only http:// and https:// pages can be read.".into()));
        }
        self.policy.check_literal(url).map_err(|e| WebError::Page(e.to_string()))?;
        let res = self
            .pages
            .get(parsed)
            .header(reqwest::header::ACCEPT, "text/html, application/xhtml+xml, text/plain;q=0.9")
            .send()
            .await
            .map_err(|e| WebError::Page(unreachable(&e)))?;
        let status = res.status();
        if !status.is_success() {
            return Err(WebError::Page(format!("The page answered {}.", status.as_u16())));
        }
        let final_url = res.url().to_string();
        let kind = res
            .headers()
            .get(reqwest::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("text/html")
            .to_ascii_lowercase();
        let html = kind.contains("html");
        if !html && !kind.starts_with("text/plain") {
            let kind: String = kind.chars().take(60).collect();
            return Err(WebError::Page(format!("That is not a web page ({kind}).")));
        }
        let (bytes, cut) = capped_body(res, MAX_PAGE_BYTES).await?;
        let body = String::from_utf8_lossy(&bytes);
        let (title, text) = if html {
            let (title, text) = super::extract::web_page(&body);
            (title.unwrap_or_default(), text)
        } else {
            (String::new(), body.into_owned())
        };
        let text = clean_block(&text);
        let truncated = cut || text.chars().count() > PAGE_CHARS;
        let text: String = text.chars().take(PAGE_CHARS).collect();
        Ok(Page { url: final_url, title: clean(&title, TITLE_CHARS), text, truncated })
    }
}

/// The body, up to `cap` bytes; whether it was cut.
async fn capped_body(mut res: reqwest::Response, cap: usize) -> Result<(Vec<u8>, bool), WebError> {
    let mut out = Vec::new();
    while let Some(chunk) = res.chunk().await.map_err(|e| WebError::Page(unreachable(&e)))? {
        let room = cap - out.len();
        if chunk.len() >= room {
            out.extend_from_slice(&chunk[..room]);
            return Ok((out, true));
        }
        out.extend_from_slice(&chunk);
    }
    Ok((out, false))
}

/// Why a page was not read, without the addresses the guard resolved.
fn unreachable(e: &reqwest::Error) -> String {
    if let Some(refused) = crate::security::outbound::refusal(e) {
        return refused.to_string();
    }
    if e.is_timeout() {
        "The page did not answer in time.".into()
    } else if e.is_redirect() {
        "The page redirects too often, or to an address the server does not call.".into()
    } else {
        "The page could not be reached.".into()
    }
}

/// One line of outside text: markup and entities out, whitespace collapsed, control characters
/// gone, at most `max` characters.
fn clean(s: &str, max: usize) -> String {
    let text = if s.contains('<') || s.contains('&') { super::extract::web_page(s).1 } else { s.to_string() };
    let line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let line: String = line.chars().filter(|c| !c.is_control()).collect();
    crate::domain::text::clip(&line, max).to_string()
}

/// A page's text: control characters out (line breaks kept).
fn clean_block(s: &str) -> String {
    s.chars().filter(|c| !c.is_control() || *c == '\n').collect()
}

/// The text of a JSON field (absent or not text: empty).
fn text(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_default().to_string()
}

/// The results at `pointer` in a provider's answer, each with `title`, `url` and its snippet in
/// field `snippet`, at most `count`.
fn hits(answer: &Value, pointer: &str, snippet: &str, count: usize) -> Vec<WebHit> {
    let results = answer.pointer(pointer).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
    results
        .iter()
        .take(count)
        .map(|r| WebHit { title: text(r, "title"), url: text(r, "url"), snippet: text(r, snippet) })
        .collect()
}

fn failed(what: &str, e: impl std::fmt::Display) -> WebError {
    tracing::warn!(provider = what, error = %e, "web search failed");
    WebError::Search(format!("{what} did not answer"))
}

/// Sends `req`, expecting a 2xx JSON answer.
async fn json_answer(what: &str, req: reqwest::RequestBuilder) -> Result<Value, WebError> {
    let res = req.send().await.map_err(|e| failed(what, e))?;
    let status = res.status();
    if !status.is_success() {
        tracing::warn!(provider = what, status = status.as_u16(), "web search refused");
        return Err(WebError::Search(match status.as_u16() {
            401 | 403 => format!("{what} refused the server's key"),
            429 => format!("{what} is rate-limiting the server; try again later"),
            s => format!("{what} answered {s}"),
        }));
    }
    let (bytes, _) = capped_body(res, 4 * 1024 * 1024).await.map_err(|e| failed(what, e))?;
    serde_json::from_slice(&bytes).map_err(|e| failed(what, e))
}

/// SearXNG's JSON API (`GET /search?q=…&format=json`; the instance must allow the `json` format).
struct SearXng {
    http: reqwest::Client,
    base: String,
}

impl SearchProvider for SearXng {
    fn name(&self) -> &'static str {
        "SearXNG"
    }

    fn search<'a>(&'a self, query: &'a str, count: usize) -> BoxFuture<'a, Result<Vec<WebHit>, WebError>> {
        Box::pin(async move {
            let req = self.http.get(format!("{}/search", self.base)).query(&[("q", query), ("format", "json")]);
            // Twice as many: SearXNG merges engines, and repeats are dropped afterwards.
            Ok(hits(&json_answer(self.name(), req).await?, "/results", "content", count * 2))
        })
    }
}

/// Brave Search's web search API (`GET /res/v1/web/search`, `X-Subscription-Token`).
struct Brave {
    http: reqwest::Client,
    base: String,
    key: Secret,
}

impl SearchProvider for Brave {
    fn name(&self) -> &'static str {
        "Brave Search"
    }

    fn search<'a>(&'a self, query: &'a str, count: usize) -> BoxFuture<'a, Result<Vec<WebHit>, WebError>> {
        Box::pin(async move {
            let req = self
                .http
                .get(format!("{}/res/v1/web/search", self.base))
                .query(&[("q", query), ("count", &count.to_string())])
                .header(reqwest::header::ACCEPT, "application/json")
                .header("X-Subscription-Token", self.key.expose());
            Ok(hits(&json_answer(self.name(), req).await?, "/web/results", "description", count))
        })
    }
}

/// Tavily's search API (`POST /search`, bearer key).
struct Tavily {
    http: reqwest::Client,
    base: String,
    key: Secret,
}

impl SearchProvider for Tavily {
    fn name(&self) -> &'static str {
        "Tavily"
    }

    fn search<'a>(&'a self, query: &'a str, count: usize) -> BoxFuture<'a, Result<Vec<WebHit>, WebError>> {
        Box::pin(async move {
            let req = self
                .http
                .post(format!("{}/search", self.base))
                .bearer_auth(self.key.expose())
                .json(&serde_json::json!({"query": query, "max_results": count, "search_depth": "basic"}));
            Ok(hits(&json_answer(self.name(), req).await?, "/results", "content", count))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |k| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone())
    }

    #[test]
    fn the_provider_comes_from_the_environment() {
        assert!(WebConfig::from_lookup(lookup(&[])).unwrap().is_none());
        assert!(WebConfig::from_lookup(lookup(&[("CONCIERGE_WEB_SEARCH", "off")])).unwrap().is_none());
        let c = WebConfig::from_lookup(lookup(&[
            ("CONCIERGE_WEB_SEARCH", "SearXNG"),
            ("CONCIERGE_WEB_SEARCH_URL", "http://searx.lan:8080/"),
        ]))
        .unwrap()
        .unwrap();
        assert_eq!((c.provider, c.base_url.as_str()), (ProviderKind::SearXng, "http://searx.lan:8080"));
        let c = WebConfig::from_lookup(lookup(&[("CONCIERGE_WEB_SEARCH", "brave"), ("CONCIERGE_WEB_SEARCH_KEY", "k")]))
            .unwrap()
            .unwrap();
        assert_eq!(c.base_url, "https://api.search.brave.com");
        for bad in [
            vec![("CONCIERGE_WEB_SEARCH", "google")],
            vec![("CONCIERGE_WEB_SEARCH", "searxng")],
            vec![("CONCIERGE_WEB_SEARCH", "tavily")],
            vec![("CONCIERGE_WEB_SEARCH", "searxng"), ("CONCIERGE_WEB_SEARCH_URL", "searx.lan")],
        ] {
            assert!(WebConfig::from_lookup(lookup(&bad)).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn outside_text_is_cleaned_and_capped() {
        assert_eq!(clean("<strong>Harbor</strong> Hall &amp; Garden\u{7}", 100), "Harbor Hall & Garden");
        assert_eq!(clean("  many\n\n  lines\t here ", 100), "many lines here");
        assert!(clean(&"x".repeat(1000), 50).chars().count() <= 51);
    }
}
