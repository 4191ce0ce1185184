//! The embedded model for real: SmolLM2-135M from `.data/models` (scripts/setup.sh fetches it).

use super::{collect_within, text_of};
use concierge::llm::{EventRx, ProviderError};

use concierge::llm::embedded::{Embedded, EmbeddedConfig};
use concierge::llm::{ChatRequest, Message, Provider, Speaker, StreamEvent};

/// Everything a stream yields. The guard against a hang is long: the model shares two cores with
/// whatever else runs, and an answer under a grammar can take several seconds.
async fn collect(rx: EventRx) -> Vec<Result<StreamEvent, ProviderError>> {
    collect_within(rx, std::time::Duration::from_secs(90)).await
}

fn model_path() -> std::path::PathBuf {
    let p = std::env::var("CONCIERGE_EMBEDDED_MODEL").unwrap_or_else(|_| EmbeddedConfig::DEFAULT_PATH.to_string());
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

#[tokio::test]
async fn the_embedded_model_answers_and_reuses_its_cache() {
    let path = model_path();
    assert!(path.is_file(), "{} is missing: run scripts/setup.sh", path.display());
    let model = Embedded::load(&EmbeddedConfig { path, threads: 2, batch_threads: 2 }).expect("model loads");
    let mut messages = vec![
        Message::new(Speaker::System, "You are a helpful assistant."),
        Message::new(Speaker::User, "What is the capital of France? Answer in one word."),
    ];
    let ask = |messages: Vec<Message>| ChatRequest {
        model: "smollm2".into(),
        messages,
        tools: vec![],
        tool_choice: concierge::llm::ToolChoice::Auto,
        max_tokens: 12,
        temperature: Some(0.0),
        user_key: "u1".into(),
        cache_key: Some("thread-1".into()),
        response_schema: None,
    };
    let events = collect(model.stream(ask(messages.clone()))).await;
    assert!(events.iter().all(Result::is_ok), "{events:?}");
    let first = text_of(&events);
    assert!(!first.trim().is_empty(), "an actual reply");
    assert!(first.to_lowercase().contains("paris"), "a sensible one: {first:?}");
    let usage = events.iter().find_map(|e| match e {
        Ok(StreamEvent::Usage(u)) => Some(*u),
        _ => None,
    });
    let usage = usage.expect("usage reported");
    assert!(usage.prompt_tokens > 10 && usage.completion_tokens >= 1 && usage.completion_tokens <= 12, "{usage:?}");

    // A follow-up turn in the same thread (its prefix is in the KV cache) answers too, and going
    // back to the first prompt (the cache then holds a longer, diverging conversation) works.
    messages.push(Message::new(Speaker::Assistant, first.clone()));
    messages.push(Message::new(Speaker::User, "And of Italy?"));
    let second = text_of(&collect(model.stream(ask(messages))).await);
    assert!(!second.trim().is_empty());
    let again = text_of(
        &collect(model.stream(ask(vec![
            Message::new(Speaker::System, "You are a helpful assistant."),
            Message::new(Speaker::User, "What is the capital of France? Answer in one word."),
        ])))
        .await,
    );
    assert!(again.to_lowercase().contains("paris"), "{again:?}");
}

/// With tools offered, the small model's decisions are constrained by a grammar made from the
/// tools' schemas: whatever it calls is a known tool with arguments that parse and match the
/// schema (the same check the engine makes), and after a tool result it answers in text.
#[tokio::test]
async fn the_embedded_models_tool_calls_always_match_their_schema() {
    use concierge::agent::{schema, tools_for};
    use concierge::domain::chat::AgentKind;
    let path = model_path();
    assert!(path.is_file(), "{} is missing: run scripts/setup.sh", path.display());
    let model = Embedded::load(&EmbeddedConfig { path, threads: 2, batch_threads: 2 }).expect("model loads");
    let tools = tools_for(AgentKind::VenueGeneral, concierge::domain::Role::Staff);
    let specs: Vec<_> = tools.iter().map(|t| t.spec()).collect();
    let requests = [
        "List the events between 2026-12-01 and 2026-12-31.",
        "Which tasks are still open?",
        "Show me our florists.",
        "Search the messages for parking.",
        "Find the client called Clark.",
        "Summarise event 4.",
    ];
    let mut calls = 0;
    for (i, text) in requests.iter().enumerate() {
        let request = ChatRequest {
            model: "smollm2".into(),
            messages: vec![
                Message::new(Speaker::System, "You help the venue's staff. Use the tools to look things up."),
                Message::new(Speaker::User, *text),
            ],
            tools: specs.clone(),
            tool_choice: concierge::llm::ToolChoice::Auto,
            max_tokens: 64,
            temperature: Some(0.0),
            user_key: "u1".into(),
            cache_key: Some(format!("tools-{i}")),
            response_schema: None,
        };
        let events = collect(model.stream(request)).await;
        assert!(events.iter().all(Result::is_ok), "{events:?}");
        for e in events.iter().flatten() {
            if let StreamEvent::ToolCall(call) = e {
                calls += 1;
                let tool =
                    tools.iter().find(|t| t.name == call.name).unwrap_or_else(|| panic!("unknown tool {call:?}"));
                let args: serde_json::Value =
                    serde_json::from_str(&call.arguments).unwrap_or_else(|e| panic!("{e}: {}", call.arguments));
                schema::validate(&tool.schema, &args).unwrap_or_else(|e| panic!("{}: {e} in {args}", call.name));
            }
        }
    }
    assert!(calls >= 3, "the model called tools for most of these requests ({calls} of {})", requests.len());

    // After a tool result, it answers in words.
    let mut assistant = Message::new(Speaker::Assistant, "");
    assistant.tool_calls =
        vec![concierge::llm::ToolCall { id: "c1".into(), name: "list_pending_tasks".into(), arguments: "{}".into() }];
    let mut result = Message::new(Speaker::Tool, r#"[{"title": "Order linens", "due": "2026-12-01"}]"#);
    result.tool_call_id = Some("c1".into());
    let request = ChatRequest {
        model: "smollm2".into(),
        messages: vec![
            Message::new(Speaker::System, "You help the venue's staff."),
            Message::new(Speaker::User, "Which tasks are still open?"),
            assistant,
            result,
        ],
        tools: specs,
        tool_choice: concierge::llm::ToolChoice::Auto,
        max_tokens: 40,
        temperature: Some(0.0),
        user_key: "u1".into(),
        cache_key: None,
        response_schema: None,
    };
    let events = collect(model.stream(request)).await;
    assert!(!events.iter().any(|e| matches!(e, Ok(StreamEvent::ToolCall(_)))), "{events:?}");
    assert!(!text_of(&events).trim().is_empty());
}

/// Structured output: for every form, on inquiries from `eval/inquiries.json`, the answer is the
/// form's JSON (the grammar makes it so); grounding keeps only what the text says.
#[tokio::test]
async fn the_embedded_model_fills_forms_with_valid_json() {
    use concierge::domain::assist::{self, AssistContext, FormKind};
    let path = model_path();
    assert!(path.is_file(), "{} is missing: run scripts/setup.sh", path.display());
    let model = std::sync::Arc::new(
        Embedded::load(&EmbeddedConfig { path, threads: 2, batch_threads: 2 }).expect("model loads"),
    );
    let resolved = concierge::llm::ResolvedModel { info: model.info(), provider: model, model: "smollm2".into() };
    let cases: Vec<serde_json::Value> = serde_json::from_str(
        &std::fs::read_to_string(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("eval/inquiries.json")).unwrap(),
    )
    .unwrap();
    let cx = AssistContext {
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 22).unwrap(),
        spaces: vec!["Garden Terrace".into(), "Grand Ballroom".into(), "Library Lounge".into(), "Rooftop".into()],
    };
    for (kind, case) in [FormKind::Inquiry, FormKind::Vendor, FormKind::Guest, FormKind::Event].into_iter().zip(&cases)
    {
        let text = case["text"].as_str().unwrap();
        let answer = concierge::agent::extract::answer(&resolved, kind, text, &cx, "u1").await.expect("an answer");
        let v: serde_json::Value = serde_json::from_str(&answer).unwrap_or_else(|e| panic!("{kind:?}: {e}: {answer}"));
        for f in kind.fields() {
            // The small model writes plain values (`Answer::Plain`).
            assert!(v[f.name].is_string(), "{kind:?}.{}: {answer}", f.name);
        }
        let found = assist::ground(kind, &cx, text, &answer).expect("grounds");
        for s in &found.suggestions {
            assert!(text.contains(&s.quote), "{kind:?}: {s} is quoted from the text");
        }
        if kind == FormKind::Inquiry {
            assert!(found.get("guest_count").is_some_and(|s| s.value == "140"), "{found:?}");
        }
    }
}
