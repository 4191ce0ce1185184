//! Start-up: telemetry → configuration → state → serve (until SIGTERM / Ctrl-C).

#[cfg(feature = "ssr")]
#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    use concierge::state::{config::Config, startup};
    use tracing_subscriber::EnvFilter;

    let config = Config::from_env()?;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,concierge=debug,sqlx=warn"));
    if config.log_json {
        tracing_subscriber::fmt().json().with_env_filter(filter).init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }

    let leptos_options = leptos::config::get_configuration(Some("Leptos.toml"))?.leptos_options;
    let addr = leptos_options.site_addr;
    let state = startup::start(leptos_options, config).await?;
    concierge::web::serve(state, addr).await?;
    Ok(())
}

#[cfg(not(feature = "ssr"))]
pub fn main() {
    // The browser build starts in `lib.rs` (`hydrate`).
}
