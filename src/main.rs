//! Start-up: telemetry → configuration → database → state → serve (until SIGTERM / Ctrl-C).

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    use concierge::server::{app, config::Config, AppState};
    use concierge::store;
    use leptos::config::get_configuration;
    use sqlx::postgres::PgPoolOptions;
    use std::time::Duration;
    use tracing_subscriber::EnvFilter;

    let config = Config::from_env()?;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,concierge=debug,sqlx=warn"));
    if config.log_json {
        tracing_subscriber::fmt().json().with_env_filter(filter).init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }

    let conf = get_configuration(Some("Leptos.toml"))?;
    let leptos_options = conf.leptos_options;
    let addr = leptos_options.site_addr;

    let pool = PgPoolOptions::new()
        .max_connections(config.max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .connect(config.database_url.expose())
        .await
        .map_err(|e| format!("cannot connect to the database (DATABASE_URL): {e}"))?;
    store::migrate(&pool).await?;
    tracing::info!("migrations applied");
    if config.demo_data && store::seed_demo_if_empty(&pool).await? {
        tracing::info!("demo venue loaded (see README for the demo logins)");
    }

    // Expired sessions and old login attempts are swept hourly.
    let sweeper = pool.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match store::users::purge_expired(&sweeper).await {
                Ok(n) => tracing::debug!(sessions = n, "expired sessions purged"),
                Err(e) => tracing::warn!(error = %e, "session purge failed"),
            }
        }
    });

    // Background jobs (appointment reminders): due ones are run every 15 s, including any a
    // previous run left behind.
    concierge::scheduling::reminders::spawn_worker(pool.clone(), Duration::from_secs(15));

    match store::chat::interrupt_orphans(&pool).await {
        Ok(0) => {}
        Ok(n) => tracing::warn!(replies = n, "replies left unfinished by the last run marked interrupted"),
        Err(e) => tracing::warn!(error = %e, "could not mark unfinished replies"),
    }

    // Loads the embedded model (about a second) on its own thread.
    let llm_config = concierge::llm::catalog::LlmConfig::from_lookup(|k| std::env::var(k).ok())?;
    let llm = tokio::task::spawn_blocking(move || concierge::llm::Llm::new(llm_config)).await?;
    let catalog = llm.catalog(&[]);
    tracing::info!(models = ?catalog.view().models.iter().map(|m| m.id.clone()).collect::<Vec<_>>(), default = catalog.default_model(), "models");
    let state = AppState::new(leptos_options, pool, config, llm);
    // TCP_NODELAY: an event stream writes small frames; without it Nagle's algorithm holds each
    // one back until the previous is acknowledged (40 ms with delayed ACKs).
    let listener = axum::serve::ListenerExt::tap_io(tokio::net::TcpListener::bind(&addr).await?, |tcp| {
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "TCP_NODELAY not set");
        }
    });
    tracing::info!("listening on http://{addr}");
    axum::serve(listener, app(state).into_make_service_with_connect_info::<std::net::SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    tracing::info!("shut down cleanly");
    Ok(())
}

#[cfg(feature = "ssr")]
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

#[cfg(not(feature = "ssr"))]
pub fn main() {
    // The browser build starts in `lib.rs` (`hydrate`).
}
