//! HTTP tests: each test gets a fresh database (`#[sqlx::test]`) loaded with the demo venue, builds
//! the real router on it and calls it like a browser would (no socket).

mod agents;
mod assist;
mod audit;
mod auth;
mod automations;
mod calendar;
mod chat;
mod cluster;
mod guest_import;
mod input;
mod insights;
mod knowledge;
mod limits;
mod mcp;
mod mcp_client;
mod metrics;
mod openai;
mod pages;
mod reset;
mod scheduling;
mod studio;
mod tenancy;
mod web;
mod webhooks;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use concierge::state::{config::Config, AppState};
use concierge::web::app;
use http_body_util::BodyExt;
use leptos::config::get_configuration;
use sqlx::PgPool;
use tower::ServiceExt;

pub const PASSWORD: &str = "concierge-demo";
pub const OWNER: &str = "olivia@harborhall.example";
pub const STAFF: &str = "sam@harborhall.example";
pub const EMMA: &str = "emma.clark@example.com";
pub const JAMES: &str = "james.wu@example.com";
pub const BLOOM: &str = "bloom@vendors.example";

pub struct TestApp {
    pub router: Router,
    pub pool: PgPool,
    /// The knowledge base (originals in memory, the embedding model from .data/models).
    pub knowledge: std::sync::Arc<concierge::knowledge::Knowledge>,
    /// What the background jobs run with (tests drain the queue with `jobs::run_due`).
    pub jobs: concierge::jobs::Runner,
}

pub struct Reply {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The session token set by this reply, if any.
    pub fn session(&self) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix("concierge_session="))
            .map(|v| v.split(';').next().unwrap_or_default().to_string())
    }
}

pub async fn spawn(pool: PgPool) -> TestApp {
    spawn_with_delay(pool, std::time::Duration::ZERO).await
}

/// The app with the scripted model pausing `delay` between words (for stopping mid-reply).
pub async fn spawn_with_delay(pool: PgPool, delay: std::time::Duration) -> TestApp {
    spawn_with_llm(pool, concierge::llm::catalog::LlmConfig::scripted_only(delay)).await
}

/// The app with the operator's list of private hosts venue providers may reach
/// (`CONCIERGE_OUTBOUND_ALLOW`).
pub async fn spawn_with_outbound_allow(pool: PgPool, allow: &str) -> TestApp {
    let mut config = concierge::llm::catalog::LlmConfig::scripted_only(std::time::Duration::ZERO);
    config.outbound = concierge::security::outbound::OutboundPolicy::from_list(allow);
    spawn_with_llm(pool, config).await
}

async fn spawn_with_llm(pool: PgPool, config: concierge::llm::catalog::LlmConfig) -> TestApp {
    spawn_with(pool, Config::default(), config).await
}

/// The app with a server configuration of the test's own (limits, sign-up policy…).
pub async fn spawn_with(pool: PgPool, server: Config, config: concierge::llm::catalog::LlmConfig) -> TestApp {
    spawn_with_knowledge(pool, server, config, concierge::knowledge::KnowledgeConfig::for_tests()).await
}

/// The app with a knowledge configuration of the test's own (a web search provider…).
pub async fn spawn_with_knowledge(
    pool: PgPool,
    server: Config,
    config: concierge::llm::catalog::LlmConfig,
    kconfig: concierge::knowledge::KnowledgeConfig,
) -> TestApp {
    concierge::store::seed_demo_if_empty(&pool).await.expect("demo data loads");
    let conf = get_configuration(Some("Leptos.toml")).expect("Leptos.toml");
    let jobs_outbound = config.outbound.clone();
    let llm = concierge::llm::Llm::new(config);
    let knowledge = std::sync::Arc::new(concierge::knowledge::Knowledge::new(&kconfig).expect("knowledge"));
    let state = AppState::new(conf.leptos_options, pool.clone(), server, llm, knowledge.clone());
    let jobs = concierge::jobs::Runner::new(knowledge.clone(), jobs_outbound)
        .with_models(state.chat.clone())
        .with_agents(std::sync::Arc::new(state.chat.clone()))
        .with_mail(state.mail.clone(), &state.config.public_url);
    TestApp { router: app(state), pool, knowledge, jobs }
}

/// One instance among several on the test's database (`cluster`): its own pool whose
/// connections name it, joined to the others, the scripted model pausing `delay` between words.
/// Returns the app and its place in the cluster (`halt` it to play its death).
pub async fn spawn_instance(
    pool: &PgPool,
    name: &str,
    delay: std::time::Duration,
) -> (TestApp, std::sync::Arc<concierge::cluster::Cluster>) {
    spawn_instance_via(pool, name, delay, None).await
}

/// [`spawn_instance`], its signals through `nats` when given.
pub async fn spawn_instance_via(
    pool: &PgPool,
    name: &str,
    delay: std::time::Duration,
    nats: Option<&concierge::cluster::NatsLink>,
) -> (TestApp, std::sync::Arc<concierge::cluster::Cluster>) {
    concierge::store::seed_demo_if_empty(pool).await.expect("demo data loads");
    let id = concierge::cluster::Cluster::new_id();
    let options = (*pool.connect_options()).clone();
    let own = sqlx::postgres::PgPoolOptions::new()
        .max_connections(8)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                sqlx::Executor::execute(conn, concierge::store::instances::connection_setting(id).as_str()).await?;
                Ok(())
            })
        })
        .connect_with(options)
        .await
        .expect("the instance's pool");
    let cluster = concierge::cluster::Cluster::join(own.clone(), id, name, nats).await.expect("joins");
    let conf = get_configuration(Some("Leptos.toml")).expect("Leptos.toml");
    let config = concierge::llm::catalog::LlmConfig::scripted_only(delay);
    let jobs_outbound = config.outbound.clone();
    let llm = concierge::llm::Llm::new(config);
    let knowledge = std::sync::Arc::new(
        concierge::knowledge::Knowledge::new(&concierge::knowledge::KnowledgeConfig::for_tests()).expect("knowledge"),
    );
    let state =
        AppState::among(conf.leptos_options, own.clone(), Config::default(), llm, knowledge.clone(), cluster.clone());
    let jobs = concierge::jobs::Runner::new(knowledge.clone(), jobs_outbound)
        .with_models(state.chat.clone())
        .with_agents(std::sync::Arc::new(state.chat.clone()))
        .with_mail(state.mail.clone(), &state.config.public_url);
    (TestApp { router: app(state), pool: own, knowledge, jobs }, cluster)
}

impl TestApp {
    /// Sends one request. A request that takes longer than 30 s fails the test instead of
    /// hanging it. (Run these tests one at a time, as `make test` does: each `#[sqlx::test]` has
    /// its own tokio runtime, and Leptos page renders in several runtimes of one process at once
    /// can stall, as seen with 12 test threads. The server itself has one runtime; 800 concurrent
    /// page requests against it all completed.)
    pub async fn send(&self, req: Request<Body>) -> Reply {
        let what = format!("{} {}", req.method(), req.uri());
        let res = tokio::time::timeout(std::time::Duration::from_secs(30), self.router.clone().oneshot(req))
            .await
            .unwrap_or_else(|_| panic!("{what} did not answer within 30 s"))
            .expect("router answers");
        let status = res.status();
        let headers = res.headers().clone();
        let bytes = res.into_body().collect().await.expect("body").to_bytes();
        Reply { status, headers, body: String::from_utf8_lossy(&bytes).into_owned() }
    }

    /// Calls server function `name` with a form-encoded body, as the browser's client does.
    pub async fn call(&self, session: Option<&str>, name: &str, form: &[(&str, &str)]) -> Reply {
        let body = form_encode(form);
        let mut req = Request::post(format!("/api/{name}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json");
        if let Some(s) = session {
            req = req.header(header::COOKIE, format!("concierge_session={s}"));
        }
        self.send(req.body(Body::from(body)).unwrap()).await
    }

    /// Calls a server function that takes JSON (`input = Json`).
    pub async fn call_json(&self, session: Option<&str>, name: &str, body: &serde_json::Value) -> Reply {
        let mut req = Request::post(format!("/api/{name}"))
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::ACCEPT, "application/json");
        if let Some(s) = session {
            req = req.header(header::COOKIE, format!("concierge_session={s}"));
        }
        self.send(req.body(Body::from(body.to_string())).unwrap()).await
    }

    pub async fn page(&self, session: Option<&str>, path: &str) -> Reply {
        let mut req = Request::get(path).header(header::ACCEPT, "text/html");
        if let Some(s) = session {
            req = req.header(header::COOKIE, format!("concierge_session={s}"));
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    pub async fn login(&self, email: &str) -> String {
        let r = self.call(None, "login", &[("email", email), ("password", PASSWORD)]).await;
        assert_eq!(r.status, StatusCode::OK, "login as {email}: {}", r.body);
        r.session().expect("login sets a session cookie")
    }

    /// Signs up another venue ("Rival Hall") and returns its owner's session.
    pub async fn rival_venue(&self) -> String {
        let r = self
            .call(
                None,
                "signup",
                &[
                    ("form[venue_name]", "Rival Hall"),
                    ("form[name]", "Rex Rival"),
                    ("form[email]", "rex@rival.example"),
                    ("form[password]", "rival password 1"),
                ],
            )
            .await;
        r.session().expect("signup sets a session cookie")
    }

    pub async fn event_id(&self, title: &str) -> i64 {
        sqlx::query_scalar("select id from events where title = $1")
            .bind(title)
            .fetch_one(&self.pool)
            .await
            .expect(title)
    }
}

pub fn form_encode(pairs: &[(&str, &str)]) -> String {
    pairs.iter().map(|(k, v)| format!("{}={}", enc(k), enc(v))).collect::<Vec<_>>().join("&")
}

fn enc(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub const EMMA_EVENT: &str = "Emma & Daniel's Wedding";
pub const JAMES_EVENT: &str = "Wu Family Reunion";

/// Serves the app on a free local port and runs `tests/sdk/<script>` against it with `env` (and
/// `CONCIERGE_URL`); returns its output, failing the test if it fails or says nothing of passing.
pub async fn run_sdk_script(app: &TestApp, script: &str, mut env: Vec<(&'static str, String)>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    env.push(("CONCIERGE_URL", format!("http://{}", listener.local_addr().unwrap())));
    let router = app.router.clone();
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    let path = format!("{}/tests/sdk/{script}", env!("CARGO_MANIFEST_DIR"));
    // A blocking child process off the test's runtime, which keeps serving meanwhile.
    let run = tokio::task::spawn_blocking(move || {
        std::process::Command::new("python3").arg(path).envs(env).output().expect("python3 runs")
    });
    let out = tokio::time::timeout(std::time::Duration::from_secs(120), run).await.expect("the script ends").unwrap();
    server.abort();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{script} failed (scripts/setup.sh installs its SDK)\n{stdout}\n{stderr}");
    assert!(stdout.contains("checks passed"), "{stdout}\n{stderr}");
    stdout.into_owned()
}

/// A member as the store's actor, by email.
pub async fn actor(pool: &PgPool, email: &str) -> concierge::store::Actor {
    let (id, venue): (i64, i64) = sqlx::query_as(
        "select u.id, m.venue_id from users u join memberships m on m.user_id = u.id where u.email = $1",
    )
    .bind(email)
    .fetch_one(pool)
    .await
    .unwrap();
    concierge::store::users::actor_for_member(pool, id, venue).await.unwrap().unwrap()
}

/// The embed session's cookie value that a page answered with (`Set-Cookie: concierge_embed=…`).
pub fn embed_cookie(page: &Reply) -> String {
    let cookie = page.headers[header::SET_COOKIE].to_str().unwrap();
    cookie.trim_start_matches("concierge_embed=").split(';').next().unwrap().to_string()
}
