//! Agent benchmarks (`make bench`). Prints a report; nothing here passes or fails.
//!
//! 1. Each tool's execution time on the demo data (p50 and p99 of 40 runs), as the actor its
//!    agent serves (a client for client tools, a staff member for the others), validation
//!    included. Tools that change records run their preview (what an approval card shows) and
//!    then the action itself.
//! 2. The time from a tool's result to the next streamed token, with the scripted instant
//!    provider on a real server: the SSE `thread.item.done` of the tool call to the first
//!    `thread.item.delta` of the reply after it (storing the result, the next reply item, and the
//!    model call in between), p50/p99 over 100 turns.

use concierge::agent::{registry, ToolCx};
use futures_util::StreamExt;
use serde_json::{json, Value};
use std::time::Instant;

mod common;

use common::{ms, pct};

#[tokio::main]
async fn main() {
    let pool = common::fresh_db("concierge_bench_agents", 20).await;

    let member = |email: &'static str| {
        let pool = pool.clone();
        async move {
            let (id, venue): (i64, i64) = sqlx::query_as(
                "select u.id, m.venue_id from users u join memberships m on m.user_id = u.id where u.email = $1",
            )
            .bind(email)
            .fetch_one(&pool)
            .await
            .unwrap();
            concierge::store::users::actor_for_member(&pool, id, venue).await.unwrap().unwrap()
        }
    };
    let emma = member("emma.clark@example.com").await;
    let sam = member("sam@harborhall.example").await;
    let event: i64 = sqlx::query_scalar("select id from events where title = 'Emma & Daniel''s Wedding'")
        .fetch_one(&pool)
        .await
        .unwrap();
    let element: i64 = sqlx::query_scalar("select id from elements where event_id = $1 order by id limit 1")
        .bind(event)
        .fetch_one(&pool)
        .await
        .unwrap();
    let service: i64 =
        sqlx::query_scalar("select id from services order by id limit 1").fetch_one(&pool).await.unwrap();
    let vendor: i64 = sqlx::query_scalar("select vendor_id from event_vendors where event_id = $1 limit 1")
        .bind(event)
        .fetch_one(&pool)
        .await
        .unwrap();

    // fill_form reads text with a model: the instant scripted one, so the time is ours.
    let scripted = concierge::llm::ResolvedModel {
        info: concierge::domain::chat::ModelInfo {
            id: "scripted/instant".into(),
            provider: "scripted".into(),
            label: "Scripted".into(),
            context_window: 1_000_000,
            supports_tools: true,
            supports_images: false,
            local: true,
        },
        provider: std::sync::Arc::new(concierge::llm::scripted::Scripted { delay: std::time::Duration::ZERO }),
        model: "instant".into(),
    };
    println!("== tool execution on the demo data (40 runs each) ==");
    println!("{:<26} {:>10} {:>10}  as", "tool", "p50", "p99");
    for tool in registry() {
        let (actor, args): (&_, Value) = match tool.name {
            "get_event_details" | "view_guest_list" | "view_contract" | "list_available_elements" => (&emma, json!({})),
            "request_element_change" => {
                (&sam, json!({"action": "change_quantity", "element_id": element, "quantity": 100}))
            }
            "add_guest" => (&emma, json!({"name": "Bench Guest", "party_size": 2})),
            "list_events" | "list_my_events" => (&sam, json!({})),
            "event_summary" => (&sam, json!({"event_id": event})),
            "list_vendors" | "list_pending_tasks" | "venue_info" => (&sam, json!({})),
            "search_messages" => (&sam, json!({"query": "menu tasting"})),
            "search_clients" => (&sam, json!({"query": "clark"})),
            "fill_form" => (
                &sam,
                json!({"form": "inquiry", "text": "I'm Maya Patel, 140 guests on June 12, 2030. [[json {\"name\": {\"source\": \"I'm Maya Patel\", \"value\": \"Maya Patel\"}, \"guest_count\": {\"source\": \"140 guests\", \"value\": \"140\"}}]]"}),
            ),
            "update_element_status" => (&sam, json!({"element_id": element, "status": "confirmed"})),
            "send_client_message" => (&sam, json!({"body": "A benchmark message."})),
            "read_messages" => (&emma, json!({})),
            "message_venue" => (&emma, json!({"body": "A benchmark message."})),
            "send_vendor_message" => (&sam, json!({"vendor_id": vendor, "body": "A benchmark message."})),
            "create_task" => (&sam, json!({"title": "Benchmark task", "due_date": "2030-01-01"})),
            "update_event_details" => (&sam, json!({"guest_count": 130})),
            _ => (&sam, json!({})),
        };
        let _ = service;
        let cx = ToolCx {
            pool: &pool,
            actor,
            event_id: Some(event),
            model: Some(&scripted),
            said: None,
            knowledge: None,
            thread_id: None,
            tx: None,
            outside: None,
        };
        let mut times = Vec::new();
        for i in 0..40 {
            let mut args = args.clone();
            if tool.name == "update_event_details" {
                args["guest_count"] = json!(120 + i);
            }
            let t = Instant::now();
            if tool.approval.is_some() {
                tool.preview(&cx, &args).await.unwrap_or_else(|e| panic!("{} preview: {e}", tool.name));
            }
            tool.run(&cx, &args).await.unwrap_or_else(|e| panic!("{}: {e}", tool.name));
            times.push(t.elapsed());
        }
        let who = if std::ptr::eq(actor, &emma) { "client" } else { "staff" };
        let note = if tool.approval.is_some() { ", preview + run" } else { "" };
        println!("{:<26} {:>10} {:>10}  {who}{note}", tool.name, ms(pct(&mut times, 50)), ms(pct(&mut times, 99)));
    }

    println!("\n== tool result → next streamed token (scripted instant provider, real server) ==");
    let base = common::serve(pool.clone()).await;
    let client = reqwest::Client::new();
    let cookie = common::login(&client, &base, "sam@harborhall.example").await;
    let mut gaps = Vec::new();
    for _ in 0..100 {
        let sent: Value = client
            .post(format!("{base}/api/start_agent_chat"))
            .header("cookie", &cookie)
            .header("accept", "application/json")
            .form(&[("agent", "venue_general"), ("text", "[[call list_pending_tasks {}]]")])
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        let thread = sent["thread_id"].as_i64().unwrap();
        let after = sent["user_item"]["id"].as_i64().unwrap();
        let res = client
            .get(format!("{base}/api/chat/{thread}/events?after={after}"))
            .header("cookie", &cookie)
            .send()
            .await
            .unwrap();
        let mut body = res.bytes_stream();
        let mut buf = String::new();
        let mut tool_done: Option<Instant> = None;
        'read: while let Some(chunk) = body.next().await {
            let now = Instant::now();
            buf.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
            while let Some(end) = buf.find("\n\n") {
                let frame: String = buf.drain(..end + 2).collect();
                if frame.contains("event: thread.item.done") && frame.contains(r#""kind":"tool_call""#) {
                    tool_done = Some(now);
                } else if frame.contains("event: thread.item.delta") {
                    if let Some(t) = tool_done {
                        gaps.push(now - t);
                        break 'read;
                    }
                } else if frame.contains("event: done") {
                    break 'read;
                }
            }
        }
    }
    let n = gaps.len();
    println!("turns measured: {n}; p50 {}, p99 {}", ms(pct(&mut gaps, 50)), ms(pct(&mut gaps, 99)));
}
