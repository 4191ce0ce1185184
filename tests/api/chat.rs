//! Chat: sending, streaming, stopping, regenerating, editing, paging, search, usage, and that
//! nobody reaches another person's thread through any server function or the stream route.

use super::*;
use serde_json::Value;
use std::collections::BTreeMap;
use std::time::Duration;

/// The events of `GET /api/chat/{id}/events?after=`, as (name, data).
pub(crate) async fn events(
    app: &TestApp,
    session: &str,
    thread_id: i64,
    after: i64,
) -> (StatusCode, Vec<(String, Value)>) {
    let req = Request::get(format!("/api/chat/{thread_id}/events?after={after}"))
        .header(header::COOKIE, format!("concierge_session={session}"))
        .header(header::ACCEPT, "text/event-stream")
        .body(Body::empty())
        .unwrap();
    let r = app.send(req).await;
    if r.status != StatusCode::OK {
        return (r.status, Vec::new());
    }
    assert_eq!(r.headers[header::CONTENT_TYPE], "text/event-stream");
    let mut out = Vec::new();
    for frame in r.body.split("\n\n").filter(|f| !f.trim().is_empty()) {
        let mut name = String::new();
        let mut data = String::new();
        for line in frame.lines() {
            if let Some(v) = line.strip_prefix("event: ").or_else(|| line.strip_prefix("event:")) {
                name = v.to_string();
            } else if let Some(v) = line.strip_prefix("data: ").or_else(|| line.strip_prefix("data:")) {
                data.push_str(v);
            }
        }
        if !name.is_empty() {
            let value: Value = serde_json::from_str(&data).unwrap_or_else(|e| panic!("{e}: {data}"));
            assert_eq!(value["type"], name, "the data names its event");
            out.push((name, value));
        }
    }
    (StatusCode::OK, out)
}

/// Applies events as the browser does (upsert by id, deltas appended): item id → item.
pub(crate) fn replay(events: &[(String, Value)]) -> BTreeMap<i64, Value> {
    let mut items: BTreeMap<i64, Value> = BTreeMap::new();
    for (name, v) in events {
        match name.as_str() {
            "thread.item.added" | "thread.item.updated" | "thread.item.done" => {
                items.insert(v["item"]["id"].as_i64().unwrap(), v["item"].clone());
            }
            "thread.item.delta" => {
                let item = items.get_mut(&v["item_id"].as_i64().unwrap()).expect("a delta follows its item");
                let text = format!("{}{}", item["content"].as_str().unwrap(), v["delta"].as_str().unwrap());
                item["content"] = Value::String(text);
            }
            _ => {}
        }
    }
    items
}

pub(crate) async fn start(app: &TestApp, session: &str, text: &str) -> Value {
    let r = app.call(Some(session), "start_chat", &[("text", text)]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

/// Follows the thread until `done`; returns the reply as the browser would show it.
pub(crate) async fn finish_reply(app: &TestApp, session: &str, sent: &Value) -> Value {
    let thread = sent["thread_id"].as_i64().unwrap();
    let reply = sent["reply"]["id"].as_i64().unwrap();
    let (status, evs) = events(app, session, thread, reply - 1).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(evs.last().map(|e| e.0.as_str()), Some("done"), "{evs:?}");
    replay(&evs).remove(&reply).expect("the reply is in the stream")
}

pub(crate) async fn open(app: &TestApp, session: &str, thread: i64) -> Value {
    let r = app.call(Some(session), "open_chat", &[("thread_id", &thread.to_string())]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

#[sqlx::test]
async fn a_message_streams_a_reply_that_is_stored(pool: PgPool) {
    let app = spawn(pool).await;
    let emma = app.login(EMMA).await;
    let sent = start(&app, &emma, "What should we serve at the tasting?").await;
    assert_eq!(sent["user_item"]["content"], "What should we serve at the tasting?");
    assert_eq!(sent["reply"]["status"], "streaming");
    let thread = sent["thread_id"].as_i64().unwrap();

    let reply = finish_reply(&app, &emma, &sent).await;
    assert_eq!(reply["status"], "done");
    let text = reply["content"].as_str().unwrap();
    assert!(text.starts_with("You asked: **What should we serve at the tasting?**"), "{text}");
    assert!(reply["completion_tokens"].as_i64().unwrap() > 10);

    // What streamed is what was stored; the title came from the model after the first exchange.
    let o = open(&app, &emma, thread).await;
    let items = o["page"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[1]["content"], text);
    assert_eq!(items[1]["model"], "scripted/instant");
    assert_eq!(o["thread"]["title"], "Chat about What should we serve");
    assert_eq!(o["live"], false);

    // A late watcher (a reloaded page) gets the finished reply and `done`.
    let (_, evs) = events(&app, &emma, thread, items[0]["id"].as_i64().unwrap()).await;
    assert_eq!(evs.iter().map(|e| e.0.as_str()).collect::<Vec<_>>(), vec!["thread.item.added", "done"]);

    // Usage per day and model.
    let usage = app.call(Some(&emma), "my_usage", &[]).await.json();
    let row = usage.as_array().unwrap().iter().find(|r| r["model"] == "scripted/instant").expect("a usage row");
    assert_eq!(row["replies"], 1);
    assert!(row["completion_tokens"].as_i64().unwrap() > 10);
}

#[sqlx::test]
async fn stop_keeps_the_partial_text_and_busy_threads_refuse_sends(pool: PgPool) {
    let app = spawn_with_delay(pool, Duration::from_millis(15)).await;
    let sam = app.login(STAFF).await;
    let sent = start(&app, &sam, "Give me a long reply please").await;
    let thread = sent["thread_id"].as_i64().unwrap().to_string();

    let busy = app.call(Some(&sam), "send_chat_message", &[("thread_id", &thread), ("text", "another")]).await;
    assert_eq!(busy.status, StatusCode::CONFLICT, "{}", busy.body);

    tokio::time::sleep(Duration::from_millis(400)).await;
    let r = app.call(Some(&sam), "stop_reply", &[("thread_id", &thread)]).await;
    assert_eq!(r.json(), Value::Bool(true));
    let reply = finish_reply(&app, &sam, &sent).await;
    assert_eq!(reply["status"], "stopped");
    let partial = reply["content"].as_str().unwrap();
    assert!(partial.starts_with("You asked:"), "{partial}");
    assert!(partial.matches("word").count() < 400, "stopped before the end");
    let stored: (String, String) = sqlx::query_as("select status, content from chat_items where id = $1")
        .bind(sent["reply"]["id"].as_i64().unwrap())
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, ("stopped".to_string(), partial.to_string()));

    // Now the thread takes a new message again.
    let next = app.call(Some(&sam), "send_chat_message", &[("thread_id", &thread), ("text", "thanks")]).await;
    assert_eq!(next.status, StatusCode::OK, "{}", next.body);
}

#[sqlx::test]
async fn regenerate_and_edit_make_versions_that_stay_reachable(pool: PgPool) {
    let app = spawn(pool).await;
    let emma = app.login(EMMA).await;
    let sent = start(&app, &emma, "First question").await;
    let thread = sent["thread_id"].as_i64().unwrap();
    let t = thread.to_string();
    let first_reply = finish_reply(&app, &emma, &sent).await;

    let regen = app.call(Some(&emma), "regenerate_reply", &[("thread_id", &t)]).await;
    assert_eq!(regen.status, StatusCode::OK, "{}", regen.body);
    let regen = regen.json();
    assert!(regen["user_item"].is_null());
    finish_reply(&app, &emma, &regen).await;
    let o = open(&app, &emma, thread).await;
    let items = o["page"]["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 2, "the active branch: the question and the new reply");
    assert_eq!(items[1]["id"], regen["reply"]["id"]);
    assert_eq!((items[1]["branch_index"].as_i64(), items[1]["branch_count"].as_i64()), (Some(2), Some(2)));

    // Back to the first version.
    let r = app
        .call(
            Some(&emma),
            "switch_chat_branch",
            &[("thread_id", &t), ("item_id", &items[1]["id"].to_string()), ("delta", "-1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let items = r.json()["page"]["items"].as_array().unwrap().clone();
    assert_eq!(items[1]["id"], first_reply["id"]);
    assert_eq!(items[1]["branch_index"], 1);

    // Edit the question: a new branch from the same parent, answered at once.
    let user_id = items[0]["id"].to_string();
    let edit = app
        .call(
            Some(&emma),
            "edit_chat_message",
            &[("thread_id", &t), ("item_id", &user_id), ("text", "Better question")],
        )
        .await;
    assert_eq!(edit.status, StatusCode::OK, "{}", edit.body);
    let edit = edit.json();
    finish_reply(&app, &emma, &edit).await;
    let items = open(&app, &emma, thread).await["page"]["items"].as_array().unwrap().clone();
    assert_eq!(items[0]["content"], "Better question");
    assert_eq!((items[0]["branch_index"].as_i64(), items[0]["branch_count"].as_i64()), (Some(2), Some(2)));
    assert!(items[1]["content"].as_str().unwrap().contains("Better question"));

    // Only a user message can be edited.
    let r = app
        .call(
            Some(&emma),
            "edit_chat_message",
            &[("thread_id", &t), ("item_id", &items[1]["id"].to_string()), ("text", "x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

/// A thread of `n` items in one chain, owned by `email`. Returns (thread id, item ids).
async fn long_thread(pool: &PgPool, email: &str, n: usize) -> (i64, Vec<i64>) {
    let member = actor(pool, email).await;
    let (user_id, venue_id) = (member.user_id, member.venue_id);
    let thread: i64 = sqlx::query_scalar(
        "insert into chat_threads (venue_id, owner_id, model, title) values ($1, $2, 'scripted/instant', 'Long one') returning id",
    )
    .bind(venue_id)
    .bind(user_id)
    .fetch_one(pool)
    .await
    .unwrap();
    let mut parent: Option<i64> = None;
    let mut out = Vec::with_capacity(n);
    for i in 1..=n {
        let kind = if i % 2 == 1 { "user" } else { "assistant" };
        let id: i64 = sqlx::query_scalar(
            "insert into chat_items (thread_id, parent_id, kind, content) values ($1, $2, $3, $4) returning id",
        )
        .bind(thread)
        .bind(parent)
        .bind(kind)
        .bind(format!("message number {i}"))
        .fetch_one(pool)
        .await
        .unwrap();
        parent = Some(id);
        out.push(id);
    }
    sqlx::query("update chat_threads set leaf_item_id = $2, item_count = $3 where id = $1")
        .bind(thread)
        .bind(parent)
        .bind(n as i32)
        .execute(pool)
        .await
        .unwrap();
    (thread, out)
}

#[sqlx::test]
async fn a_long_thread_opens_at_its_latest_page_and_pages_back(pool: PgPool) {
    let app = spawn(pool).await;
    let (thread, ids) = long_thread(&app.pool, EMMA, 120).await;
    let emma = app.login(EMMA).await;
    let o = open(&app, &emma, thread).await;
    let page = o["page"]["items"].as_array().unwrap();
    let got: Vec<i64> = page.iter().map(|i| i["id"].as_i64().unwrap()).collect();
    assert_eq!(got, ids[70..].to_vec(), "the latest 50, oldest first");
    assert_eq!(o["page"]["has_more"], true);

    let mut before = got[0];
    let mut seen = got.len();
    loop {
        let r = app
            .call(
                Some(&emma),
                "older_chat_items",
                &[("thread_id", &thread.to_string()), ("before", &before.to_string())],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let page = r.json();
        let got: Vec<i64> = page["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect();
        assert_eq!(got, ids[ids.len() - seen - got.len()..ids.len() - seen].to_vec());
        seen += got.len();
        if page["has_more"] == false {
            break;
        }
        before = got[0];
    }
    assert_eq!(seen, 120);
}

#[sqlx::test]
async fn the_sidebar_lists_pinned_first_then_by_activity_in_pages(pool: PgPool) {
    let app = spawn(pool).await;
    for i in 0..35 {
        let (thread, _) = long_thread(&app.pool, EMMA, 1).await;
        sqlx::query(
            "update chat_threads set title = $2, last_activity_at = now() - make_interval(mins => $3) where id = $1",
        )
        .bind(thread)
        .bind(format!("thread {i:02}"))
        .bind(i)
        .execute(&app.pool)
        .await
        .unwrap();
    }
    sqlx::query("update chat_threads set pinned = true where title = 'thread 20'").execute(&app.pool).await.unwrap();
    sqlx::query("update chat_threads set archived = true where title = 'thread 01'").execute(&app.pool).await.unwrap();
    let emma = app.login(EMMA).await;
    let first = app.call(Some(&emma), "chat_threads", &[("archived", "false")]).await.json();
    let titles: Vec<String> =
        first["threads"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap().to_string()).collect();
    assert_eq!(titles.len(), 30);
    assert_eq!(titles[0], "thread 20", "pinned first");
    assert_eq!(titles[1], "thread 00", "then the most recent");
    assert!(!titles.contains(&"thread 01".to_string()), "archived ones are elsewhere");
    let cursor = first["next_cursor"].as_str().expect("a next page").to_string();
    let second = app.call(Some(&emma), "chat_threads", &[("archived", "false"), ("cursor", &cursor)]).await.json();
    let more: Vec<String> =
        second["threads"].as_array().unwrap().iter().map(|t| t["title"].as_str().unwrap().to_string()).collect();
    assert_eq!(more, vec!["thread 31", "thread 32", "thread 33", "thread 34"]);
    assert!(second["next_cursor"].is_null());
    let archived = app.call(Some(&emma), "chat_threads", &[("archived", "true")]).await.json();
    assert_eq!(archived["threads"][0]["title"], "thread 01");

    let bad = app.call(Some(&emma), "chat_threads", &[("archived", "false"), ("cursor", "nonsense")]).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
}

#[sqlx::test]
async fn search_finds_words_in_own_threads_only(pool: PgPool) {
    let app = spawn(pool).await;
    let emma = app.login(EMMA).await;
    let sent = start(&app, &emma, "Is lobster available for the tasting menu?").await;
    finish_reply(&app, &emma, &sent).await;
    let hits = app.call(Some(&emma), "search_chats", &[("q", "lobst")]).await.json();
    let hits = hits.as_array().unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0]["thread_id"], sent["thread_id"]);
    assert!(hits[0]["snippet"].as_str().unwrap().contains("«lobster»"), "{}", hits[0]["snippet"]);

    let james = app.login(JAMES).await;
    let none = app.call(Some(&james), "search_chats", &[("q", "lobster")]).await.json();
    assert_eq!(none, serde_json::json!([]));
    let empty = app.call(Some(&emma), "search_chats", &[("q", "  ")]).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    // tsquery syntax from people is not syntax.
    let odd = app.call(Some(&emma), "search_chats", &[("q", "lobster & | ! :* (")]).await;
    assert_eq!(odd.status, StatusCode::OK, "{}", odd.body);
}

#[sqlx::test]
async fn nobody_reaches_another_persons_thread(pool: PgPool) {
    let app = spawn(pool).await;
    let emma = app.login(EMMA).await;
    let sent = start(&app, &emma, "My private planning notes").await;
    let reply = finish_reply(&app, &emma, &sent).await;
    let thread = sent["thread_id"].as_i64().unwrap();
    let (t, item, reply_id) = (thread.to_string(), sent["user_item"]["id"].to_string(), reply["id"].to_string());
    let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
        ("open_chat", vec![("thread_id", &t)]),
        ("chat_thread", vec![("thread_id", &t)]),
        ("older_chat_items", vec![("thread_id", &t), ("before", &reply_id)]),
        ("send_chat_message", vec![("thread_id", &t), ("text", "hijack")]),
        ("edit_chat_message", vec![("thread_id", &t), ("item_id", &item), ("text", "hijack")]),
        ("regenerate_reply", vec![("thread_id", &t)]),
        ("stop_reply", vec![("thread_id", &t)]),
        ("rename_chat", vec![("thread_id", &t), ("title", "hijacked")]),
        ("pin_chat", vec![("thread_id", &t), ("pinned", "true")]),
        ("archive_chat", vec![("thread_id", &t), ("archived", "true")]),
        ("set_chat_model", vec![("thread_id", &t), ("model", "scripted/instant")]),
        ("switch_chat_branch", vec![("thread_id", &t), ("item_id", &reply_id), ("delta", "-1")]),
        ("delete_chat", vec![("thread_id", &t)]),
    ];
    // Another client, the venue's staff and its owner: a thread is its owner's alone.
    for who in [JAMES, STAFF, OWNER] {
        let session = app.login(who).await;
        for (name, args) in &calls {
            let r = app.call(Some(&session), name, args).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{who} {name}: {}", r.body);
        }
        let (status, _) = events(&app, &session, thread, 0).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{who} stream");
        let list = app.call(Some(&session), "chat_threads", &[("archived", "false")]).await.json();
        assert!(list["threads"].as_array().unwrap().iter().all(|x| x["id"] != thread), "{who} list");
    }
    let req = Request::get(format!("/api/chat/{thread}/events")).body(Body::empty()).unwrap();
    assert_eq!(app.send(req).await.status, StatusCode::UNAUTHORIZED);
    let r = app.call(None, "open_chat", &[("thread_id", &t)]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);

    // Untouched.
    let o = open(&app, &emma, thread).await;
    assert_eq!(o["thread"]["title"], "Chat about My private planning notes");
    assert_eq!(o["page"]["items"].as_array().unwrap().len(), 2);
}

#[sqlx::test]
async fn bad_input_is_a_clear_4xx(pool: PgPool) {
    let app = spawn(pool).await;
    let emma = app.login(EMMA).await;
    let r = app.call(Some(&emma), "start_chat", &[("text", "   ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Write a message first"), "{}", r.body);
    let long = "x".repeat(8001);
    let r = app.call(Some(&emma), "start_chat", &[("text", &long)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app.call(Some(&emma), "start_chat", &[("text", "hi"), ("model", "nope/nothing")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    let sent = start(&app, &emma, "hello").await;
    finish_reply(&app, &emma, &sent).await;
    let t = sent["thread_id"].to_string();
    for (name, args) in [
        ("rename_chat", vec![("thread_id", t.as_str()), ("title", "")]),
        ("set_chat_model", vec![("thread_id", t.as_str()), ("model", "nope/nothing")]),
    ] {
        let r = app.call(Some(&emma), name, &args).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {}", r.body);
    }
    let r = app.call(Some(&emma), "switch_chat_branch", &[("thread_id", &t), ("item_id", "1"), ("delta", "0")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app.call(Some(&emma), "open_chat", &[("thread_id", "abc")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let req = Request::get(format!("/api/chat/{}/events?after=abc", sent["thread_id"]))
        .header(header::COOKIE, format!("concierge_session={emma}"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(req).await.status, StatusCode::BAD_REQUEST);
    let req = Request::get("/api/chat/notanumber/events")
        .header(header::COOKIE, format!("concierge_session={emma}"))
        .body(Body::empty())
        .unwrap();
    assert!(app.send(req).await.status.is_client_error());
}

#[sqlx::test]
async fn replies_cut_by_a_restart_are_marked_and_can_be_retried(pool: PgPool) {
    let app = spawn(pool).await;
    let emma = app.login(EMMA).await;
    let sent = start(&app, &emma, "hello").await;
    let reply = finish_reply(&app, &emma, &sent).await;
    // As if the server had died while writing it.
    sqlx::query("update chat_items set status = 'streaming', content = 'half a sen' where id = $1")
        .bind(reply["id"].as_i64().unwrap())
        .execute(&app.pool)
        .await
        .unwrap();
    assert_eq!(concierge::store::chat::interrupt_orphans(&app.pool).await.unwrap(), 1);
    let o = open(&app, &emma, sent["thread_id"].as_i64().unwrap()).await;
    assert_eq!(o["page"]["items"][1]["status"], "interrupted");
    assert_eq!(o["page"]["items"][1]["content"], "half a sen", "nothing shown is lost");
    let retry = app.call(Some(&emma), "regenerate_reply", &[("thread_id", &sent["thread_id"].to_string())]).await;
    assert_eq!(retry.status, StatusCode::OK, "{}", retry.body);
}

#[sqlx::test]
async fn owners_add_hosted_providers_whose_keys_never_come_back(pool: PgPool) {
    // The operator allows this loopback host (as for an Ollama on the same machine).
    let app = spawn_with_outbound_allow(pool, "127.0.0.1").await;
    let owner = app.login(OWNER).await;
    let form = [
        ("name", "groq"),
        ("kind", "openai"),
        ("base_url", "http://127.0.0.1:9/openai/v1"),
        ("api_key", "gsk_supersecret"),
        ("models", "llama-3.3-70b, qwen-qwq"),
    ];
    let r = app.call(Some(&owner), "add_provider", &form).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let list = app.call(Some(&owner), "list_providers", &[]).await;
    assert!(!list.body.contains("gsk_supersecret"), "the key never leaves the server");
    assert_eq!(list.json()[0]["has_key"], true);
    let models = app.call(Some(&owner), "chat_models", &[]).await.json();
    let ids: Vec<&str> = models["models"].as_array().unwrap().iter().map(|m| m["id"].as_str().unwrap()).collect();
    assert!(ids.contains(&"groq/llama-3.3-70b") && ids.contains(&"scripted/instant"), "{ids:?}");

    // A chat on the new provider: it is unreachable here, so the reply fails in place, without
    // the details of what answered.
    let sent = app.call(Some(&owner), "start_chat", &[("text", "hi"), ("model", "groq/qwen-qwq")]).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let reply = finish_reply(&app, &owner, &sent.json()).await;
    assert_eq!(reply["status"], "failed");
    assert!(reply["error"].as_str().unwrap().contains("connect"), "{}", reply["error"]);

    let dup = app.call(Some(&owner), "add_provider", &form).await;
    assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reserved = app
        .call(
            Some(&owner),
            "add_provider",
            &[
                ("name", "openai"),
                ("kind", "openai"),
                ("base_url", "https://x.example"),
                ("api_key", ""),
                ("models", "m"),
            ],
        )
        .await;
    assert_eq!(reserved.status, StatusCode::UNPROCESSABLE_ENTITY);
    let sam = app.login(STAFF).await;
    assert_eq!(app.call(Some(&sam), "add_provider", &form).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.call(Some(&sam), "list_providers", &[]).await.status, StatusCode::FORBIDDEN);
}

#[sqlx::test]
async fn chat_pages_render_on_the_server_for_their_owner_only(pool: PgPool) {
    let app = spawn(pool).await;
    let emma = app.login(EMMA).await;
    let empty = app.page(Some(&emma), "/chat").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert!(empty.body.contains("How can I help?"), "the empty state");
    let sent = start(&app, &emma, "Table for **two** <b>please</b>").await;
    finish_reply(&app, &emma, &sent).await;
    let path = format!("/chat/{}", sent["thread_id"]);
    let page = app.page(Some(&emma), &path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Table for **two** &lt;b&gt;please&lt;/b&gt;"), "the message, escaped");
    assert!(page.body.contains("<table>"), "the reply's markdown, rendered");
    let at = page.body.find("<b>please</b>");
    assert!(
        at.is_none(),
        "no raw HTML from anyone: {}",
        at.map(|i| &page.body[i.saturating_sub(300)..i + 50]).unwrap_or("")
    );
    let james = app.login(JAMES).await;
    assert_eq!(app.page(Some(&james), &path).await.status, StatusCode::NOT_FOUND);
    let anon = app.page(None, &path).await;
    let to = anon.headers.get(header::LOCATION).map(|l| l.to_str().unwrap().to_string()).unwrap_or_default();
    assert!(to.starts_with("/login?next="), "logged out: sent to log in, not {:?}", anon.status);
}

#[sqlx::test]
async fn replies_are_rated_by_their_owner_only(pool: PgPool) {
    let app = spawn(pool).await;
    let emma = app.login(EMMA).await;
    let sent = start(&app, &emma, "Which wines pair with salmon?").await;
    let reply = finish_reply(&app, &emma, &sent).await;
    let id = reply["id"].as_i64().unwrap().to_string();
    let user_item = sent["user_item"]["id"].as_i64().unwrap().to_string();

    let r =
        app.call(Some(&emma), "rate_reply", &[("item_id", &id), ("rating", "down"), ("comment", "  Too long ")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["rating"], -1);
    assert_eq!(r.json()["rating_comment"], "Too long");
    // Stored, and shown when the thread opens again.
    let o = open(&app, &emma, sent["thread_id"].as_i64().unwrap()).await;
    assert_eq!(o["page"]["items"][1]["rating"], -1);
    // Changing it replaces it; clearing removes the comment too.
    let r = app.call(Some(&emma), "rate_reply", &[("item_id", &id), ("rating", "up")]).await;
    assert_eq!(
        (r.json()["rating"].clone(), r.json()["rating_comment"].clone()),
        (serde_json::json!(1), serde_json::json!(""))
    );
    let r = app.call(Some(&emma), "rate_reply", &[("item_id", &id), ("rating", "")]).await;
    assert!(r.json()["rating"].is_null());

    // Bad input is a clear 4xx; someone else's reply and a message are not found.
    let r = app.call(Some(&emma), "rate_reply", &[("item_id", &id), ("rating", "sideways")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let long = "x".repeat(1001);
    let r = app.call(Some(&emma), "rate_reply", &[("item_id", &id), ("rating", "up"), ("comment", &long)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app.call(Some(&emma), "rate_reply", &[("item_id", &user_item), ("rating", "up")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let james = app.login(JAMES).await;
    let r = app.call(Some(&james), "rate_reply", &[("item_id", &id), ("rating", "up")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let olivia = app.login(OWNER).await;
    let r = app.call(Some(&olivia), "rate_reply", &[("item_id", &id), ("rating", "up")]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "not even the venue's owner rates a client's reply");
    assert_eq!(
        app.call(None, "rate_reply", &[("item_id", &id), ("rating", "up")]).await.status,
        StatusCode::UNAUTHORIZED
    );
    let stored: Option<i16> = sqlx::query_scalar("select rating from chat_items where id = $1")
        .bind(id.parse::<i64>().unwrap())
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, None);
}

#[sqlx::test]
async fn a_conversation_exports_as_markdown_and_json_for_its_owner_only(pool: PgPool) {
    let app = spawn(pool).await;
    let emma = app.login(EMMA).await;
    let sent = start(&app, &emma, "Can we add a late-night snack?").await;
    let reply = finish_reply(&app, &emma, &sent).await;
    let thread = sent["thread_id"].as_i64().unwrap();

    let md = app.page(Some(&emma), &format!("/chat/{thread}/export.md")).await;
    assert_eq!(md.status, StatusCode::OK);
    assert!(md.headers[header::CONTENT_TYPE].to_str().unwrap().starts_with("text/markdown"));
    assert_eq!(
        md.headers[header::CONTENT_DISPOSITION],
        format!("attachment; filename=\"concierge-chat-{thread}.md\"").as_str()
    );
    assert!(md.body.contains("Can we add a late-night snack?"), "{}", md.body);
    assert!(md.body.contains(reply["content"].as_str().unwrap().trim()), "{}", md.body);

    let json = app.page(Some(&emma), &format!("/chat/{thread}/export.json")).await;
    assert_eq!(json.status, StatusCode::OK);
    let v: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    assert_eq!(v["thread"]["id"], thread);
    let ids: Vec<i64> = v["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [sent["user_item"]["id"].as_i64().unwrap(), reply["id"].as_i64().unwrap()]);

    let james = app.login(JAMES).await;
    for ext in ["md", "json"] {
        let path = format!("/chat/{thread}/export.{ext}");
        assert_eq!(app.page(Some(&james), &path).await.status, StatusCode::NOT_FOUND, "{path}");
        assert_eq!(app.page(None, &path).await.status, StatusCode::UNAUTHORIZED, "{path}");
    }
    assert_eq!(app.page(Some(&emma), "/chat/abc/export.md").await.status, StatusCode::NOT_FOUND);

    // A thread longer than a page exports whole, oldest first.
    let (long, ids) = long_thread(&app.pool, EMMA, 120).await;
    let v: serde_json::Value =
        serde_json::from_str(&app.page(Some(&emma), &format!("/chat/{long}/export.json")).await.body).unwrap();
    let got: Vec<i64> = v["items"].as_array().unwrap().iter().map(|i| i["id"].as_i64().unwrap()).collect();
    assert_eq!(got, ids);
}

#[sqlx::test]
async fn a_person_downloads_all_their_data_and_nobody_elses(pool: PgPool) {
    let app = spawn(pool).await;
    let emma = app.login(EMMA).await;
    let sent = start(&app, &emma, "Note for my export: lilies, not roses").await;
    finish_reply(&app, &emma, &sent).await;
    let thread = sent["thread_id"].as_i64().unwrap();

    let req = Request::get("/account/export.zip").header(header::COOKIE, format!("concierge_session={emma}"));
    let res = app.router.clone().oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()[header::CONTENT_TYPE], "application/zip");
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).expect("a zip");
    let mut read = |name: &str| {
        use std::io::Read;
        let mut s = String::new();
        zip.by_name(name).unwrap_or_else(|e| panic!("{name}: {e}")).read_to_string(&mut s).unwrap();
        s
    };
    let profile: serde_json::Value = serde_json::from_str(&read("profile.json")).unwrap();
    assert_eq!(profile["email"], EMMA);
    assert_eq!(profile["role"], "client");
    assert!(read(&format!("chats/{thread}.md")).contains("lilies, not roses"));
    let events = read("events.json");
    assert!(events.contains("Emma & Daniel"), "{events}");
    assert!(!events.contains(JAMES_EVENT), "another client's event");
    for name in [
        "README.txt",
        "messages.json",
        "appointments.json",
        "notifications.json",
        "documents.json",
        "model_usage.json",
        "activity_log.json",
    ] {
        read(name);
    }
    let logged: i64 = sqlx::query_scalar(
        "select count(*) from audit_log where action = 'exported' and target = 'Their own data (zip)'",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert_eq!(logged, 1);
    assert_eq!(app.page(None, "/account/export.zip").await.status, StatusCode::UNAUTHORIZED);

    // James's zip has none of Emma's chats.
    let james = app.login(JAMES).await;
    let req = Request::get("/account/export.zip").header(header::COOKIE, format!("concierge_session={james}"));
    let res = app.router.clone().oneshot(req.body(Body::empty()).unwrap()).await.unwrap();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let zip = zip::ZipArchive::new(std::io::Cursor::new(bytes.to_vec())).unwrap();
    assert!(zip.file_names().flatten().all(|n| n != format!("chats/{thread}.md")));
}

/// Counts the connections a local listener accepts; answers each with `reply` (if any).
async fn listener(reply: Option<String>) -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = hits.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = l.accept().await {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let reply = reply.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 4096];
                let _ = sock.read(&mut buf).await;
                if let Some(r) = reply {
                    let _ = sock.write_all(r.as_bytes()).await;
                }
            });
        }
    });
    (port, hits)
}

/// A provider row as if it had been stored before the guard existed (or changed behind its back).
async fn store_provider(app: &TestApp, name: &str, base_url: &str) {
    let venue: i64 =
        sqlx::query_scalar("select venue_id from memberships m join users u on u.id = m.user_id where u.email = $1")
            .bind(OWNER)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    sqlx::query("insert into llm_providers (venue_id, name, kind, base_url, api_key, models) values ($1, $2, 'openai', $3, '', '{m}')")
        .bind(venue)
        .bind(name)
        .bind(base_url)
        .execute(&app.pool)
        .await
        .unwrap();
}

/// A venue's provider URL cannot point the server at itself, its database, the metadata service
/// or the private network: refused when saved (by address and by name), and refused again when
/// the server connects (a stored row, a name that resolves to a private address, a redirect).
#[sqlx::test]
async fn provider_addresses_cannot_reach_private_networks(pool: PgPool) {
    let app = spawn(pool).await;
    let owner = app.login(OWNER).await;
    for url in [
        "http://127.0.0.1:5432",
        "http://[::1]:8080/v1",
        "http://169.254.169.254/latest",
        "http://10.0.0.7/v1",
        "http://100.64.1.1/v1",
        "http://[fd00::1]/v1",
        "http://localhost:11434/v1",
    ] {
        let form = [("name", "sneaky"), ("kind", "openai"), ("base_url", url), ("api_key", ""), ("models", "m")];
        let r = app.call(Some(&owner), "add_provider", &form).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{url}: {}", r.body);
        assert!(r.body.contains("private or local network"), "{url}: {}", r.body);
    }
    let list = app.call(Some(&owner), "list_providers", &[]).await;
    assert!(!list.body.contains("sneaky"), "nothing was stored");

    // Stored anyway (by address, and by a name that resolves to loopback): the server does not connect.
    let (port, hits) = listener(None).await;
    store_provider(&app, "byaddress", &format!("http://127.0.0.1:{port}/v1")).await;
    store_provider(&app, "byname", &format!("http://localhost:{port}/v1")).await;
    for model in ["byaddress/m", "byname/m"] {
        let sent = app.call(Some(&owner), "start_chat", &[("text", "hi"), ("model", model)]).await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
        let reply = finish_reply(&app, &owner, &sent.json()).await;
        assert_eq!(reply["status"], "failed", "{model}");
        let error = reply["error"].as_str().unwrap();
        assert!(error.contains("connect"), "{model}: {error}");
    }
    assert_eq!(hits.load(std::sync::atomic::Ordering::SeqCst), 0, "no connection was made");
}

#[sqlx::test]
async fn venue_providers_follow_no_redirects_and_show_no_upstream_details(pool: PgPool) {
    // The operator allows loopback here, so the requests do leave; the guard still holds.
    let app = spawn_with_outbound_allow(pool, "127.0.0.1").await;
    let owner = app.login(OWNER).await;
    let (target, target_hits) = listener(None).await;
    let redirect = format!(
        "HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:{target}/v1/chat/completions\r\nContent-Length: 0\r\n\r\n"
    );
    let (port, hits) = listener(Some(redirect)).await;
    store_provider(&app, "redirector", &format!("http://127.0.0.1:{port}/v1")).await;
    let secret = "postgres version 15.19 on x86_64";
    let leak = format!("HTTP/1.1 500 Internal Server Error\r\nContent-Length: {}\r\n\r\n{secret}", secret.len());
    let (leaky, _) = listener(Some(leak)).await;
    store_provider(&app, "leaky", &format!("http://127.0.0.1:{leaky}/v1")).await;

    let sent = app.call(Some(&owner), "start_chat", &[("text", "hi"), ("model", "redirector/m")]).await;
    let reply = finish_reply(&app, &owner, &sent.json()).await;
    assert_eq!(reply["status"], "failed");
    assert!(reply["error"].as_str().unwrap().contains("307"), "{}", reply["error"]);
    assert!(hits.load(std::sync::atomic::Ordering::SeqCst) >= 1);
    assert_eq!(target_hits.load(std::sync::atomic::Ordering::SeqCst), 0, "the redirect was not followed");

    let sent = app.call(Some(&owner), "start_chat", &[("text", "hi"), ("model", "leaky/m")]).await;
    let reply = finish_reply(&app, &owner, &sent.json()).await;
    assert_eq!(reply["status"], "failed");
    let error = reply["error"].as_str().unwrap();
    assert!(error.contains("500") && !error.contains(secret), "the upstream's body is not shown: {error}");
}

/// A provider that never stops (or ignores `max_tokens`), streaming without end: the reply stops
/// at our own limit, keeps what fits, says it was cut, and is stored whole as it was streamed.
/// A NUL in its text (Postgres cannot store one) does not break the writes.
#[sqlx::test]
async fn a_provider_that_never_stops_is_cut_at_the_reply_limit(pool: PgPool) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = spawn_with_outbound_allow(pool, "127.0.0.1").await;
    let owner = app.login(OWNER).await;
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    let written = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = written.clone();
    // Every request (the reply's, and the title's after it) gets an endless stream.
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = l.accept().await {
            let counted = counted.clone();
            tokio::spawn(async move {
                let mut buf = [0u8; 8192];
                let _ = sock.read(&mut buf).await;
                let head = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\n";
                if sock.write_all(head.as_bytes()).await.is_err() {
                    return;
                }
                // At most 10 MB, so a client that does not stop cannot hang the test.
                for i in 0..100_000u32 {
                    let word = if i == 3 { "nul\\u0000 " } else { "word " };
                    let chunk =
                        format!("data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{word}\"}}}}]}}\n\n");
                    if sock.write_all(chunk.as_bytes()).await.is_err() {
                        return;
                    }
                    counted.fetch_add(chunk.len(), std::sync::atomic::Ordering::SeqCst);
                }
            });
        }
    });
    store_provider(&app, "endless", &format!("http://127.0.0.1:{port}/v1")).await;
    let sent = app.call(Some(&owner), "start_chat", &[("text", "hi"), ("model", "endless/m")]).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let reply = finish_reply(&app, &owner, &sent.json()).await;
    assert_eq!(reply["status"], "failed", "{reply}");
    assert!(reply["error"].as_str().unwrap().contains("length limit"), "{}", reply["error"]);
    // Hosted models are asked for 2,048 tokens: at most 16 bytes each.
    let limit = 2048 * concierge::chat::BYTES_PER_TOKEN_LIMIT;
    let content = reply["content"].as_str().unwrap();
    assert!(content.len() <= limit && content.len() > limit - 10, "{}", content.len());
    assert!(content.starts_with("word word word nul\u{fffd} word"), "{}", &content[..40]);
    let stored: String = sqlx::query_scalar("select content from chat_items where id = $1")
        .bind(reply["id"].as_i64().unwrap())
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(stored, content);
    assert!(written.load(std::sync::atomic::Ordering::SeqCst) < 9_000_000, "the stream was dropped");
}

/// The database goes away while a reply is being written and comes back after it ended: the
/// reply's end is written once it can be, and the thread takes messages again, without a restart.
#[sqlx::test]
async fn a_reply_that_ends_during_a_database_outage_is_saved_when_it_returns(pool: PgPool) {
    let app = spawn_with_delay(pool, Duration::from_millis(40)).await;
    let emma = app.login(EMMA).await;
    let sent = start(&app, &emma, "What should we serve at the tasting?").await;
    let thread = sent["thread_id"].as_i64().unwrap();
    let reply = sent["reply"]["id"].as_i64().unwrap();
    tokio::time::sleep(Duration::from_millis(400)).await;
    // The outage, as the engine sees it: every statement on the chat's items fails.
    sqlx::query("alter table chat_items rename to chat_items_away").execute(&app.pool).await.unwrap();
    tokio::time::sleep(Duration::from_secs(6)).await; // the reply ends (about 2 s) and its saves fail
    sqlx::query("alter table chat_items_away rename to chat_items").execute(&app.pool).await.unwrap();

    let mut status = String::new();
    for _ in 0..100 {
        status = sqlx::query_scalar("select status from chat_items where id = $1")
            .bind(reply)
            .fetch_one(&app.pool)
            .await
            .unwrap();
        if status != "streaming" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    assert_eq!(status, "done", "the reply's end was written once the database was back");
    let content: String = sqlx::query_scalar("select content from chat_items where id = $1")
        .bind(reply)
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert!(content.contains("tasting"), "{content}");
    let r = app
        .call(Some(&emma), "send_chat_message", &[("thread_id", &thread.to_string()), ("text", "And the wine?")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "the thread takes messages again: {}", r.body);
}
