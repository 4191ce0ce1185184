//! `make eval`, whole turns: everyday requests (`eval/turns.json`) sent to the agents of the demo
//! venue on a real server, as people send them, each in a new chat, on the default model (the
//! embedded one unless `EVAL_MODEL` names another). Where `examples/eval.rs` measures the tool
//! decision on a made-up context, this measures the product: the agent's real context from the
//! store, the engine's routing, grounding and resolution against the records, the tool run as
//! the person, and the answer.
//!
//! Scored per case, from what the store holds when the turn has ended:
//! - the tool called (or none: the call of the expected tool when the turn made several, else its
//!   first), and its arguments as in `examples/eval.rs` (every expected
//!   argument present: text contained case-insensitively, numbers by value);
//! - whether the call went through: it ran, or waits for the person's approval, rather than
//!   failing;
//! - whether the answer's numbers and dates are found in the tool results or the person's words
//!   (`agent::answer::ungrounded`, the check the chat makes under a hosted model's answer);
//! - time from sending to the first words of the answer (or the approval card, for an action),
//!   and to the end of the turn.
//!
//! Split as the other evals (FNV-1a of the id, 40% held out). `EVAL_SPLIT=dev` runs one split,
//! `EVAL_IDS=a,b` some cases, `EVAL_VERBOSE=1` prints each turn. Needs `DATABASE_URL` (its server
//! gets a scratch database `concierge_turn_eval`, made again at each run). Writes
//! `target/eval-turns.json`.

#[path = "../benches/common/mod.rs"]
mod common;
mod evalkit;

use evalkit::{matches, percentile, split};

use concierge::knowledge::{Knowledge, KnowledgeConfig};
use concierge::llm::catalog::LlmConfig;
use concierge::state::{config::Config, AppState};
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Deserialize)]
struct Case {
    id: String,
    who: String,
    agent: String,
    event: Option<String>,
    request: String,
    expected_tool: String,
    #[serde(default)]
    expected_args: serde_json::Map<String, Value>,
}

/// What one turn did.
struct Turn {
    tool: String,
    arguments: Value,
    /// The call's item status: "done", "awaiting_approval", "failed", …
    call_status: String,
    answer: String,
    results: Vec<String>,
    first_ms: Option<u128>,
    turn_ms: u128,
    error: Option<String>,
}

async fn run_turn(
    client: &reqwest::Client,
    base: &str,
    pool: &sqlx::PgPool,
    cookie: &str,
    case: &Case,
    event_id: Option<i64>,
    model: Option<&str>,
) -> Turn {
    let started = Instant::now();
    let mut form: Vec<(&str, String)> = vec![("agent", case.agent.clone()), ("text", case.request.clone())];
    if let Some(e) = event_id {
        form.push(("event_id", e.to_string()));
    }
    if let Some(m) = model {
        form.push(("model", m.to_string()));
    }
    let res = client
        .post(format!("{base}/api/start_agent_chat"))
        .header("cookie", cookie)
        .header("accept", "application/json")
        .form(&form)
        .send()
        .await
        .expect("start_agent_chat");
    let status = res.status();
    let sent: Value = res.json().await.unwrap_or(Value::Null);
    let (Some(thread), Some(user)) = (sent["thread_id"].as_i64(), sent["user_item"]["id"].as_i64()) else {
        return Turn {
            tool: "none".into(),
            arguments: Value::Null,
            call_status: String::new(),
            answer: String::new(),
            results: Vec::new(),
            first_ms: None,
            turn_ms: started.elapsed().as_millis(),
            error: Some(format!("start_agent_chat {status}: {sent}")),
        };
    };
    let res = client
        .get(format!("{base}/api/chat/{thread}/events?after={user}"))
        .header("cookie", cookie)
        .send()
        .await
        .expect("events");
    let mut body = res.bytes_stream();
    let mut parser = concierge::llm::sse::SseParser::new();
    let mut first: Option<u128> = None;
    let deadline = tokio::time::sleep(Duration::from_secs(240));
    tokio::pin!(deadline);
    'read: loop {
        tokio::select! {
            _ = &mut deadline => break 'read,
            chunk = body.next() => {
                let Some(Ok(chunk)) = chunk else { break 'read };
                for ev in parser.push(&chunk) {
                    let v: Value = serde_json::from_str(&ev.data).unwrap_or(Value::Null);
                    let item = &v["item"];
                    // The first words of an answer, or an approval card: what the person sees first.
                    let shown = match ev.event.as_str() {
                        "thread.item.delta" => v["delta"].as_str().is_some_and(|d| !d.trim().is_empty()),
                        "thread.item.added" | "thread.item.updated" | "thread.item.done" => {
                            (item["kind"] == "assistant" && item["content"].as_str().is_some_and(|c| !c.trim().is_empty()))
                                || item["status"] == "awaiting_approval"
                        }
                        _ => false,
                    };
                    if shown {
                        first.get_or_insert(started.elapsed().as_millis());
                    }
                    if ev.event == "done" {
                        break 'read;
                    }
                }
            }
        }
    }
    let turn_ms = started.elapsed().as_millis();
    let items: Vec<(String, String, String, Option<Value>)> = sqlx::query_as(
        "select kind, status, content, data from chat_items where thread_id = $1 and id > $2 order by id",
    )
    .bind(thread)
    .bind(user)
    .fetch_all(pool)
    .await
    .expect("items");
    // The call of the expected tool when the turn made it (a booking may look up the slots
    // first), else the first call.
    let calls: Vec<_> = items.iter().filter(|i| i.0 == "tool_call").collect();
    let call = calls
        .iter()
        .rev()
        .find(|i| i.3.as_ref().is_some_and(|d| d["tool"] == case.expected_tool.as_str()))
        .or(calls.first())
        .copied();
    let data = call.and_then(|c| c.3.clone()).unwrap_or(Value::Null);
    Turn {
        tool: data["tool"].as_str().unwrap_or("none").to_string(),
        arguments: data["arguments"].clone(),
        call_status: call.map(|c| c.1.clone()).unwrap_or_default(),
        answer: items.iter().rev().find(|i| i.0 == "assistant").map(|i| i.2.clone()).unwrap_or_default(),
        results: items
            .iter()
            .filter_map(|i| i.3.as_ref())
            .filter_map(|d| d.get("result").filter(|r| !r.is_null()))
            .map(Value::to_string)
            .collect(),
        first_ms: first,
        turn_ms,
        error: items.iter().find(|i| i.0 == "error").map(|i| i.2.clone()),
    }
}

#[derive(Default)]
struct Score {
    cases: usize,
    need_tool: usize,
    tool_ok: usize,
    args_ok: usize,
    /// Calls of the right tool that ran or wait for approval (not failed).
    went_through: usize,
    no_tool: usize,
    no_tool_ok: usize,
    /// Answers after a tool result, and of those with every number and date found in a source.
    answered: usize,
    grounded: usize,
    first_ms: Vec<u128>,
    turn_ms: Vec<u128>,
    misses: Vec<String>,
}

#[tokio::main]
async fn main() {
    let cases: Vec<Case> =
        serde_json::from_str(&std::fs::read_to_string("eval/turns.json").expect("eval/turns.json")).expect("cases");
    let only_split = std::env::var("EVAL_SPLIT").ok();
    let only_ids: Option<Vec<String>> =
        std::env::var("EVAL_IDS").ok().map(|v| v.split(',').map(|s| s.trim().to_string()).collect());
    let cases: Vec<Case> = cases
        .into_iter()
        .filter(|c| only_split.as_deref().is_none_or(|s| s == split(&c.id)))
        .filter(|c| only_ids.as_ref().is_none_or(|ids| ids.contains(&c.id)))
        .collect();
    let verbose = std::env::var("EVAL_VERBOSE").is_ok();

    let pool = common::fresh_db("concierge_turn_eval", 10).await;
    let mut kconfig = KnowledgeConfig::from_lookup(|k| std::env::var(k).ok());
    kconfig.objects = concierge::knowledge::objects::ObjectsConfig::Memory;
    let knowledge = Arc::new(Knowledge::new(&kconfig).expect("knowledge"));
    concierge::knowledge::demo::load_if_missing(&pool, &knowledge).await.expect("demo documents");
    let runner = concierge::jobs::Runner::new(knowledge.clone(), Default::default());
    while concierge::jobs::run_due(&pool, &runner, chrono::Utc::now()).await.expect("jobs") > 0 {}
    let llm = concierge::llm::Llm::new(LlmConfig::from_lookup(|k| std::env::var(k).ok()).expect("models"));
    let model = std::env::var("EVAL_MODEL").ok();
    let conf = leptos::config::get_configuration(Some("Leptos.toml")).expect("Leptos.toml");
    let state = AppState::new(conf.leptos_options, pool.clone(), Config::default(), llm, knowledge);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let router = concierge::web::app(state);
    tokio::spawn(async move { axum::serve(listener, router).await.expect("serve") });
    let client = reqwest::Client::new();
    println!(
        "{} whole turns ({} dev, {} heldout) on {base}, model {}",
        cases.len(),
        cases.iter().filter(|c| split(&c.id) == "dev").count(),
        cases.iter().filter(|c| split(&c.id) == "heldout").count(),
        model.as_deref().unwrap_or("(the default)")
    );

    let today = chrono::Utc::now().date_naive();
    let mut cookies: HashMap<String, String> = HashMap::new();
    let mut scores: BTreeMap<&str, Score> = BTreeMap::new();
    let mut report = Vec::new();
    for case in &cases {
        if !cookies.contains_key(&case.who) {
            cookies.insert(case.who.clone(), common::login(&client, &base, &case.who).await);
        }
        let event_id: Option<i64> = match &case.event {
            Some(title) => Some(
                sqlx::query_scalar("select id from events where title = $1")
                    .bind(title)
                    .fetch_one(&pool)
                    .await
                    .unwrap_or_else(|e| panic!("{}: event {title:?}: {e}", case.id)),
            ),
            None => None,
        };
        let turn = run_turn(&client, &base, &pool, &cookies[&case.who], case, event_id, model.as_deref()).await;
        let s = scores.entry(split(&case.id)).or_default();
        s.cases += 1;
        s.turn_ms.push(turn.turn_ms);
        if let Some(f) = turn.first_ms {
            s.first_ms.push(f);
        }
        let mut verdict = Vec::new();
        if case.expected_tool == "none" {
            s.no_tool += 1;
            if turn.tool == "none" {
                s.no_tool_ok += 1;
            } else {
                verdict.push(format!("called {}", turn.tool));
            }
        } else {
            s.need_tool += 1;
            if turn.tool == case.expected_tool {
                s.tool_ok += 1;
                if case.expected_args.iter().all(|(k, v)| matches(v, turn.arguments.get(k))) {
                    s.args_ok += 1;
                } else {
                    verdict.push(format!(
                        "args {} (wanted {})",
                        turn.arguments,
                        Value::Object(case.expected_args.clone())
                    ));
                }
                if turn.call_status != "failed" {
                    s.went_through += 1;
                } else {
                    verdict.push("the call failed".into());
                }
            } else {
                verdict.push(format!("called {} (wanted {})", turn.tool, case.expected_tool));
            }
        }
        if !turn.results.is_empty() && !turn.answer.trim().is_empty() {
            s.answered += 1;
            let mut sources: Vec<&str> = turn.results.iter().map(String::as_str).collect();
            sources.push(&case.request);
            let missing = concierge::agent::answer::ungrounded(&turn.answer, &sources, today);
            if missing.is_empty() {
                s.grounded += 1;
            } else {
                verdict.push(format!("answer states {} not in the results", missing.join(", ")));
            }
        }
        if let Some(e) = &turn.error {
            verdict.push(format!("error: {e}"));
        }
        if !verdict.is_empty() {
            s.misses.push(format!("{} ({:?}): {}", case.id, case.request, verdict.join("; ")));
        }
        if verbose {
            println!(
                "  {} {} → {} {} [{}] first {:?} ms, turn {} ms\n    {}",
                case.id,
                case.request,
                turn.tool,
                turn.arguments,
                turn.call_status,
                turn.first_ms,
                turn.turn_ms,
                turn.answer.chars().take(200).collect::<String>().replace('\n', " ⏎ ")
            );
        }
        report.push(json!({
            "id": case.id, "split": split(&case.id), "request": case.request, "tool": turn.tool,
            "arguments": turn.arguments, "call_status": turn.call_status, "answer": turn.answer,
            "first_ms": turn.first_ms, "turn_ms": turn.turn_ms, "misses": verdict,
        }));
    }
    for (sp, s) in &scores {
        let p = |n: usize, d: usize| 100.0 * n as f64 / d.max(1) as f64;
        println!(
            "  {sp:<8} {:>3} turns  right tool {:>5.1}%  tool+args {:>5.1}%  went through {}/{}  no tool when none needed {}/{}  answers grounded {}/{}  first words p50 {} ms p95 {} ms  turn p50 {} ms p95 {} ms",
            s.cases,
            p(s.tool_ok, s.need_tool),
            p(s.args_ok, s.need_tool),
            s.went_through,
            s.tool_ok,
            s.no_tool_ok,
            s.no_tool,
            s.grounded,
            s.answered,
            percentile(&s.first_ms, 0.5),
            percentile(&s.first_ms, 0.95),
            percentile(&s.turn_ms, 0.5),
            percentile(&s.turn_ms, 0.95),
        );
    }
    if std::env::var("EVAL_QUIET").is_err() {
        for (sp, s) in &scores {
            for m in &s.misses {
                println!("    miss [{sp}] {m}");
            }
        }
    }
    let _ = std::fs::create_dir_all("target");
    let _ = std::fs::write("target/eval-turns.json", serde_json::to_string_pretty(&report).unwrap_or_default());
    drop(pool);
    common::drop_db("concierge_turn_eval").await;
}
