//! The composition root (ssr): the only module that imports the UI (`app`, for its route list)
//! and puts everything together. The router and its middleware ([`router`]), who is asking
//! ([`actor`]), input no server function can store ([`input`]), and the plain routes beside the
//! pages and server functions: the chat's event stream ([`chat_stream`]), iCalendar downloads
//! and feeds ([`calendar`]), the audit log's CSV ([`audit`]), knowledge-base uploads and originals ([`knowledge`]), the agents behind OpenAI's chat API
//! ([`openai`], `/v1`), their tools for MCP hosts ([`mcp`], `/mcp`), the service worker ([`pwa`], `/sw.js`), [`metrics`] (`/metrics`), `/health/live` and `/health/ready`. `main.rs` calls [`serve`]; tests build the same router
//! with [`app`], no socket needed.

mod account_export;
mod actor;
mod audit;
mod calendar;
mod chat_export;
mod chat_stream;
mod input;
mod insights;
mod knowledge;
mod mcp;
mod metrics;
pub mod openai;
mod pwa;
mod router;
mod studio;

pub use router::app;

use crate::state::AppState;
use std::net::SocketAddr;

/// Serves `state` on `addr` until SIGTERM or Ctrl-C, then drains the open connections.
pub async fn serve(state: AppState, addr: SocketAddr) -> std::io::Result<()> {
    // TCP_NODELAY: an event stream writes small frames; without it Nagle's algorithm holds each
    // one back until the previous is acknowledged (40 ms with delayed ACKs).
    let listener = axum::serve::ListenerExt::tap_io(tokio::net::TcpListener::bind(&addr).await?, |tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "TCP_NODELAY not set");
        }
    });
    let site_root = std::path::PathBuf::from(state.leptos_options.site_root.to_string());
    let swept = tokio::task::spawn_blocking(move || pwa::sweep_stale_precompressed(&site_root)).await.unwrap_or(0);
    if swept > 0 {
        tracing::info!(swept, "stale precompressed static files removed");
    }
    tracing::info!("listening on http://{addr}");
    let (cluster, pool) = (state.cluster.clone(), state.pool.clone());
    axum::serve(listener, app(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    cluster.leave(&pool).await;
    tracing::info!("shut down cleanly");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! { _ = ctrl_c => {}, _ = term => {} }
    tracing::info!("shutdown signal received, draining connections");
}
