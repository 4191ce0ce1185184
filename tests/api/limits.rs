//! Abuse and cost limits (see `state::limits`): message rates per person and per embed link,
//! replies written at once, daily token quotas, form assists, sign-ups and invite acceptances
//! per address, the sign-up policy, and which venues get the environment's hosted providers.
//! Over a limit: 429 with `Retry-After` and a message a person can act on.

use super::*;
use concierge::state::limits::LimitsConfig;
use serde_json::Value;
use std::time::Duration;

fn config(limits: LimitsConfig) -> Config {
    Config { limits, ..Config::default() }
}

fn scripted() -> concierge::llm::catalog::LlmConfig {
    concierge::llm::catalog::LlmConfig::scripted_only(Duration::ZERO)
}

/// Waits until no reply is being written in the thread.
async fn idle(app: &TestApp, session: &str, thread: i64) {
    for _ in 0..200 {
        let open = app.call(Some(session), "open_chat", &[("thread_id", &thread.to_string())]).await.json();
        if !open["live"].as_bool().unwrap_or(true) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the reply did not finish");
}

fn assert_limited(r: &Reply, says: &str) {
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    let wait: u64 = r.headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!(wait >= 1, "Retry-After: {wait}");
    assert!(r.body.contains(says), "{}", r.body);
}

#[sqlx::test]
async fn messages_beyond_the_rate_are_refused_with_retry_after(pool: PgPool) {
    let limits = LimitsConfig { sends_per_minute: 3, ..LimitsConfig::default() };
    let app = spawn_with(pool, config(limits), scripted()).await;
    let emma = app.login(EMMA).await;
    let sent = app.call(Some(&emma), "start_chat", &[("text", "one")]).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let thread = sent.json()["thread_id"].as_i64().unwrap();
    for text in ["two", "three"] {
        idle(&app, &emma, thread).await;
        let r = app.call(Some(&emma), "send_chat_message", &[("thread_id", &thread.to_string()), ("text", text)]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    idle(&app, &emma, thread).await;
    let r = app.call(Some(&emma), "send_chat_message", &[("thread_id", &thread.to_string()), ("text", "four")]).await;
    assert_limited(&r, "sending messages very quickly");
    // Regenerating and new chats count too; nothing was stored for the refused message.
    let r = app.call(Some(&emma), "regenerate_reply", &[("thread_id", &thread.to_string())]).await;
    assert_limited(&r, "quickly");
    let r = app.call(Some(&emma), "start_chat", &[("text", "five")]).await;
    assert_limited(&r, "quickly");
    let stored: i64 = sqlx::query_scalar("select count(*) from chat_items where thread_id = $1 and kind = 'user'")
        .bind(thread)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 3);
    // Another person has an allowance of their own; invalid input does not use any.
    let olivia = app.login(OWNER).await;
    let r = app.call(Some(&olivia), "start_chat", &[("text", "  ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app.call(Some(&olivia), "start_chat", &[("text", "hello")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[sqlx::test]
async fn one_person_has_a_few_replies_written_at_once(pool: PgPool) {
    let limits = LimitsConfig { live_replies: 2, ..LimitsConfig::default() };
    let llm = concierge::llm::catalog::LlmConfig::scripted_only(Duration::from_millis(50));
    let app = spawn_with(pool, config(limits), llm).await;
    let emma = app.login(EMMA).await;
    for text in ["long reply one", "long reply two"] {
        let r = app.call(Some(&emma), "start_chat", &[("text", text)]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let r = app.call(Some(&emma), "start_chat", &[("text", "a third")]).await;
    assert_limited(&r, "2 replies being written");
    // Someone else is not held up by her.
    let olivia = app.login(OWNER).await;
    let r = app.call(Some(&olivia), "start_chat", &[("text", "hello")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[sqlx::test]
async fn daily_token_quotas_per_person_and_venue(pool: PgPool) {
    let limits = LimitsConfig { person_daily_tokens: 1000, venue_daily_tokens: 5000, ..LimitsConfig::default() };
    let app = spawn_with(pool, config(limits), scripted()).await;
    let emma = app.login(EMMA).await;
    let emma_actor = actor(&app.pool, EMMA).await;
    let (user, venue) = (emma_actor.user_id, emma_actor.venue_id);
    let used = |tokens: i32, user: i64| {
        sqlx::query(
            "insert into llm_usage (venue_id, user_id, purpose, model, prompt_tokens, completion_tokens)
             values ($1, $2, 'reply', 'scripted/instant', $3, 0)",
        )
        .bind(venue)
        .bind(user)
        .bind(tokens)
    };
    // Yesterday's use does not count.
    sqlx::query(
        "insert into llm_usage (venue_id, user_id, purpose, model, prompt_tokens, completion_tokens, created_at)
         values ($1, $2, 'reply', 'scripted/instant', 900000, 0, now() - interval '2 days')",
    )
    .bind(venue)
    .bind(user)
    .execute(&app.pool)
    .await
    .unwrap();
    let r = app.call(Some(&emma), "start_chat", &[("text", "hello")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    used(1000, user).execute(&app.pool).await.unwrap();
    let r = app.call(Some(&emma), "start_chat", &[("text", "again")]).await;
    assert_limited(&r, "today's allowance");
    let wait: u64 = r.headers[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
    assert!(wait <= 86_400, "until midnight: {wait}");
    // The venue's quota holds for everyone in it.
    let olivia = app.login(OWNER).await;
    let r = app.call(Some(&olivia), "start_chat", &[("text", "hello")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    used(5000, user).execute(&app.pool).await.unwrap();
    let r = app.call(Some(&olivia), "start_chat", &[("text", "again")]).await;
    assert_limited(&r, "Your venue has used today's allowance");
}

#[sqlx::test]
async fn form_assists_sign_ups_and_invites_are_limited(pool: PgPool) {
    let limits =
        LimitsConfig { assists_per_minute: 1, signups_per_hour: 1, invites_per_hour: 1, ..LimitsConfig::default() };
    let app = spawn_with(pool, config(limits), scripted()).await;
    let sam = app.login(STAFF).await;
    let assist = || app.call(Some(&sam), "assist_form", &[("form", "guest"), ("text", "Ada Lovelace, party of 2")]);
    let r = assist().await;
    assert_ne!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert_limited(&assist().await, "fill in forms");

    let signup = |email: &'static str| {
        vec![
            ("form[venue_name]", "The Glasshouse"),
            ("form[name]", "Rita Moreno"),
            ("form[email]", email),
            ("form[password]", "a long enough password"),
        ]
    };
    assert_eq!(app.call(None, "signup", &signup("rita@glasshouse.example")).await.status, StatusCode::OK);
    assert_limited(&app.call(None, "signup", &signup("rita2@glasshouse.example")).await, "Too many sign-ups");

    let token = "a".repeat(64);
    let r = app.call(None, "accept_invite", &[("token", &token), ("password", "zoe's own password")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = app.call(None, "accept_invite", &[("token", &token), ("password", "zoe's own password")]).await;
    assert_limited(&r, "Too many attempts");
}

#[sqlx::test]
async fn the_operator_decides_who_may_sign_up(pool: PgPool) {
    use concierge::state::config::SignupPolicy;
    let app =
        spawn_with(pool.clone(), Config { signup: SignupPolicy::InviteOnly, ..Config::default() }, scripted()).await;
    let form = [
        ("form[venue_name]", "The Glasshouse"),
        ("form[name]", "Rita Moreno"),
        ("form[email]", "rita@glasshouse.example"),
        ("form[password]", "a long enough password"),
    ];
    let r = app.call(None, "signup", &form).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("ask for an invite"), "{}", r.body);
    // Invites still work when sign-up is invite-only (an unknown one is simply not found).
    let r = app.call(None, "accept_invite", &[("token", &"a".repeat(64)), ("password", "zoe's own password")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    let closed = spawn_with(pool, Config { signup: SignupPolicy::Closed, ..Config::default() }, scripted()).await;
    let r = closed.call(None, "accept_invite", &[("token", &"a".repeat(64)), ("password", "zoe's own password")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("not accepting new accounts"), "{}", r.body);
}

#[sqlx::test]
async fn the_environments_hosted_providers_only_for_the_venues_it_names(pool: PgPool) {
    use concierge::llm::catalog::{HostedConfig, SharedProviders};
    let hosted = |shared: SharedProviders| {
        let mut llm = scripted();
        llm.hosted.push(HostedConfig {
            name: "openai".into(),
            kind: "openai".into(),
            base_url: "http://127.0.0.1:9/v1".into(),
            api_key: None,
            models: vec!["gpt-4o-mini".into()],
        });
        llm.shared = shared;
        llm
    };
    let ids = |models: Value| -> Vec<String> {
        models["models"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().to_string()).collect()
    };
    let app = spawn_with(pool.clone(), Config::default(), hosted(SharedProviders::All)).await;
    let olivia = app.login(OWNER).await;
    let venue: i64 =
        sqlx::query_scalar("select venue_id from memberships m join users u on u.id = m.user_id where u.email = $1")
            .bind(OWNER)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert!(ids(app.call(Some(&olivia), "chat_models", &[]).await.json()).contains(&"openai/gpt-4o-mini".into()));

    let app = spawn_with(pool.clone(), Config::default(), hosted(SharedProviders::Only(vec![venue + 1]))).await;
    let olivia = app.login(OWNER).await;
    let models = ids(app.call(Some(&olivia), "chat_models", &[]).await.json());
    assert!(
        !models.contains(&"openai/gpt-4o-mini".into()) && models.contains(&"scripted/instant".into()),
        "{models:?}"
    );
    let r = app.call(Some(&olivia), "start_chat", &[("text", "hi"), ("model", "openai/gpt-4o-mini")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    let app = spawn_with(pool, Config::default(), hosted(SharedProviders::Only(vec![venue]))).await;
    let olivia = app.login(OWNER).await;
    assert!(ids(app.call(Some(&olivia), "chat_models", &[]).await.json()).contains(&"openai/gpt-4o-mini".into()));
}

/// Everyone who can see a page with an embed link shares its allowance.
#[sqlx::test]
async fn an_embed_link_has_a_message_rate_of_its_own(pool: PgPool) {
    let limits = LimitsConfig { embed_sends_per_minute: 1, ..LimitsConfig::default() };
    let app = spawn_with(pool, config(limits), scripted()).await;
    let olivia = app.login(OWNER).await;
    let event = app.event_id(EMMA_EVENT).await.to_string();
    let r = app
        .call(
            Some(&olivia),
            "create_embed_token",
            &[("member_email", EMMA), ("agent", "client"), ("event_id", &event), ("label", "Site"), ("days", "3")],
        )
        .await;
    let url: String = serde_json::from_str(&r.body).unwrap();
    let embed = embed_cookie(&app.page(None, &url).await);
    let start = |text: &str| {
        Request::post("/api/start_agent_chat")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::HOST, "localhost")
            .header(header::REFERER, "http://localhost/embed/chat")
            .header(header::COOKIE, format!("concierge_embed={embed}"))
            .body(Body::from(form_encode(&[("agent", "client"), ("event_id", &event), ("text", text)])))
            .unwrap()
    };
    let r = app.send(start("hello")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_limited(&app.send(start("again")).await, "This chat is getting many messages");
    // Emma herself, logged in, is not held up by the link's visitors.
    let emma = app.login(EMMA).await;
    let r = app.call(Some(&emma), "start_chat", &[("text", "hello")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}
