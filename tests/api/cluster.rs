//! Several instances on one database (`cluster`): a reply written on one streams whole to a
//! watcher on another, Stop reaches the writer from any instance, a dead writer's replies (and
//! only those) end interrupted within seconds, and a session ended on one is refused on all.

use super::chat::{events, finish_reply, open, replay, start};
use super::*;
use std::time::{Duration, Instant};

/// The stored status and text of an item.
async fn stored(pool: &PgPool, id: i64) -> (String, String) {
    sqlx::query_as("select status, content from chat_items where id = $1").bind(id).fetch_one(pool).await.unwrap()
}

/// The end of a test: each instance stops (no more beats or signals; again for one already
/// halted) and its pool closes.
async fn shut(instances: &[(&TestApp, &concierge::cluster::Cluster)]) {
    for (app, cluster) in instances {
        cluster.halt();
        app.pool.close().await;
    }
}

/// Sends a long reply through `a` and follows it through `b` to its end: the watcher saw it live
/// and whole, every character shown being the stored text, in order. Returns what was sent and
/// the stored text.
async fn follow_elsewhere(a: &TestApp, b: &TestApp, pool: &PgPool, session: &str) -> (serde_json::Value, String) {
    let sent = start(a, session, "Give me a long reply please").await;
    let thread = sent["thread_id"].as_i64().unwrap();
    let reply_id = sent["reply"]["id"].as_i64().unwrap();
    let (status, evs) = events(b, session, thread, reply_id - 1).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(evs.last().map(|e| e.0.as_str()), Some("done"), "{evs:?}");
    let deltas = evs.iter().filter(|e| e.0 == "thread.item.delta").count();
    assert!(deltas > 10, "the watcher followed the reply live ({deltas} deltas)");
    let shown = replay(&evs).remove(&reply_id).expect("the reply is in the stream");
    let (status, text) = stored(pool, reply_id).await;
    assert_eq!(
        (status.as_str(), shown["content"].as_str().unwrap()),
        ("done", text.as_str()),
        "every character shown is the stored text, in order"
    );
    (sent, text)
}

/// Ends `session` through `a` (after `b` has resolved and cached it), then asks `b` with it until
/// it is refused, 3 s at most (its cache would keep it 5 s): how `b` last answered, and when.
async fn end_on_a_ask_b(a: &TestApp, b: &TestApp, session: &str) -> (StatusCode, Duration) {
    assert_eq!(b.call(Some(session), "my_usage", &[]).await.status, StatusCode::OK);
    assert_eq!(a.call(Some(session), "logout", &[]).await.status, StatusCode::OK);
    let ended = Instant::now();
    loop {
        let status = b.call(Some(session), "my_usage", &[]).await.status;
        if status != StatusCode::OK || ended.elapsed() > Duration::from_secs(3) {
            return (status, ended.elapsed());
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// `a`'s reply `sent`, followed through `b`, when `a` dies 0.8 s in (`ca.halt()`: no more beats,
/// no more signals): the watcher's stream ends with the reply interrupted, and what it was shown
/// is stored. Returns how long after the death the stream ended.
async fn writer_dies_while_followed(
    ca: &concierge::cluster::Cluster,
    b: &TestApp,
    pool: &PgPool,
    session: &str,
    sent: &serde_json::Value,
) -> Duration {
    let thread = sent["thread_id"].as_i64().unwrap();
    let reply = sent["reply"]["id"].as_i64().unwrap();
    let watcher = {
        let b = TestApp {
            router: b.router.clone(),
            pool: b.pool.clone(),
            knowledge: b.knowledge.clone(),
            jobs: b.jobs.clone(),
        };
        let session = session.to_string();
        tokio::spawn(async move { events(&b, &session, thread, reply - 1).await })
    };
    tokio::time::sleep(Duration::from_millis(800)).await;
    ca.halt();
    let died = Instant::now();
    let (_, evs) = tokio::time::timeout(Duration::from_secs(20), watcher).await.expect("the watcher ends").unwrap();
    let after = died.elapsed();
    assert_eq!(evs.last().map(|e| e.0.as_str()), Some("done"), "{evs:?}");
    let shown = replay(&evs).remove(&reply).expect("the reply is in the stream");
    assert_eq!(shown["status"], "interrupted");
    let (status, text) = stored(pool, reply).await;
    assert_eq!(status, "interrupted");
    assert!(text.starts_with(shown["content"].as_str().unwrap()), "what the watcher was shown is stored");
    after
}

#[sqlx::test]
async fn a_reply_written_on_one_instance_streams_whole_to_a_watcher_on_another(pool: PgPool) {
    let (a, ca) = spawn_instance(&pool, "a", Duration::from_millis(4)).await;
    let (b, cb) = spawn_instance(&pool, "b", Duration::from_millis(4)).await;
    let emma = a.login(EMMA).await;
    // Sent through one instance, followed through the other (a load balancer's round robin).
    let (sent, text) = follow_elsewhere(&a, &b, &pool, &emma).await;
    assert!(text.matches("word").count() > 100, "a long reply: {text}");
    // The writer's own watcher sees the same.
    assert_eq!(finish_reply(&a, &emma, &sent).await["content"].as_str().unwrap(), text);
    shut(&[(&a, &ca), (&b, &cb)]).await;
}

#[sqlx::test]
async fn stop_on_another_instance_reaches_the_writer(pool: PgPool) {
    let (a, ca) = spawn_instance(&pool, "a", Duration::from_millis(15)).await;
    let (b, cb) = spawn_instance(&pool, "b", Duration::from_millis(15)).await;
    let sam = a.login(STAFF).await;
    let sent = start(&a, &sam, "Give me a long reply please").await;
    let thread = sent["thread_id"].as_i64().unwrap().to_string();
    tokio::time::sleep(Duration::from_millis(400)).await;
    // Stop through the instance that does not write it, with no watcher there.
    let r = b.call(Some(&sam), "stop_reply", &[("thread_id", &thread)]).await;
    assert_eq!(r.json(), serde_json::Value::Bool(true), "{}", r.body);
    let reply_id = sent["reply"]["id"].as_i64().unwrap();
    let (_, evs) = events(&b, &sam, sent["thread_id"].as_i64().unwrap(), reply_id - 1).await;
    let shown = replay(&evs).remove(&reply_id).expect("the reply is in the stream");
    let names: Vec<String> = evs.iter().map(|e| format!("{} {}", e.0, e.1["item"]["status"])).collect();
    assert_eq!(shown["status"], "stopped", "{names:?}");
    let (status, text) = stored(&pool, sent["reply"]["id"].as_i64().unwrap()).await;
    assert_eq!((status.as_str(), shown["content"].as_str().unwrap()), ("stopped", text.as_str()));
    assert!(text.matches("word").count() < 400, "stopped before the end");
    // Stop where nothing is being written anywhere: false.
    let r = b.call(Some(&sam), "stop_reply", &[("thread_id", &thread)]).await;
    assert_eq!(r.json(), serde_json::Value::Bool(false));
    shut(&[(&a, &ca), (&b, &cb)]).await;
}

#[sqlx::test]
async fn a_dead_writers_replies_end_interrupted_and_nobody_elses(pool: PgPool) {
    // Slow replies: about 20 s each, far longer than the test.
    let (a, ca) = spawn_instance(&pool, "a", Duration::from_millis(50)).await;
    let (b, cb) = spawn_instance(&pool, "b", Duration::from_millis(50)).await;
    let emma = a.login(EMMA).await;
    let sam = b.login(STAFF).await;
    let on_a = start(&a, &emma, "Give me a long reply please").await;
    let on_b = start(&b, &sam, "Give me a long reply please").await;
    // Emma follows her reply through b when a dies.
    let thread_a = on_a["thread_id"].as_i64().unwrap();
    let after = writer_dies_while_followed(&ca, &b, &pool, &emma, &on_a).await;
    println!("a dead writer's reply ended for its watcher {} ms after the death", after.as_millis());
    // It can be retried (through b).
    let retry = b.call(Some(&emma), "regenerate_reply", &[("thread_id", &thread_a.to_string())]).await;
    assert_eq!(retry.status, StatusCode::OK, "{}", retry.body);
    // b's own reply goes on.
    let o = open(&b, &sam, on_b["thread_id"].as_i64().unwrap()).await;
    assert_eq!(o["live"], true);
    let (status, _) = stored(&pool, on_b["reply"]["id"].as_i64().unwrap()).await;
    assert_eq!(status, "streaming", "the living instance's reply is left alone");
    shut(&[(&a, &ca), (&b, &cb)]).await;
}

#[sqlx::test]
async fn a_session_ended_on_one_instance_is_refused_on_the_others(pool: PgPool) {
    let (a, ca) = spawn_instance(&pool, "a", Duration::ZERO).await;
    let (b, cb) = spawn_instance(&pool, "b", Duration::ZERO).await;
    let emma = a.login(EMMA).await;
    let (refused, after) = end_on_a_ask_b(&a, &b, &emma).await;
    println!("a session ended on a was refused on b after {} ms", after.as_millis());
    assert!(refused.is_client_error(), "{refused}");
    shut(&[(&a, &ca), (&b, &cb)]).await;
}

#[sqlx::test]
async fn sends_racing_on_two_instances_start_one_reply(pool: PgPool) {
    let (a, ca) = spawn_instance(&pool, "a", Duration::from_millis(20)).await;
    let (b, cb) = spawn_instance(&pool, "b", Duration::from_millis(20)).await;
    let emma = a.login(EMMA).await;
    let sent = start(&a, &emma, "hello").await;
    let thread = sent["thread_id"].as_i64().unwrap();
    finish_reply(&a, &emma, &sent).await;
    let t = thread.to_string();
    // Ten sends at once to the idle thread, half through each instance.
    let (a, b) = (std::sync::Arc::new(a), std::sync::Arc::new(b));
    let sends: Vec<_> = (0..10)
        .map(|i| {
            let app = if i % 2 == 0 { a.clone() } else { b.clone() };
            let (emma, t) = (emma.clone(), t.clone());
            tokio::spawn(async move {
                app.call(Some(&emma), "send_chat_message", &[("thread_id", &t), ("text", &format!("message {i}"))])
                    .await
                    .status
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for s in sends {
        statuses.push(s.await.unwrap());
    }
    let ok = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    assert_eq!(ok, 1, "{statuses:?}");
    assert!(statuses.iter().all(|s| *s == StatusCode::OK || *s == StatusCode::CONFLICT), "{statuses:?}");
    let streaming: i64 = sqlx::query_scalar("select count(*) from chat_items where thread_id = $1 and kind = 'user'")
        .bind(thread)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(streaming, 2, "the first message and the one accepted");
    shut(&[(&a, &ca), (&b, &cb)]).await;
}

/// Where the NATS tests meet: `CONCIERGE_TEST_NATS_URL`, else the machine's own server (these
/// machines run one on the standard port), on a subject of the test's own.
fn test_nats() -> concierge::cluster::NatsLink {
    concierge::cluster::NatsLink {
        url: std::env::var("CONCIERGE_TEST_NATS_URL").unwrap_or_else(|_| "nats://127.0.0.1:4222".into()),
        subject: Some(format!("concierge.test.{}", concierge::cluster::Cluster::new_id().unsigned_abs())),
    }
}

#[sqlx::test]
async fn over_nats_a_reply_streams_whole_across_instances_stop_and_sessions_reach_all(pool: PgPool) {
    let link = test_nats();
    // An outside listener on the subject: the signals do travel through NATS.
    let spy = async_nats::connect(&link.url).await.expect("the machine's NATS server answers");
    let mut heard = spy.subscribe(link.subject.clone().unwrap()).await.unwrap();
    spy.flush().await.unwrap();
    let (a, ca) = spawn_instance_via(&pool, "a", Duration::from_millis(4), Some(&link)).await;
    let (b, cb) = spawn_instance_via(&pool, "b", Duration::from_millis(4), Some(&link)).await;
    let emma = a.login(EMMA).await;
    follow_elsewhere(&a, &b, &pool, &emma).await;
    let first = tokio::time::timeout(Duration::from_secs(2), futures_util::StreamExt::next(&mut heard))
        .await
        .expect("a signal on the subject")
        .expect("the spy's subscription is open");
    let envelope: serde_json::Value = serde_json::from_slice(&first.payload).unwrap();
    assert_eq!(envelope["f"], ca.id, "the writer's signals, numbered: {envelope}");

    // Stop through b reaches a's next reply.
    let sam = a.login(STAFF).await;
    let long = start(&a, &sam, "Give me a long reply please").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let t = long["thread_id"].as_i64().unwrap().to_string();
    let r = b.call(Some(&sam), "stop_reply", &[("thread_id", &t)]).await;
    assert_eq!(r.json(), serde_json::Value::Bool(true), "{}", r.body);
    let (_, evs) =
        events(&b, &sam, long["thread_id"].as_i64().unwrap(), long["reply"]["id"].as_i64().unwrap() - 1).await;
    let shown = replay(&evs).remove(&long["reply"]["id"].as_i64().unwrap()).expect("the reply is in the stream");
    assert_eq!(shown["status"], "stopped");

    // A session ended on a is refused on b within the bound.
    let (refused, after) = end_on_a_ask_b(&a, &b, &emma).await;
    println!("over NATS, a session ended on a was refused on b after {} ms", after.as_millis());
    assert!(refused.is_client_error(), "{refused}");
    shut(&[(&a, &ca), (&b, &cb)]).await;
}

#[sqlx::test]
async fn over_nats_a_dead_writers_reply_ends_interrupted_for_its_watcher(pool: PgPool) {
    let link = test_nats();
    let spy = async_nats::connect(&link.url).await.expect("the machine's NATS server answers");
    let mut heard = spy.subscribe(link.subject.clone().unwrap()).await.unwrap();
    spy.flush().await.unwrap();
    let (a, ca) = spawn_instance_via(&pool, "a", Duration::from_millis(50), Some(&link)).await;
    let (b, cb) = spawn_instance_via(&pool, "b", Duration::from_millis(50), Some(&link)).await;
    let emma = a.login(EMMA).await;
    let on_a = start(&a, &emma, "Give me a long reply please").await;
    let thread_a = on_a["thread_id"].as_i64().unwrap();
    let after = writer_dies_while_followed(&ca, &b, &pool, &emma, &on_a).await;
    println!("over NATS, a dead writer's reply ended for its watcher {} ms after the death", after.as_millis());
    // The end came through NATS, from the instance that noticed the death (not from b's own
    // watchdog reading the store).
    let mut told = false;
    while let Ok(Some(m)) =
        tokio::time::timeout(Duration::from_millis(500), futures_util::StreamExt::next(&mut heard)).await
    {
        let env: serde_json::Value = serde_json::from_slice(&m.payload).unwrap();
        if env["f"] == cb.id && env["s"]["thread"] == thread_a && env["s"]["event"]["e"] == "end" {
            told = true;
            break;
        }
    }
    assert!(told, "b announced the end of a's reply over NATS");
    shut(&[(&a, &ca), (&b, &cb)]).await;
}

#[sqlx::test]
async fn a_writer_given_up_for_dead_stops_and_leaves_the_interrupted_reply_alone(pool: PgPool) {
    let (a, ca) = spawn_instance(&pool, "a", Duration::from_millis(20)).await;
    let emma = a.login(EMMA).await;
    let sent = start(&a, &emma, "Give me a long reply please").await;
    let reply_id = sent["reply"]["id"].as_i64().unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    // What another instance's sweep does to an instance whose beats stopped reaching the
    // database (a long pause, a partition) while the process itself lives on.
    let marked = sqlx::query(
        "update chat_items set status = 'interrupted', error = 'The server writing this reply stopped. Retry it.'
          where id = $1 and status = 'streaming'",
    )
    .bind(reply_id)
    .execute(&pool)
    .await
    .unwrap()
    .rows_affected();
    assert_eq!(marked, 1, "the reply was still being written");
    let (_, at_marking) = stored(&pool, reply_id).await;
    // The writer notices at its next write and stops; its end never overwrites the mark.
    let shown = finish_reply(&a, &emma, &sent).await;
    assert_eq!(shown["status"], "interrupted", "{shown}");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (status, text) = stored(&pool, reply_id).await;
    assert_eq!(status, "interrupted");
    assert_eq!(text, at_marking, "nothing was written after the mark");
    assert!(text.matches("word").count() < 400, "stopped well before the end");
    // The thread takes a retry at once.
    let thread = sent["thread_id"].as_i64().unwrap().to_string();
    let retry = a.call(Some(&emma), "regenerate_reply", &[("thread_id", &thread)]).await;
    assert_eq!(retry.status, StatusCode::OK, "{}", retry.body);
    shut(&[(&a, &ca)]).await;
}

#[sqlx::test]
async fn between_two_items_of_a_turn_the_thread_is_still_being_written(pool: PgPool) {
    use concierge::domain::chat::{ItemKind, ItemStatus};
    use concierge::store::chat::{self as chat_store, Finish, NewItem};
    use concierge::store::instances::live_reply;
    let (a, ca) = spawn_instance(&pool, "a", Duration::ZERO).await;
    let (b, cb) = spawn_instance(&pool, "b", Duration::ZERO).await;
    let emma = a.login(EMMA).await;
    let sent = start(&a, &emma, "hello").await;
    finish_reply(&a, &emma, &sent).await;
    let thread = sent["thread_id"].as_i64().unwrap();
    let busy = |pool: PgPool| async move {
        sqlx::query_scalar::<_, bool>("select concierge_thread_busy($1, $2, $3)")
            .bind(thread)
            .bind(concierge::store::instances::DEAD_AFTER_SECS as f64)
            .bind(concierge::store::instances::TURN_MARK_SECS as f64)
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    // A turn written by a, step by step as the turn loop writes it: a reply that asks for a tool…
    let tip = sent["reply"]["id"].as_i64().unwrap();
    let new = |parent, kind, status| NewItem {
        thread_id: thread,
        parent_id: parent,
        kind,
        status,
        content: "",
        data: None,
        model: None,
    };
    // (The turn's first reply is stored by the send; here by hand, written by a.)
    let first: i64 = sqlx::query_scalar(
        "insert into chat_items (thread_id, parent_id, kind, status) values ($1, $2, 'assistant', 'streaming') returning id",
    )
    .bind(thread)
    .bind(tip)
    .fetch_one(&a.pool)
    .await
    .unwrap();
    let reply = concierge::store::instances::item(&a.pool, first).await.unwrap();
    // Nobody but the turn's writer adds to it.
    let err = chat_store::add_item(&b.pool, &new(reply.id, ItemKind::ToolCall, ItemStatus::Running)).await.unwrap_err();
    assert!(matches!(err, concierge::store::StoreError::Conflict(_)), "{err:?}");
    let end = |item_id, more| Finish {
        item_id,
        status: ItemStatus::Done,
        content: "Let me look.",
        error: None,
        prompt_tokens: None,
        completion_tokens: None,
        data: None,
        more,
    };
    chat_store::finish(&a.pool, &end(reply.id, true)).await.unwrap();
    // (Writing the same end again, a retry whose answer was lost, is accepted.)
    chat_store::finish(&a.pool, &end(reply.id, true)).await.unwrap();
    // …and, before its tool call is stored, another instance sees the turn going on, written by a.
    let between = live_reply(&b.pool, thread).await.unwrap().expect("the turn is still being written");
    assert_eq!((between.0.id, between.1, between.2), (reply.id, Some(ca.id), true));
    assert!(busy(pool.clone()).await, "a send is refused meanwhile");
    let t = thread.to_string();
    let r = b.call(Some(&emma), "send_chat_message", &[("thread_id", &t), ("text", "and?")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    // The tool call starts (the mark goes: the item itself is live), ends with more to come…
    let call = chat_store::add_item(&a.pool, &new(reply.id, ItemKind::ToolCall, ItemStatus::Running)).await.unwrap();
    let running = live_reply(&b.pool, thread).await.unwrap().expect("the tool call runs");
    assert_eq!(running.0.id, call.id);
    chat_store::update_tool_item(&a.pool, call.id, ItemStatus::Done, "3 guests", None, &serde_json::json!({}), true)
        .await
        .unwrap();
    assert_eq!(live_reply(&b.pool, thread).await.unwrap().map(|l| l.0.id), Some(call.id), "between again");
    // …the next reply starts and ends the turn: nothing is being written any more.
    let last = chat_store::add_item(&a.pool, &new(call.id, ItemKind::Assistant, ItemStatus::Streaming)).await.unwrap();
    chat_store::finish(&a.pool, &end(last.id, false)).await.unwrap();
    assert!(live_reply(&b.pool, thread).await.unwrap().is_none());
    assert!(!busy(pool.clone()).await);
    // A turn that ends on its tool calls (an approval waits) clears its mark too.
    sqlx::query("update chat_items set status = 'running' where id = $1").bind(call.id).execute(&pool).await.unwrap();
    chat_store::update_tool_item(&a.pool, call.id, ItemStatus::Done, "3 guests", None, &serde_json::json!({}), true)
        .await
        .unwrap();
    assert!(busy(pool.clone()).await);
    // Only the instance that set a mark clears it.
    concierge::store::instances::end_turn(&b.pool, thread).await.unwrap();
    assert!(busy(pool.clone()).await);
    concierge::store::instances::end_turn(&a.pool, thread).await.unwrap();
    assert!(!busy(pool.clone()).await);
    // A tool call that is no longer running (another instance marked it) is not written.
    chat_store::update_tool_item(&a.pool, call.id, ItemStatus::Done, "3 guests", None, &serde_json::json!({}), true)
        .await
        .unwrap_err();
    assert!(!busy(pool.clone()).await, "nor is the thread marked");
    // A mark left behind (a fault) holds the thread a few seconds at most.
    sqlx::query("update chat_items set status = 'running' where id = $1").bind(call.id).execute(&pool).await.unwrap();
    chat_store::update_tool_item(&a.pool, call.id, ItemStatus::Done, "3 guests", None, &serde_json::json!({}), true)
        .await
        .unwrap();
    assert!(busy(pool.clone()).await);
    sqlx::query("update chat_threads set turn_marked_at = now() - interval '11 seconds' where id = $1")
        .bind(thread)
        .execute(&pool)
        .await
        .unwrap();
    assert!(!busy(pool.clone()).await, "an old mark no longer counts");
    assert!(live_reply(&b.pool, thread).await.unwrap().is_none());
    // A reply another instance ended is never overwritten by its writer's end.
    let other = chat_store::add_item(&a.pool, &new(last.id, ItemKind::Assistant, ItemStatus::Streaming)).await.unwrap();
    sqlx::query("update chat_items set status = 'interrupted' where id = $1")
        .bind(other.id)
        .execute(&pool)
        .await
        .unwrap();
    let refused = chat_store::finish(&a.pool, &end(other.id, false)).await.unwrap_err();
    assert!(matches!(refused, concierge::store::StoreError::Conflict(_)), "{refused:?}");
    sqlx::query("update chat_items set status = 'streaming' where id = $1")
        .bind(other.id)
        .execute(&pool)
        .await
        .unwrap();
    // A writer that dies between two items: its mark goes with it, and the thread takes sends.
    chat_store::finish(&a.pool, &end(other.id, false)).await.unwrap();
    sqlx::query("update chat_items set status = 'running' where id = $1").bind(call.id).execute(&pool).await.unwrap();
    chat_store::update_tool_item(&a.pool, call.id, ItemStatus::Done, "3 guests", None, &serde_json::json!({}), true)
        .await
        .unwrap();
    ca.halt();
    let died = Instant::now();
    let before_death = live_reply(&b.pool, thread).await.unwrap().map(|l| l.0);
    let marked = || async {
        sqlx::query_scalar::<_, Option<i64>>("select turn_writer from chat_threads where id = $1")
            .bind(thread)
            .fetch_one(&pool)
            .await
            .unwrap()
    };
    while marked().await.is_some() {
        assert!(died.elapsed() < Duration::from_secs(15), "the sweep never cleared the dead writer's mark");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(!busy(pool.clone()).await);
    // The writer, alive after all (a long pause), cannot go on with the turn it was given up on.
    let after = before_death.expect("the turn was between two items");
    let err =
        chat_store::add_item(&a.pool, &new(after.id, ItemKind::Assistant, ItemStatus::Streaming)).await.unwrap_err();
    assert!(matches!(err, concierge::store::StoreError::Conflict(_)), "{err:?}");
    let r = b.call(Some(&emma), "send_chat_message", &[("thread_id", &t), ("text", "and?")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    shut(&[(&a, &ca), (&b, &cb)]).await;
}
