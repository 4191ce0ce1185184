//! `make eval`: tool-calling accuracy of every configured model on `eval/tool_calls.json`.
//!
//! Each case is a realistic request to one agent kind with the context that agent would be
//! given; the model is offered that kind's tools exactly as the chat offers them. Scored per
//! case: the first tool called (name), its arguments (every expected argument present and equal:
//! numbers by value, text case-insensitively contained), and whether the arguments were valid
//! JSON matching the tool's schema. Models come from the environment as for the server
//! (`OPENAI_*`, `ANTHROPIC_*`, `GEMINI_*`, the embedded model); `EVAL_MODELS=a,b` picks some.
//! Prints a table and writes `target/eval-tool-calls.json`.

use concierge::agent::{instructions, schema, tools_for};
use concierge::domain::chat::AgentKind;
use concierge::domain::Role;
use concierge::llm::catalog::LlmConfig;
use concierge::llm::{ChatRequest, Llm, Message, Speaker, StreamEvent};
use serde::Deserialize;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

#[derive(Deserialize)]
struct Case {
    id: String,
    agent: AgentKind,
    context: String,
    request: String,
    expected_tool: String,
    expected_args: serde_json::Map<String, Value>,
}

#[derive(Default)]
struct Score {
    cases: usize,
    tool_ok: usize,
    args_ok: usize,
    called: usize,
    valid: usize,
    ms: Vec<u128>,
    misses: Vec<String>,
}

fn matches(expected: &Value, actual: Option<&Value>) -> bool {
    let Some(actual) = actual else { return false };
    match (expected, actual) {
        (Value::Number(e), Value::Number(a)) => e.as_f64() == a.as_f64(),
        (Value::Number(e), Value::String(a)) => a.trim().parse::<f64>().ok() == e.as_f64(),
        (Value::String(e), Value::String(a)) => a.to_lowercase().contains(&e.to_lowercase()),
        (e, a) => e == a,
    }
}

#[tokio::main]
async fn main() {
    let cases: Vec<Case> =
        serde_json::from_str(&std::fs::read_to_string("eval/tool_calls.json").expect("eval/tool_calls.json"))
            .expect("valid cases");
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
    let mut report = Vec::new();
    println!("{} cases; models: {}", cases.len(), models.iter().map(|m| m.id.as_str()).collect::<Vec<_>>().join(", "));
    for info in &models {
        let model = catalog.resolve(&info.id).expect("resolved");
        let mut score = Score::default();
        for case in &cases {
            let role = if case.agent == AgentKind::Client { Role::Client } else { Role::Staff };
            let tools = tools_for(case.agent, role);
            let system = format!(
                "You are Concierge, the assistant of Harbor Hall, an event venue. Answer helpfully and briefly, in Markdown.\n\n{}\n\n{}",
                instructions(case.agent),
                case.context
            );
            let request = ChatRequest {
                model: model.model.clone(),
                messages: vec![
                    Message::new(Speaker::System, system),
                    Message::new(Speaker::User, case.request.clone()),
                ],
                tools: tools.iter().map(|t| t.spec()).collect(),
                max_tokens: 300,
                temperature: Some(0.0),
                user_key: "eval".into(),
                cache_key: None,
                response_schema: None,
            };
            let started = Instant::now();
            let mut rx = model.provider.stream(request);
            let mut call = None;
            let mut text = String::new();
            let deadline = tokio::time::sleep(Duration::from_secs(120));
            tokio::pin!(deadline);
            loop {
                tokio::select! {
                    _ = &mut deadline => break,
                    ev = rx.recv() => match ev {
                        Some(Ok(StreamEvent::ToolCall(c))) => { call = Some(c); break; }
                        Some(Ok(StreamEvent::Text(t))) => text.push_str(&t),
                        Some(Ok(StreamEvent::Finished(_))) | None => break,
                        Some(Ok(_)) => {}
                        Some(Err(e)) => { text = format!("error: {e}"); break; }
                    }
                }
            }
            drop(rx);
            score.ms.push(started.elapsed().as_millis());
            score.cases += 1;
            let Some(call) = call else {
                score.misses.push(format!("{}: no call ({})", case.id, text.chars().take(60).collect::<String>()));
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
            if call.name != case.expected_tool {
                score.misses.push(format!("{}: called {} (wanted {})", case.id, call.name, case.expected_tool));
                continue;
            }
            score.tool_ok += 1;
            let ok = args.as_ref().is_some_and(|a| case.expected_args.iter().all(|(k, v)| matches(v, a.get(k))));
            if ok {
                score.args_ok += 1;
            } else {
                score.misses.push(format!(
                    "{}: {} args {}",
                    case.id,
                    call.name,
                    call.arguments.chars().take(120).collect::<String>()
                ));
            }
        }
        let mut ms = score.ms.clone();
        ms.sort_unstable();
        let p50 = ms.get(ms.len() / 2).copied().unwrap_or(0);
        let pct = |n: usize| 100.0 * n as f64 / score.cases.max(1) as f64;
        println!(
            "\n{:<40} right tool {:>5.1}%  right tool+args {:>5.1}%  called a tool {:>5.1}%  schema-valid calls {}/{}  p50 {} ms",
            info.id,
            pct(score.tool_ok),
            pct(score.args_ok),
            pct(score.called),
            score.valid,
            score.called,
            p50
        );
        for m in &score.misses {
            println!("    miss {m}");
        }
        report.push(json!({
            "model": info.id, "cases": score.cases, "right_tool": score.tool_ok, "right_tool_and_args": score.args_ok,
            "called": score.called, "schema_valid_calls": score.valid, "p50_ms": p50, "misses": score.misses,
        }));
    }
    let _ = std::fs::create_dir_all("target");
    let _ = std::fs::write("target/eval-tool-calls.json", serde_json::to_string_pretty(&report).unwrap_or_default());
}
