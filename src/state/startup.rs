//! Start-up: the database (connect, migrate, demo data), the background work (session sweeper,
//! the job worker), this instance's place among the others (`cluster`: what a previous run
//! under its name left unfinished is marked) and the models, into one [`AppState`].

use super::config::Config;
use super::AppState;
use leptos::config::LeptosOptions;
use sqlx::postgres::PgPoolOptions;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    #[error("cannot connect to the database (DATABASE_URL): {0}")]
    Connect(sqlx::Error),
    #[error("migrations failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("loading the demo venue failed: {0}")]
    Demo(#[source] sqlx::Error),
    #[error(transparent)]
    Models(#[from] crate::llm::catalog::LlmConfigError),
    #[error("loading the models failed: {0}")]
    Join(#[from] tokio::task::JoinError),
    #[error("the knowledge base could not start: {0}")]
    Knowledge(#[from] crate::knowledge::KnowledgeError),
    #[error(transparent)]
    Cluster(#[from] crate::cluster::ClusterError),
}

/// Connects, migrates, loads the demo venue into an empty database (when configured), starts the
/// background work and loads the models.
pub async fn start(leptos_options: LeptosOptions, config: Config) -> Result<AppState, StartError> {
    // This process is one instance among any others on the database: each of its connections
    // says so, and the replies it writes record it (`store::instances`).
    let instance = crate::cluster::Cluster::new_id();
    let pool = PgPoolOptions::new()
        .max_connections(config.max_connections)
        .acquire_timeout(Duration::from_secs(5))
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                sqlx::Executor::execute(conn, crate::store::instances::connection_setting(instance).as_str()).await?;
                Ok(())
            })
        })
        .connect(config.database_url.expose())
        .await
        .map_err(StartError::Connect)?;
    crate::store::migrate(&pool).await?;
    tracing::info!("migrations applied");
    let seeded = config.demo_data && crate::store::seed_demo_if_empty(&pool).await.map_err(StartError::Demo)?;
    if seeded {
        tracing::info!("demo venue loaded (see README for the demo logins)");
    }

    // The knowledge base: the embedding model (loaded on a blocking thread, ~0.5 s) and the
    // object store for originals. The demo venue's documents are queued for indexing once.
    let knowledge_config = crate::knowledge::KnowledgeConfig::from_lookup(|k| std::env::var(k).ok());
    let knowledge = std::sync::Arc::new(
        tokio::task::spawn_blocking(move || crate::knowledge::Knowledge::new(&knowledge_config)).await??,
    );
    if config.demo_data {
        match crate::knowledge::demo::load_if_missing(&pool, &knowledge).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(documents = n, "demo documents queued for indexing"),
            Err(e) => tracing::warn!(error = %e, "demo documents not loaded"),
        }
    }

    // Expired sessions and old login attempts are swept hourly.
    let sweeper = pool.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match crate::store::users::purge_expired(&sweeper).await {
                Ok(n) => tracing::debug!(sessions = n, "expired sessions purged"),
                Err(e) => tracing::warn!(error = %e, "session purge failed"),
            }
        }
    });

    // Background jobs (appointment reminders, document indexing, webhook deliveries): due ones
    // are run every 5 s and as soon as one is queued, including any a previous run left behind.
    let llm_config = crate::llm::catalog::LlmConfig::from_lookup(|k| std::env::var(k).ok())?;
    let jobs_outbound = llm_config.outbound.clone();

    let name = config.instance.clone().unwrap_or_else(|| instance_name(&leptos_options));
    let nats = config
        .nats_url
        .as_ref()
        .map(|url| crate::cluster::NatsLink { url: url.expose().to_string(), subject: config.nats_subject.clone() });
    let cluster = crate::cluster::Cluster::join(pool.clone(), instance, &name, nats.as_ref()).await?;

    // Loads the embedded model (about a second) on its own thread.
    let llm = tokio::task::spawn_blocking(move || crate::llm::Llm::new(llm_config)).await?;
    let catalog = llm.catalog(0, &[]);
    tracing::info!(models = ?catalog.view().models.iter().map(|m| m.id.clone()).collect::<Vec<_>>(), default = catalog.default_model(), "models");
    let state = AppState::among(leptos_options, pool, config, llm, knowledge.clone(), cluster);
    // The studio's deliverables are written with the venue's models, so the worker starts once
    // the chat engine that knows them does.
    let runner = crate::jobs::Runner::new(knowledge, jobs_outbound)
        .with_models(state.chat.clone())
        .with_agents(std::sync::Arc::new(state.chat.clone()))
        .with_mail(state.mail.clone(), &state.config.public_url);
    crate::jobs::spawn_worker(state.pool.clone(), std::sync::Arc::new(runner), Duration::from_secs(5));
    Ok(state)
}

/// This process's name when `CONCIERGE_INSTANCE` is not set: the machine's and the port's.
fn instance_name(options: &LeptosOptions) -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".into());
    format!("{host}:{}", options.site_addr.port())
}
