//! The shared state (ssr) that server functions and routes read: the pool, the configuration, the
//! chat engine, the session cache, and the actor of the current request.
//!
//! It sits below `api` and above the engine: `api` reads it from the request's context, `web`
//! builds it once at start-up and provides it. It holds no route list and imports nothing of the
//! UI, so `app → api → state` never comes back up.

pub mod config;
pub mod limits;
pub mod mail;
pub mod session;
pub mod startup;

use crate::store::Actor;
use leptos::config::LeptosOptions;
use sqlx::PgPool;
use std::sync::Arc;

/// Everything a request handler or server function may need, built once at start-up.
#[derive(Clone)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: PgPool,
    pub config: Arc<config::Config>,
    /// The chat engine: models, live replies.
    pub chat: Arc<crate::chat::Hub>,
    /// Recently resolved sessions.
    pub sessions: Arc<session::SessionCache>,
    /// Documents, their passages, search.
    pub knowledge: Arc<crate::knowledge::Knowledge>,
    /// Rate limits (this process's counts).
    pub limits: Arc<limits::Limits>,
    /// Outgoing mail (SMTP, or the owners' outbox).
    pub mail: Arc<mail::Mailer>,
    /// The other instances on the database (none for a process alone).
    pub cluster: Arc<crate::cluster::Cluster>,
}

impl AppState {
    /// The state of a process alone (tests and benchmarks): the chat engine on `llm` and the
    /// knowledge base, an empty session cache.
    pub fn new(
        leptos_options: LeptosOptions,
        pool: PgPool,
        config: config::Config,
        llm: crate::llm::Llm,
        knowledge: Arc<crate::knowledge::Knowledge>,
    ) -> Self {
        Self::among(leptos_options, pool, config, llm, knowledge, Arc::new(crate::cluster::Cluster::solo()))
    }

    /// The state of one instance among others on the database (`main`, and tests of several
    /// instances): as [`AppState::new`], and following the other instances' signals (their
    /// replies, Stop, cache evictions).
    pub fn among(
        leptos_options: LeptosOptions,
        pool: PgPool,
        config: config::Config,
        llm: crate::llm::Llm,
        knowledge: Arc<crate::knowledge::Knowledge>,
        cluster: Arc<crate::cluster::Cluster>,
    ) -> Self {
        let chat = Arc::new(crate::chat::Hub::new(pool.clone(), Arc::new(llm), knowledge.clone(), cluster.clone()));
        chat.follow_cluster();
        let sessions: Arc<session::SessionCache> = Arc::default();
        session::follow_cluster(&sessions, &cluster);
        Self {
            leptos_options,
            chat,
            knowledge,
            pool,
            limits: Arc::new(limits::Limits::new(config.limits.clone())),
            mail: Arc::new(mail::Mailer::new(&config)),
            config: Arc::new(config),
            sessions,
            cluster,
        }
    }

    /// Forgets a session that ended (logout, revocation) here and on every other instance.
    pub fn forget_session(&self, hash: &[u8]) {
        self.sessions.forget(hash);
        self.cluster.publish(crate::cluster::Signal::Session { hash: crate::security::hex(hash) });
    }
}

/// Why a new turn may not start now.
#[derive(Debug, thiserror::Error)]
pub enum NotAdmitted {
    /// Over a rate, the cap on live replies, or a daily quota.
    #[error("{}", .0.message)]
    Limited(limits::Limited),
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
}

impl AppState {
    /// Lets a new turn of `actor` start (a message, an edit, a regeneration, a new chat, a
    /// completion through the API): within the person's, the venue's and the embed link's
    /// (`embed_token`) message rates, the person's cap on replies being written at once, and the
    /// daily token quotas (see [`limits`]). Every door to a turn asks this, so a person's
    /// allowance is one whichever door they use.
    pub async fn admit_turn(&self, actor: &Actor, embed_token: Option<i64>) -> Result<(), NotAdmitted> {
        use std::time::Duration;
        let refuse = |message: String, secs: u64| {
            NotAdmitted::Limited(limits::Limited { message, retry_after: Duration::from_secs(secs.max(1)) })
        };
        self.limits
            .check(limits::Rate::Send { user_id: actor.user_id, venue_id: actor.venue_id, embed_token })
            .map_err(NotAdmitted::Limited)?;
        let config = &self.limits.config;
        if config.live_replies > 0 && self.chat.live_replies(actor.user_id) >= config.live_replies {
            return Err(refuse(
                format!(
                    "You already have {} replies being written. Wait for one to finish, or stop it.",
                    config.live_replies
                ),
                5,
            ));
        }
        if config.person_daily_tokens > 0 || config.venue_daily_tokens > 0 {
            let (person, venue) = crate::store::chat::tokens_today(&self.pool, actor.user_id, actor.venue_id).await?;
            let over = |used: i64, quota: i64| quota > 0 && used >= quota;
            if over(person, config.person_daily_tokens) {
                return Err(refuse(
                    "You have used today's allowance of model tokens. It renews at midnight (UTC); /usage shows it."
                        .into(),
                    until_midnight_utc(),
                ));
            }
            if over(venue, config.venue_daily_tokens) {
                return Err(refuse(
                    "Your venue has used today's allowance of model tokens. It renews at midnight (UTC).".into(),
                    until_midnight_utc(),
                ));
            }
        }
        Ok(())
    }
}

/// Seconds until the daily quotas renew.
fn until_midnight_utc() -> u64 {
    let now = chrono::Utc::now();
    let midnight = (now.date_naive() + chrono::Days::new(1)).and_hms_opt(0, 0, 0).map(|m| m.and_utc());
    midnight.map(|m| (m - now).num_seconds().max(1) as u64).unwrap_or(3600)
}

impl axum::extract::FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The actor behind the current request (none when logged out), provided as context to every
/// page render and server function call.
#[derive(Clone, Debug, Default)]
pub struct RequestActor(pub Option<Actor>);
