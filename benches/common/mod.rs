//! What the benchmarks share: a fresh demo database, the real server on a local socket with the
//! scripted instant model, logging in, and percentiles. (Each bench uses what it needs.)
#![allow(dead_code)]

use concierge::state::{config::Config, AppState};
use concierge::web::app;
use std::time::Duration;

/// The `DATABASE_URL` server (without a database name) and a connection to its `postgres`.
async fn admin() -> (String, sqlx::PgPool) {
    let base = std::env::var("DATABASE_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let (server, _) = base.rsplit_once('/').expect("DATABASE_URL has a database name");
    let admin = sqlx::PgPool::connect(&format!("{server}/postgres")).await.expect("connect");
    (server.to_string(), admin)
}

/// Database `name` on the `DATABASE_URL` server, dropped and made again, migrated, with the
/// demo venue.
pub async fn fresh_db(name: &str, max_connections: u32) -> sqlx::PgPool {
    let (server, admin) = admin().await;
    drop_db(name).await;
    sqlx::query(&format!("create database {name}")).execute(&admin).await.unwrap();
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(max_connections)
        .connect(&format!("{server}/{name}"))
        .await
        .unwrap();
    concierge::store::migrate(&pool).await.unwrap();
    concierge::store::seed_demo_if_empty(&pool).await.unwrap();
    pool
}

pub async fn drop_db(name: &str) {
    let (_, admin) = admin().await;
    sqlx::query(&format!("drop database if exists {name} with (force)")).execute(&admin).await.unwrap();
}

/// The app with the scripted instant model, and no rate limits or quotas: a bench measures the
/// server, and sends far more than a person may.
pub fn state(pool: sqlx::PgPool) -> AppState {
    state_with(pool, concierge::llm::catalog::LlmConfig::scripted_only(Duration::ZERO))
}

/// [`state`] with a model configuration of the bench's own (the hosts outbound requests may reach).
pub fn state_with(pool: sqlx::PgPool, llm: concierge::llm::catalog::LlmConfig) -> AppState {
    let llm = concierge::llm::Llm::new(llm);
    let conf = leptos::config::get_configuration(Some("Leptos.toml")).unwrap();
    let knowledge = concierge::knowledge::Knowledge::new(&concierge::knowledge::KnowledgeConfig::for_tests()).unwrap();
    let limits = concierge::state::limits::LimitsConfig {
        sends_per_minute: 0,
        venue_sends_per_minute: 0,
        assists_per_minute: 0,
        embed_sends_per_minute: 0,
        signups_per_hour: 0,
        invites_per_hour: 0,
        resets_per_hour: 0,
        live_replies: 0,
        person_daily_tokens: 0,
        venue_daily_tokens: 0,
    };
    let config = Config { limits, ..Config::default() };
    AppState::new(conf.leptos_options, pool, config, llm, std::sync::Arc::new(knowledge))
}

/// The app served on a free local port, as main.rs serves it (TCP_NODELAY); its base URL.
pub async fn serve(pool: sqlx::PgPool) -> String {
    serve_state(state(pool)).await
}

/// [`serve`] for a state of the bench's own.
pub async fn serve_state(state: AppState) -> String {
    let listener =
        axum::serve::ListenerExt::tap_io(tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap(), |tcp| {
            let _ = tcp.set_nodelay(true);
        });
    let addr = axum::serve::Listener::local_addr(&listener).unwrap();
    let router = app(state);
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{addr}")
}

/// Logs in as a demo member; the `Cookie` header value of the session.
pub async fn login(client: &reqwest::Client, base: &str, email: &str) -> String {
    let res = client
        .post(format!("{base}/api/login"))
        .header("accept", "application/json")
        .form(&[("email", email), ("password", "concierge-demo")])
        .send()
        .await
        .unwrap();
    res.headers()["set-cookie"].to_str().unwrap().split(';').next().unwrap().to_string()
}

pub fn pct(v: &mut [Duration], p: usize) -> Duration {
    v.sort_unstable();
    v[(v.len() * p / 100).min(v.len() - 1)]
}

pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}
