//! API keys and the OpenAI-compatible API (`/v1`, see `web::openai`): keys shown once, listed,
//! revoked; the models a key reaches; a completion that runs the agent's turn (whole, streamed,
//! with a tool, with an action left for approval); read-only keys; scoping; OpenAI's error shape.
//! The last test drives the API with the official `openai` Python SDK over a real socket.

use super::*;
use concierge::state::limits::LimitsConfig;
use serde_json::{json, Value};

/// Makes an API key as the member of `session`; returns the key.
async fn make_key(app: &TestApp, session: &str, agents: &[&str], may_act: bool, raw_models: bool) -> String {
    let mut form: Vec<(String, String)> =
        vec![("input[name]".into(), "Test tool".into()), ("input[days]".into(), "30".into())];
    for (i, a) in agents.iter().enumerate() {
        form.push((format!("input[agents][{i}]"), a.to_string()));
    }
    form.push(("input[may_act]".into(), may_act.to_string()));
    form.push(("input[raw_models]".into(), raw_models.to_string()));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let r = app.call(Some(session), "create_api_key", &pairs).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json().as_str().expect("the key").to_string()
}

/// A `/v1` request with the key (`None`: no `Authorization`).
async fn v1(app: &TestApp, key: Option<&str>, path: &str, body: Option<Value>) -> Reply {
    let mut req = match &body {
        Some(_) => Request::post(path).header(header::CONTENT_TYPE, "application/json"),
        None => Request::get(path),
    };
    if let Some(k) = key {
        req = req.header(header::AUTHORIZATION, format!("Bearer {k}"));
    }
    app.send(req.body(Body::from(body.map(|b| b.to_string()).unwrap_or_default())).unwrap()).await
}

fn models(r: &Reply) -> Vec<String> {
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["data"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap().to_string()).collect()
}

fn ask(model: &str, text: &str) -> Value {
    json!({"model": model, "messages": [{"role": "user", "content": text}]})
}

fn assert_error(r: &Reply, status: StatusCode, code: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    let body = r.json();
    assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{}", r.body);
    assert_eq!(
        body["error"]["code"].as_str().unwrap_or(body["error"]["type"].as_str().unwrap_or("")),
        code,
        "{}",
        r.body
    );
}

#[sqlx::test]
async fn keys_are_shown_once_listed_with_their_use_and_revoked(pool: PgPool) {
    let app = spawn(pool).await;
    let sam = app.login(STAFF).await;
    let key = make_key(&app, &sam, &["venue_general"], false, false).await;
    assert!(key.starts_with("ck_") && key.len() == 67, "{key}");
    // The database keeps the hash and a prefix, never the key.
    let stored: i64 = sqlx::query_scalar("select count(*) from api_keys where prefix = $1 and key_hash = sha256($2)")
        .bind(&key[..11])
        .bind(key.as_bytes())
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, 1);
    let list = app.call(Some(&sam), "api_keys", &[]).await;
    assert!(!list.body.contains(&key[11..]), "the list shows the key: {}", list.body);
    assert_eq!(list.json()[0]["requests"], 0);

    let r = v1(&app, Some(&key), "/v1/chat/completions", Some(ask("concierge/venue_general", "Hello"))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let list = app.call(Some(&sam), "api_keys", &[]).await.json();
    assert_eq!(list[0]["requests"], 1);
    assert!(list[0]["tokens"].as_i64().unwrap() > 0, "{list}");
    assert!(list[0]["last_used_at"].is_string(), "{list}");

    // Another member cannot revoke it; the owner can see it, and Sam can revoke it.
    let id = list[0]["id"].as_i64().unwrap().to_string();
    let emma = app.login(EMMA).await;
    assert_eq!(app.call(Some(&emma), "revoke_api_key", &[("id", &id)]).await.status, StatusCode::NOT_FOUND);
    assert!(app.call(Some(&emma), "api_keys", &[]).await.json().as_array().unwrap().is_empty());
    let olivia = app.login(OWNER).await;
    let venue = app.call(Some(&olivia), "api_keys", &[]).await.json();
    assert_eq!(venue[0]["mine"], false);
    assert_eq!(app.call(Some(&sam), "revoke_api_key", &[("id", &id)]).await.status, StatusCode::OK);
    assert_error(&v1(&app, Some(&key), "/v1/models", None).await, StatusCode::UNAUTHORIZED, "invalid_api_key");
    let audit: i64 =
        sqlx::query_scalar("select count(*) from audit_log where action in ('api_key_created', 'api_key_revoked')")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(audit, 2);
}

#[sqlx::test]
async fn a_key_is_for_the_agents_its_member_may_use(pool: PgPool) {
    let app = spawn(pool).await;
    let emma = app.login(EMMA).await;
    let r = app
        .call(
            Some(&emma),
            "create_api_key",
            &[("input[name]", "x"), ("input[days]", "30"), ("input[agents][0]", "venue_general")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("cannot use"), "{}", r.body);
    let r = app.call(Some(&emma), "create_api_key", &[("input[name]", "x"), ("input[days]", "900")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
}

#[sqlx::test]
async fn models_list_what_the_key_reaches(pool: PgPool) {
    let app = spawn(pool).await;
    let (emma_event, james_event) = (app.event_id(EMMA_EVENT).await, app.event_id(JAMES_EVENT).await);
    let emma = app.login(EMMA).await;
    let key = make_key(&app, &emma, &["client", "assistant"], false, false).await;
    let list = models(&v1(&app, Some(&key), "/v1/models", None).await);
    assert!(list.contains(&format!("concierge/client@event-{emma_event}")), "{list:?}");
    assert!(list.contains(&"concierge/assistant".to_string()), "{list:?}");
    assert!(!list.iter().any(|m| m.contains(&format!("event-{james_event}"))), "another client's event: {list:?}");
    assert!(!list.iter().any(|m| m.starts_with("scripted/")), "raw models without leave: {list:?}");
    let one = v1(&app, Some(&key), &format!("/v1/models/concierge/client@event-{emma_event}"), None).await;
    assert_eq!(one.json()["object"], "model");
    assert_error(
        &v1(&app, Some(&key), &format!("/v1/models/concierge/client@event-{james_event}"), None).await,
        StatusCode::NOT_FOUND,
        "model_not_found",
    );

    let sam = app.login(STAFF).await;
    let key = make_key(&app, &sam, &["venue_event"], false, true).await;
    let list = models(&v1(&app, Some(&key), "/v1/models", None).await);
    assert!(list.contains(&format!("concierge/venue_event@event-{james_event}")), "{list:?}");
    assert!(list.iter().any(|m| m.starts_with("scripted/")), "{list:?}");
    assert!(!list.contains(&"concierge/venue_general".to_string()), "{list:?}");
}

#[sqlx::test]
async fn a_completion_is_the_agents_turn_stored_in_the_members_chat(pool: PgPool) {
    let app = spawn(pool).await;
    let sam = app.login(STAFF).await;
    let key = make_key(&app, &sam, &["venue_general"], false, false).await;
    let body = json!({"model": "concierge/venue_general", "messages": [
        {"role": "system", "content": "You are a pirate."},
        {"role": "user", "content": "Who are our florists?"},
        {"role": "assistant", "content": "Let me look."},
        {"role": "user", "content": "Which vendors do we have? [[call list_vendors {}]]"}
    ]});
    let r = v1(&app, Some(&key), "/v1/chat/completions", Some(body)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let answer = r.json();
    assert_eq!(answer["object"], "chat.completion");
    assert_eq!(answer["model"], "concierge/venue_general");
    assert_eq!(answer["choices"][0]["message"]["role"], "assistant");
    assert_eq!(answer["choices"][0]["finish_reason"], "stop");
    // The scripted model answers with the tool's result: the venue's vendors, from the store.
    let content = answer["choices"][0]["message"]["content"].as_str().unwrap();
    assert!(content.contains("Bloom & Branch"), "{content}");
    let usage = &answer["usage"];
    assert!(usage["prompt_tokens"].as_u64().unwrap() > 0, "{usage}");
    assert_eq!(
        usage["total_tokens"].as_u64().unwrap(),
        usage["prompt_tokens"].as_u64().unwrap() + usage["completion_tokens"].as_u64().unwrap()
    );
    // The thread is Sam's, with the conversation before the message as its history (the
    // system message is not: the agent keeps its own instructions).
    let thread: i64 = r.headers[concierge::web::openai::THREAD_HEADER].to_str().unwrap().parse().unwrap();
    assert_eq!(answer["concierge"]["thread_id"], thread);
    let open = app.call(Some(&sam), "open_chat", &[("thread_id", &thread.to_string())]).await.json();
    let items: Vec<&str> =
        open["page"]["items"].as_array().unwrap().iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(&items[..3], ["user", "assistant", "user"], "{items:?}");
    assert!(items.contains(&"tool_call"), "{items:?}");
    assert!(!open.to_string().contains("pirate"));

    // The next request continues it, with only its new message.
    let mut next = ask("concierge/venue_general", "And the caterers?");
    next["metadata"] = json!({"thread_id": thread.to_string()});
    let r = v1(&app, Some(&key), "/v1/chat/completions", Some(next)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["concierge"]["thread_id"], thread);
    // Not with another agent's model, and not someone else's thread.
    let mut wrong = ask("concierge/assistant", "Hi");
    wrong["metadata"] = json!({"thread_id": thread.to_string()});
    let key2 = make_key(&app, &sam, &["assistant"], false, false).await;
    assert_error(&v1(&app, Some(&key2), "/v1/chat/completions", Some(wrong)).await, StatusCode::CONFLICT, "conflict");
    let emma = app.login(EMMA).await;
    let emma_key = make_key(&app, &emma, &["assistant"], false, false).await;
    let mut theirs = ask("concierge/assistant", "Hi");
    theirs["metadata"] = json!({"thread_id": thread.to_string()});
    assert_error(
        &v1(&app, Some(&emma_key), "/v1/chat/completions", Some(theirs)).await,
        StatusCode::NOT_FOUND,
        "thread_not_found",
    );
}

#[sqlx::test]
async fn a_streamed_completion_follows_openais_chunks(pool: PgPool) {
    let app = spawn(pool).await;
    let sam = app.login(STAFF).await;
    let key = make_key(&app, &sam, &["assistant"], false, false).await;
    let mut body = ask("concierge/assistant", "Say hello");
    body["stream"] = json!(true);
    body["stream_options"] = json!({"include_usage": true});
    let r = v1(&app, Some(&key), "/v1/chat/completions", Some(body)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/event-stream"));
    let data: Vec<&str> = r.body.lines().filter_map(|l| l.strip_prefix("data: ")).collect();
    assert_eq!(data.last(), Some(&"[DONE]"), "{}", r.body);
    let chunks: Vec<Value> = data[..data.len() - 1].iter().map(|d| serde_json::from_str(d).unwrap()).collect();
    assert_eq!(chunks[0]["choices"][0]["delta"]["role"], "assistant");
    let text: String =
        chunks.iter().filter_map(|c| c["choices"][0]["delta"]["content"].as_str()).collect::<Vec<_>>().concat();
    assert!(text.contains("Say hello"), "{text}");
    let end = &chunks[chunks.len() - 2];
    assert_eq!(end["choices"][0]["finish_reason"], "stop");
    let usage = chunks.last().unwrap();
    assert_eq!(usage["choices"].as_array().unwrap().len(), 0);
    assert!(usage["usage"]["total_tokens"].as_u64().unwrap() > 0, "{usage}");
    assert!(chunks.iter().all(|c| c["object"] == "chat.completion.chunk" && c["id"] == chunks[0]["id"]));
}

#[sqlx::test]
async fn actions_wait_for_approval_and_read_only_keys_cannot_propose_them(pool: PgPool) {
    let app = spawn(pool).await;
    let event = app.event_id(EMMA_EVENT).await;
    let emma = app.login(EMMA).await;
    let model = format!("concierge/client@event-{event}");
    let add = r#"Add Mallory [[call add_guest {"name": "Mallory Keys"}]]"#;
    let pending = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from approvals where tool = 'add_guest' and status = 'pending'")
            .fetch_one(&app.pool)
            .await
            .unwrap()
    };

    let reader = make_key(&app, &emma, &["client"], false, false).await;
    let r = v1(&app, Some(&reader), "/v1/chat/completions", Some(ask(&model, add))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(pending().await, 0, "a read-only key proposed an action");

    let actor = make_key(&app, &emma, &["client"], true, false).await;
    let r = v1(&app, Some(&actor), "/v1/chat/completions", Some(ask(&model, add))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(pending().await, 1);
    let content = r.json()["choices"][0]["message"]["content"].as_str().unwrap().to_string();
    let thread = r.headers[concierge::web::openai::THREAD_HEADER].to_str().unwrap().to_string();
    assert!(content.contains("Waiting for approval"), "{content}");
    assert!(content.contains(&format!("/chat/{thread}")), "{content}");
    let guests: i64 = sqlx::query_scalar("select count(*) from guests where name = 'Mallory Keys'")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(guests, 0, "nothing is done before approval");
}

#[sqlx::test]
async fn a_key_reaches_only_its_members_scope(pool: PgPool) {
    let app = spawn(pool).await;
    let james_event = app.event_id(JAMES_EVENT).await;
    let emma = app.login(EMMA).await;
    let key = make_key(&app, &emma, &["client"], true, false).await;
    let count_threads = || async {
        sqlx::query_scalar::<_, i64>("select count(*) from chat_threads").fetch_one(&app.pool).await.unwrap()
    };
    let before = count_threads().await;
    // Another client's event, an agent the key lacks, a raw model without leave.
    for model in
        [format!("concierge/client@event-{james_event}"), "concierge/assistant".into(), "scripted/instant".into()]
    {
        let r = v1(&app, Some(&key), "/v1/chat/completions", Some(ask(&model, "Show the guests"))).await;
        assert_error(&r, StatusCode::NOT_FOUND, "model_not_found");
    }
    assert_eq!(count_threads().await, before, "a refused request left a thread");
    // A tool call that names the other event from Emma's own chat is refused by the tool.
    let emma_event = app.event_id(EMMA_EVENT).await;
    let text = format!(r#"[[call view_guest_list {{"event_id": {james_event}}}]]"#);
    let r =
        v1(&app, Some(&key), "/v1/chat/completions", Some(ask(&format!("concierge/client@event-{emma_event}"), &text)))
            .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let james_guest: String = sqlx::query_scalar("select g.name from guests g where g.event_id = $1 limit 1")
        .bind(james_event)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(!r.body.contains(&james_guest), "{}", r.body);
}

#[sqlx::test]
async fn errors_use_openais_shape_and_codes(pool: PgPool) {
    let limits = LimitsConfig { sends_per_minute: 2, ..LimitsConfig::default() };
    let app = spawn_with(
        pool,
        Config { limits, ..Config::default() },
        concierge::llm::catalog::LlmConfig::scripted_only(std::time::Duration::ZERO),
    )
    .await;
    let sam = app.login(STAFF).await;
    let key = make_key(&app, &sam, &["venue_general"], false, true).await;
    assert_error(&v1(&app, None, "/v1/models", None).await, StatusCode::UNAUTHORIZED, "invalid_api_key");
    let wrong = format!("ck_{}", "0".repeat(64));
    assert_error(&v1(&app, Some(&wrong), "/v1/models", None).await, StatusCode::UNAUTHORIZED, "invalid_api_key");
    // A session cookie is not a key.
    let r = app
        .send(
            Request::get("/v1/models")
                .header(header::COOKIE, format!("concierge_session={sam}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "invalid_api_key");
    let bad = |body: &str| {
        let req = Request::post("/v1/chat/completions")
            .header(header::AUTHORIZATION, format!("Bearer {key}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(body.to_string()))
            .unwrap();
        app.send(req)
    };
    for body in [
        "{not json",
        r#"{"model": "concierge/venue_general", "messages": []}"#,
        r#"{"model": "concierge/venue_general", "messages": [{"role": "assistant", "content": "hi"}]}"#,
        r#"{"model": "concierge/venue_general", "messages": [{"role": "user", "content": "hi"}], "tools": [{"type": "function"}]}"#,
        r#"{"model": "concierge/venue_general", "messages": [{"role": "user", "content": ""}]}"#,
    ] {
        let r = bad(body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.body);
        assert_eq!(r.json()["error"]["type"], "invalid_request_error", "{body}");
    }
    assert_error(
        &bad(r#"{"model": "concierge/butler", "messages": [{"role": "user", "content": "hi"}]}"#).await,
        StatusCode::NOT_FOUND,
        "model_not_found",
    );
    assert_error(&v1(&app, Some(&key), "/v1/embeddings", None).await, StatusCode::NOT_FOUND, "unknown_url");
    // The member's own message rate, shared with the chat.
    for _ in 0..2 {
        let r = v1(&app, Some(&key), "/v1/chat/completions", Some(ask("scripted/instant", "Hi"))).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        assert_eq!(r.json()["usage"]["total_tokens"].as_u64().map(|t| t > 0), Some(true), "{}", r.body);
    }
    let r = v1(&app, Some(&key), "/v1/chat/completions", Some(ask("concierge/venue_general", "Hi"))).await;
    assert_error(&r, StatusCode::TOO_MANY_REQUESTS, "rate_limit_exceeded");
    assert!(r.headers.contains_key(header::RETRY_AFTER));
    let raw: i64 =
        sqlx::query_scalar("select count(*) from llm_usage where purpose = 'api'").fetch_one(&app.pool).await.unwrap();
    assert_eq!(raw, 2, "raw completions' usage is recorded");
}

/// The official `openai` Python SDK as the client, over a real socket: list models, a whole and a
/// streamed completion, a tool-using turn with an action left for approval, then 401, 400, 404
/// and 429 as the SDK's own exceptions (tests/sdk/openai_client.py).
#[sqlx::test]
async fn the_openai_python_sdk_talks_to_the_agents(pool: PgPool) {
    let limits = LimitsConfig { sends_per_minute: 4, ..LimitsConfig::default() };
    let app = spawn_with(
        pool,
        Config { limits, ..Config::default() },
        concierge::llm::catalog::LlmConfig::scripted_only(std::time::Duration::from_millis(2)),
    )
    .await;
    let (emma_event, james_event) = (app.event_id(EMMA_EVENT).await, app.event_id(JAMES_EVENT).await);
    let emma = app.login(EMMA).await;
    let key = make_key(&app, &emma, &["client"], true, false).await;
    let env = vec![
        ("CONCIERGE_KEY", key),
        ("CONCIERGE_MODEL", format!("concierge/client@event-{emma_event}")),
        ("CONCIERGE_OTHER_MODEL", format!("concierge/client@event-{james_event}")),
    ];
    let stdout = run_sdk_script(&app, "openai_client.py", env).await;
    let pending: i64 =
        sqlx::query_scalar("select count(*) from approvals where tool = 'add_guest' and status = 'pending'")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(pending, 1, "{stdout}");
}
