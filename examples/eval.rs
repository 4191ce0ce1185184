//! `make eval`: tool-calling accuracy of every configured model on `eval/tool_calls.json`.
//!
//! Each case is a realistic request to one agent kind with the context that agent would be
//! given (and, for a follow-up, the exchange before it); the model is offered that kind's tools
//! the way the chat engine offers them: on the small embedded model through the engine's router
//! (`chat::route`: the document search when the venue's documents answer the request, else the
//! tools nearest the request by the local embedding model, or none for small talk and for a
//! change none of the tools makes, `replies::out_of_reach`), then its
//! call's arguments are grounded (`agent::ground`), as in a chat turn. Hosted models get every
//! tool and decide alone (`EVAL_ROUTING=on|off` overrides this for every model).
//!
//! Scored per case: the first tool called (or none), its arguments (every expected argument
//! present and equal: numbers by value, text case-insensitively contained), whether the
//! arguments were valid JSON matching the tool's schema, whether small talk and out-of-scope
//! requests got no tool, and the time to the decision (the call, or the answer's first words).
//! Prints a table per split and a confusion matrix per agent kind; writes
//! `target/eval-tool-calls.json`.
//!
//! `EVAL_ROUTE_ONLY=1` scores the router alone (its first tool stands for the call; no model).
//! `EVAL_ENGINE=off` asks the model even where the engine would call the one routed tool alone.
//!
//! Cases are split once by a fixed hash of their id (FNV-1a, 40% held out, the same split as
//! `examples/knowledge_eval.rs`): tune on `dev` only. `EVAL_SPLIT=dev` runs one split.
//!
//! With `DATABASE_URL` (a scratch database: migrated and loaded with the demo venue and its
//! documents when empty) the document search is routed as in the chat; without it, requests
//! meant for the documents are left to the model. Models come from the environment as for the
//! server (`OPENAI_*`, `ANTHROPIC_*`, `GEMINI_*`, the embedded model); `EVAL_MODELS=a,b` picks some.

mod evalkit;

use concierge::agent::tools::SearchKnowledge;
use concierge::agent::{ground, instructions, schema, tools_for, Tool, ToolEntry};
use concierge::chat::{replies, route};
use concierge::domain::chat::AgentKind;
use concierge::domain::Role;
use concierge::knowledge::{Knowledge, KnowledgeConfig};
use concierge::llm::catalog::LlmConfig;
use concierge::llm::{ChatRequest, Llm, Message, Speaker, StreamEvent, ToolCall, ToolChoice};
use concierge::store::Actor;
use evalkit::{matches, percentile, split};
use serde::Deserialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Deserialize)]
struct Turn {
    role: String,
    content: String,
}

#[derive(Deserialize)]
struct Case {
    id: String,
    agent: AgentKind,
    /// Who asks, when not the agent's usual person (a client for `client`, staff otherwise):
    /// "vendor" for a vendor's assistant.
    #[serde(default)]
    role: Option<String>,
    context: String,
    request: String,
    expected_tool: String,
    expected_args: serde_json::Map<String, Value>,
    #[serde(default = "tool_kind")]
    kind: String,
    #[serde(default)]
    history: Vec<Turn>,
}

fn tool_kind() -> String {
    "tool".into()
}

#[derive(Default)]
struct Score {
    cases: usize,
    /// Cases that need a tool, and of those: right tool, right tool and arguments.
    need_tool: usize,
    tool_ok: usize,
    args_ok: usize,
    called: usize,
    valid: usize,
    /// Small talk and out-of-scope requests, and of those: answered without a tool.
    no_tool: usize,
    no_tool_ok: usize,
    ms: Vec<u128>,
    misses: Vec<String>,
    /// (agent, expected, actual) → count.
    confusion: BTreeMap<(String, String, String), usize>,
}

/// The document search of the demo venue, when a scratch database is given.
struct Documents {
    pool: sqlx::PgPool,
    knowledge: Arc<Knowledge>,
    client: Actor,
    staff: Actor,
    /// The records each of them may choose among by name (`ground::Names`).
    client_names: ground::Names,
    staff_names: ground::Names,
}

async fn documents(knowledge: Arc<Knowledge>) -> Option<Documents> {
    let url = std::env::var("DATABASE_URL").ok()?;
    let pool = sqlx::postgres::PgPoolOptions::new().max_connections(4).connect(&url).await.expect("database");
    concierge::store::migrate(&pool).await.expect("migrations");
    concierge::store::seed_demo_if_empty(&pool).await.expect("demo data");
    concierge::knowledge::demo::load_if_missing(&pool, &knowledge).await.expect("demo documents");
    let runner = concierge::jobs::Runner::new(knowledge.clone(), Default::default());
    while concierge::jobs::run_due(&pool, &runner, chrono::Utc::now()).await.expect("jobs") > 0 {}
    let actor = |email: &'static str| {
        let pool = pool.clone();
        async move {
            let (user, venue): (i64, i64) = sqlx::query_as(
                "select u.id, m.venue_id from users u join memberships m on m.user_id = u.id where u.email = $1",
            )
            .bind(email)
            .fetch_one(&pool)
            .await
            .expect(email);
            concierge::store::users::actor_for_member(&pool, user, venue).await.unwrap().expect(email)
        }
    };
    let client = actor("emma.clark@example.com").await;
    let staff = actor("sam@harborhall.example").await;
    let (client_names, staff_names) =
        (ground::Names::load(&pool, &client).await, ground::Names::load(&pool, &staff).await);
    Some(Documents { pool, knowledge, client, staff, client_names, staff_names })
}

/// The case's "Today is YYYY-MM-DD" (what relative dates are read against).
fn today_of(context: &str) -> chrono::NaiveDate {
    context
        .split("Today is ")
        .nth(1)
        .and_then(|r| r.get(..10))
        .and_then(|d| chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .unwrap_or_else(|| chrono::Utc::now().date_naive())
}

/// How the model was asked, and what it did.
struct Outcome {
    call: Option<ToolCall>,
    text: String,
    ms: u128,
}

async fn run_case(
    model: &concierge::llm::ResolvedModel,
    routing: bool,
    docs: Option<&Documents>,
    knowledge: &Knowledge,
    case: &Case,
    tools: &[&'static ToolEntry],
) -> Outcome {
    let started = Instant::now();
    let previous = case.history.iter().rev().find(|t| t.role == "user").map(|t| t.content.as_str());
    let system = format!(
        "You are Concierge, the assistant of Harbor Hall, an event venue. Answer helpfully and briefly, in Markdown.\n\n{}\n\n{}",
        instructions(case.agent),
        case.context
    );
    // The small model's call, grounded as the chat grounds it.
    let finish = |mut out: Outcome| {
        if let (true, Some(c)) = (routing, out.call.as_mut()) {
            grounded(c, case, docs, tools, &system, previous);
        }
        out
    };
    let mut offered: Vec<&'static ToolEntry> = tools.to_vec();
    let mut choice = ToolChoice::Auto;
    if routing {
        if let Some(d) = docs.filter(|_| !route::acts_on_facts(tools, &case.request, &case.context)) {
            let actor = if case.agent == AgentKind::Client { &d.client } else { &d.staff };
            let scores = route::knowledge_scores(&d.pool, &d.knowledge, actor, None, tools, &case.request).await;
            if scores.is_some_and(|s| s.routes()) {
                let call = ToolCall {
                    id: "route".into(),
                    name: SearchKnowledge::NAME.into(),
                    arguments: json!({"query": case.request}).to_string(),
                };
                return Outcome { call: Some(call), text: String::new(), ms: started.elapsed().as_millis() };
            }
        }
        if let Some(embedder) = &knowledge.embedder {
            if let Some(scores) = route::route_tools(embedder, tools, &case.request, previous, &case.context).await {
                if std::env::var("EVAL_VERBOSE").is_ok() {
                    println!(
                        "    {} {:?} chat {:.3} {:?}",
                        case.id,
                        scores.plan(),
                        scores.chat,
                        scores.ranked.iter().take(3).collect::<Vec<_>>()
                    );
                }
                let (o, c) = scores.plan().offer(tools);
                if o.first().is_some_and(|t| replies::out_of_reach(&case.request, t)) {
                    // The chat says it cannot, without a tool.
                    return Outcome { call: None, text: String::new(), ms: started.elapsed().as_millis() };
                }
                if std::env::var("EVAL_ROUTE_ONLY").is_ok() {
                    // The router alone: its first tool stands for the call (no model, no arguments).
                    let call =
                        o.first().map(|t| ToolCall { id: "route".into(), name: t.name.into(), arguments: "{}".into() });
                    return Outcome { call, text: String::new(), ms: started.elapsed().as_millis() };
                }
                let small = model.info.provider == "embedded";
                if small && std::env::var("EVAL_ENGINE").as_deref() != Ok("off") && o.len() == 1 {
                    // As the chat does: the engine's own call when the one tool routed to needs
                    // nothing the model must write (`ground::engine_arguments`).
                    let heard = ground::Heard { now: &case.request, before: previous };
                    let fallback = ground::Names::default();
                    let names = names_for(case, docs).unwrap_or(&fallback);
                    let facts = facts_of(case, &system);
                    if let Some(args) = ground::engine_arguments(o[0], heard, &facts, when_of(case), names) {
                        let call = ToolCall {
                            id: "route".into(),
                            name: o[0].name.into(),
                            arguments: Value::Object(args).to_string(),
                        };
                        return Outcome { call: Some(call), text: String::new(), ms: started.elapsed().as_millis() };
                    }
                }
                offered = o;
                choice = c;
            }
        }
    }
    let mut messages = vec![Message::new(Speaker::System, system.clone())];
    for t in &case.history {
        let speaker = if t.role == "user" { Speaker::User } else { Speaker::Assistant };
        messages.push(Message::new(speaker, t.content.clone()));
    }
    messages.push(Message::new(Speaker::User, case.request.clone()));
    let request = ChatRequest {
        model: model.model.clone(),
        messages,
        tools: offered.iter().map(|t| t.spec()).collect(),
        tool_choice: choice,
        max_tokens: 300,
        temperature: Some(0.0),
        user_key: "eval".into(),
        cache_key: None,
        response_schema: None,
    };
    let mut rx = model.provider.stream(request);
    let mut call = None;
    let mut text = String::new();
    let mut ms = None;
    let deadline = tokio::time::sleep(Duration::from_secs(120));
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            _ = &mut deadline => break,
            ev = rx.recv() => match ev {
                Some(Ok(StreamEvent::ToolCall(c))) => { call = Some(c); break; }
                Some(Ok(StreamEvent::Text(t))) => {
                    ms.get_or_insert(started.elapsed().as_millis());
                    text.push_str(&t);
                    // The decision is made once words come: a few are enough to judge.
                    if text.len() > 80 { break; }
                }
                Some(Ok(StreamEvent::Finished(_))) | None => break,
                Some(Ok(_)) => {}
                Some(Err(e)) => { text = format!("error: {e}"); break; }
            }
        }
    }
    drop(rx);
    let ms = ms.unwrap_or_else(|| started.elapsed().as_millis());
    finish(Outcome { call, text, ms })
}

/// `c`'s arguments grounded as the chat grounds a small model's call: in the person's words
/// (this message, then the one before it), the facts the model was given, and the names of the
/// demo venue's records.
fn grounded(
    c: &mut ToolCall,
    case: &Case,
    docs: Option<&Documents>,
    tools: &[&'static ToolEntry],
    system: &str,
    previous: Option<&str>,
) {
    let (Some(tool), Ok(Value::Object(mut args))) =
        (tools.iter().find(|t| t.name == c.name), serde_json::from_str::<Value>(&c.arguments))
    else {
        return;
    };
    let (today, tz) = when_of(case);
    let heard = ground::Heard { now: &case.request, before: previous };
    ground::arguments(&tool.schema, &mut args, heard, &facts_of(case, system), today, tz);
    if let Some(names) = names_for(case, docs) {
        ground::resolve_names(&tool.schema, &mut args, &case.request, previous, names);
    }
    c.arguments = Value::Object(args).to_string();
}

/// The facts a case's model was given: the system prompt, then the earlier answers (standing for
/// the earlier tool results the chat would hold).
fn facts_of(case: &Case, system: &str) -> String {
    [system]
        .into_iter()
        .chain(case.history.iter().filter(|t| t.role != "user").map(|t| t.content.as_str()))
        .collect::<Vec<_>>()
        .join("\n")
}

/// A case's day and time zone: the demo venue's (Harbor Hall, America/New_York).
fn when_of(case: &Case) -> (chrono::NaiveDate, chrono_tz::Tz) {
    (today_of(&case.context), chrono_tz::America::New_York)
}

/// The demo venue's names as the case's person sees them, when a database is given.
fn names_for<'d>(case: &Case, docs: Option<&'d Documents>) -> Option<&'d ground::Names> {
    docs.map(|d| if case.agent == AgentKind::Client { &d.client_names } else { &d.staff_names })
}

#[tokio::main]
async fn main() {
    if std::env::var("RUST_LOG").is_ok() {
        // The model's own log (`RUST_LOG=concierge::llm=debug`: each decision, prefill and decode times).
        tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
            .with_writer(std::io::stderr)
            .init();
    }
    let cases: Vec<Case> =
        serde_json::from_str(&std::fs::read_to_string("eval/tool_calls.json").expect("eval/tool_calls.json"))
            .expect("valid cases");
    let only_split = std::env::var("EVAL_SPLIT").ok();
    let only_ids: Option<Vec<String>> =
        std::env::var("EVAL_IDS").ok().map(|v| v.split(',').map(|s| s.trim().to_string()).collect());
    let cases: Vec<Case> = cases
        .into_iter()
        .filter(|c| only_split.as_deref().is_none_or(|s| s == split(&c.id)))
        .filter(|c| only_ids.as_ref().is_none_or(|ids| ids.contains(&c.id)))
        .collect();
    let config = LlmConfig::from_lookup(|k| std::env::var(k).ok()).expect("model configuration");
    let llm = Llm::new(config);
    let catalog = llm.catalog(0, &[]);
    let wanted: Option<Vec<String>> =
        std::env::var("EVAL_MODELS").ok().map(|v| v.split(',').map(|s| s.trim().to_string()).collect());
    let models: Vec<_> = catalog
        .view()
        .models
        .into_iter()
        .filter(|m| m.supports_tools && m.provider != "scripted")
        .filter(|m| wanted.as_ref().is_none_or(|w| w.contains(&m.id)))
        .collect();
    if models.is_empty() {
        eprintln!("no model to evaluate: run `make setup` for the embedded model, or configure a hosted one");
        std::process::exit(1);
    }
    let mut kconfig = KnowledgeConfig::from_lookup(|k| std::env::var(k).ok());
    kconfig.objects = concierge::knowledge::objects::ObjectsConfig::Memory;
    let knowledge = Arc::new(Knowledge::new(&kconfig).expect("knowledge"));
    let docs = documents(knowledge.clone()).await;
    let routing_override = std::env::var("EVAL_ROUTING").ok();
    let mut report = Vec::new();
    let count = |s: &str| cases.iter().filter(|c| split(&c.id) == s).count();
    println!(
        "{} cases ({} dev, {} heldout); documents routed: {}; models: {}",
        cases.len(),
        count("dev"),
        count("heldout"),
        if docs.is_some() { "yes" } else { "no (no DATABASE_URL)" },
        models.iter().map(|m| m.id.as_str()).collect::<Vec<_>>().join(", ")
    );
    for info in &models {
        let model = catalog.resolve(&info.id).expect("resolved");
        let routing = match routing_override.as_deref() {
            Some("on") => true,
            Some("off") => false,
            _ => info.provider == "embedded",
        };
        let mut scores: BTreeMap<&str, Score> = BTreeMap::new();
        for case in &cases {
            let role = match (case.role.as_deref(), case.agent) {
                (Some("vendor"), _) => Role::Vendor,
                (Some("client"), _) | (None, AgentKind::Client) => Role::Client,
                _ => Role::Staff,
            };
            let tools = tools_for(case.agent, role);
            let out = run_case(&model, routing, docs.as_ref(), &knowledge, case, &tools).await;
            let score = scores.entry(split(&case.id)).or_default();
            score.ms.push(out.ms);
            score.cases += 1;
            let actual = out.call.as_ref().map(|c| c.name.clone()).unwrap_or_else(|| "none".into());
            *score
                .confusion
                .entry((format!("{:?}", case.agent), case.expected_tool.clone(), actual.clone()))
                .or_default() += 1;
            if case.expected_tool == "none" {
                score.no_tool += 1;
                if out.call.is_none() {
                    score.no_tool_ok += 1;
                } else {
                    score.misses.push(format!("{} [{}]: called {} for {:?}", case.id, case.kind, actual, case.request));
                }
            } else {
                score.need_tool += 1;
            }
            let Some(call) = out.call else {
                if case.expected_tool != "none" {
                    score.misses.push(format!(
                        "{} [{}]: no call, wanted {} ({})",
                        case.id,
                        case.kind,
                        case.expected_tool,
                        out.text.chars().take(60).collect::<String>()
                    ));
                }
                continue;
            };
            score.called += 1;
            let args: Option<Value> = if call.arguments.trim().is_empty() {
                Some(json!({}))
            } else {
                serde_json::from_str(&call.arguments).ok()
            };
            let tool = tools.iter().find(|t| t.name == call.name);
            if let (Some(t), Some(a)) = (tool, &args) {
                if schema::validate(&t.schema, a).is_ok() {
                    score.valid += 1;
                }
            }
            if case.expected_tool == "none" {
                continue;
            }
            if call.name != case.expected_tool {
                score.misses.push(format!(
                    "{} [{}]: called {} (wanted {}) for {:?}",
                    case.id, case.kind, call.name, case.expected_tool, case.request
                ));
                continue;
            }
            score.tool_ok += 1;
            let ok = args.as_ref().is_some_and(|a| case.expected_args.iter().all(|(k, v)| matches(v, a.get(k))));
            if ok {
                score.args_ok += 1;
            } else {
                score.misses.push(format!(
                    "{} [{}]: {} args {} (wanted {})",
                    case.id,
                    case.kind,
                    call.name,
                    call.arguments.chars().take(160).collect::<String>(),
                    Value::Object(case.expected_args.clone())
                ));
            }
        }
        println!("\n{} (routing {})", info.id, if routing { "on" } else { "off" });
        for (sp, score) in &scores {
            let pct = |n: usize, d: usize| 100.0 * n as f64 / d.max(1) as f64;
            println!(
                "  {sp:<8} {:>3} cases  right tool {:>5.1}%  right tool+args {:>5.1}%  no tool when none needed {:>5.1}% ({}/{})  schema-valid calls {}/{}  decision p50 {} ms p95 {} ms",
                score.cases,
                pct(score.tool_ok, score.need_tool),
                pct(score.args_ok, score.need_tool),
                pct(score.no_tool_ok, score.no_tool),
                score.no_tool_ok,
                score.no_tool,
                score.valid,
                score.called,
                percentile(&score.ms, 0.5),
                percentile(&score.ms, 0.95),
            );
        }
        for (sp, score) in &scores {
            println!("\n  confusion ({sp}): expected → called ×count, per agent kind (diagonal counts only)");
            let mut agent = String::new();
            let mut rows: BTreeMap<(String, String), Vec<(String, usize)>> = BTreeMap::new();
            for ((a, e, c), n) in &score.confusion {
                rows.entry((a.clone(), e.clone())).or_default().push((c.clone(), *n));
            }
            for ((a, e), cells) in rows {
                if a != agent {
                    println!("   {a}");
                    agent = a.clone();
                }
                let right = cells.iter().find(|(c, _)| *c == e).map(|x| x.1).unwrap_or(0);
                let total: usize = cells.iter().map(|x| x.1).sum();
                let wrong: Vec<String> =
                    cells.iter().filter(|(c, _)| *c != e).map(|(c, n)| format!("{c} ×{n}")).collect();
                println!(
                    "     {e:<24} {right}/{total}{}",
                    if wrong.is_empty() { String::new() } else { format!("  → {}", wrong.join(", ")) }
                );
            }
            if std::env::var("EVAL_QUIET").is_err() {
                for m in &score.misses {
                    println!("    miss [{sp}] {m}");
                }
            }
        }
        let splits: Vec<Value> = scores
            .iter()
            .map(|(sp, s)| {
                json!({
                    "split": sp, "cases": s.cases, "need_tool": s.need_tool, "right_tool": s.tool_ok,
                    "right_tool_and_args": s.args_ok, "no_tool_needed": s.no_tool, "no_tool_ok": s.no_tool_ok,
                    "called": s.called, "schema_valid_calls": s.valid,
                    "decision_p50_ms": percentile(&s.ms, 0.5), "decision_p95_ms": percentile(&s.ms, 0.95),
                    "misses": s.misses,
                })
            })
            .collect();
        report.push(json!({"model": info.id, "routing": routing, "splits": splits}));
    }
    let _ = std::fs::create_dir_all("target");
    let _ = std::fs::write("target/eval-tool-calls.json", serde_json::to_string_pretty(&report).unwrap_or_default());
}
