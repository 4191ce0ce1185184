//! `/metrics`, in Prometheus' text format, through the kept `metrics` facade and its Prometheus
//! exporter (no listener of its own: this router serves it). Counters and histograms are recorded
//! where things happen (requests here, tokens and tool calls in `chat`, the embedded model's
//! queue and speed in `llm`); gauges that are a state, not an event (live replies, the job queue,
//! the database pool), are read when scraped.
//!
//! Who may read it: with `CONCIERGE_METRICS_TOKEN` set, a request bearing it; otherwise only this
//! machine (a loopback peer, not forwarded by a proxy), so a public address does not show it.

use crate::state::AppState;
use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Instant;

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process's recorder once (every router of a test process shares it).
pub fn install() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            let built = PrometheusBuilder::new()
                .set_buckets_for_metric(
                    Matcher::Suffix("_seconds".into()),
                    &[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 120.0],
                )
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        Matcher::Full("concierge_embedded_decode_tokens_per_second".into()),
                        &[1.0, 2.0, 5.0, 10.0, 20.0, 40.0, 80.0, 160.0, 320.0],
                    )
                })
                .and_then(|b| b.install_recorder());
            match built {
                Ok(handle) => {
                    describe();
                    Some(handle)
                }
                Err(err) => {
                    tracing::warn!(error = %err, "metrics recorder not installed");
                    None
                }
            }
        })
        .as_ref()
}

fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_histogram!("concierge_http_request_duration_seconds", Unit::Seconds, "HTTP requests by route");
    describe_gauge!("concierge_live_replies", "Replies this process is writing now");
    describe_counter!("concierge_llm_tokens_total", "Model tokens by model and kind (prompt, completion)");
    describe_counter!("concierge_tool_calls_total", "Agent tool calls by tool and outcome");
    describe_gauge!("concierge_jobs_due", "Background jobs due and not yet taken, by kind");
    describe_gauge!("concierge_jobs_oldest_wait_seconds", "How long the oldest due job has waited, by kind");
    describe_gauge!("concierge_jobs_dead", "Jobs that used all their attempts, by kind");
    describe_gauge!("concierge_embedded_queue", "Requests waiting for the embedded model");
    describe_histogram!("concierge_embedded_decode_tokens_per_second", "Embedded model decoding speed per reply");
    describe_histogram!("concierge_embedded_prefill_seconds", Unit::Seconds, "Embedded model prompt reading time");
    describe_gauge!("concierge_db_pool_connections", "Database pool connections by state (idle, in_use)");
}

/// Times every request under its route's pattern (`/events/{id}`, never the address itself:
/// ids and tokens would make a series each). Unmatched addresses share one label.
pub async fn track(req: Request, next: axum::middleware::Next) -> Response {
    let route = req.extensions().get::<MatchedPath>().map(|p| p.as_str().to_string());
    let method = req.method().as_str().to_string();
    let started = Instant::now();
    let res = next.run(req).await;
    let route = route.unwrap_or_else(|| "unmatched".to_string());
    let status = res.status().as_u16().to_string();
    metrics::histogram!("concierge_http_request_duration_seconds", "method" => method, "route" => route, "status" => status)
        .record(started.elapsed().as_secs_f64());
    res
}

/// `GET /metrics`.
pub async fn render(State(state): State<AppState>, req: Request) -> Response {
    if !allowed(state.config.metrics_token.as_ref().map(|t| t.expose()), req.headers(), peer(&req)) {
        return (StatusCode::FORBIDDEN, "Metrics are readable from this machine, or with CONCIERGE_METRICS_TOKEN.")
            .into_response();
    }
    let Some(handle) = install() else {
        return (StatusCode::SERVICE_UNAVAILABLE, "Metrics are not recorded in this process.").into_response();
    };
    metrics::gauge!("concierge_live_replies").set(state.chat.live_count() as f64);
    let (size, idle) = (state.pool.size() as f64, state.pool.num_idle() as f64);
    metrics::gauge!("concierge_db_pool_connections", "state" => "idle").set(idle);
    metrics::gauge!("concierge_db_pool_connections", "state" => "in_use").set((size - idle).max(0.0));
    match crate::store::jobs::stats(&state.pool).await {
        Ok(kinds) => {
            for k in kinds {
                metrics::gauge!("concierge_jobs_due", "kind" => k.kind.clone()).set(k.due as f64);
                metrics::gauge!("concierge_jobs_oldest_wait_seconds", "kind" => k.kind.clone()).set(k.oldest_wait_secs);
                metrics::gauge!("concierge_jobs_dead", "kind" => k.kind).set(k.dead as f64);
            }
        }
        Err(err) => tracing::warn!(error = %err, "job queue not read for the metrics"),
    }
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], handle.render()).into_response()
}

fn peer(req: &Request) -> Option<SocketAddr> {
    req.extensions().get::<ConnectInfo<SocketAddr>>().map(|c| c.0)
}

fn allowed(token: Option<&str>, headers: &HeaderMap, peer: Option<SocketAddr>) -> bool {
    match token {
        Some(token) => {
            let given = headers
                .get(header::AUTHORIZATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.strip_prefix("Bearer "))
                .unwrap_or("");
            crate::security::tokens::same(given.as_bytes(), token.as_bytes())
        }
        None => {
            let forwarded = headers.contains_key("x-forwarded-for") || headers.contains_key(header::FORWARDED);
            peer.is_some_and(|p| p.ip().is_loopback()) && !forwarded
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_this_machine_or_the_token_reads_the_metrics() {
        let local: SocketAddr = "127.0.0.1:5000".parse().unwrap();
        let remote: SocketAddr = "203.0.113.9:5000".parse().unwrap();
        let none = HeaderMap::new();
        assert!(allowed(None, &none, Some(local)));
        assert!(!allowed(None, &none, Some(remote)));
        assert!(!allowed(None, &none, None));
        let mut proxied = HeaderMap::new();
        proxied.insert("x-forwarded-for", "203.0.113.9".parse().unwrap());
        assert!(!allowed(None, &proxied, Some(local)), "a proxy on this machine forwards others");
        let mut bearer = HeaderMap::new();
        bearer.insert(header::AUTHORIZATION, "Bearer metrics-token-0123456789".parse().unwrap());
        assert!(allowed(Some("metrics-token-0123456789"), &bearer, Some(remote)));
        assert!(!allowed(Some("another-token-0123456789"), &bearer, Some(local)), "with a token, only the token");
    }
}
