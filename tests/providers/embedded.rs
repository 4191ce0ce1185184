//! The embedded model for real: SmolLM2-135M from `.data/models` (scripts/setup.sh fetches it).

use super::{collect, text_of};
use concierge::llm::embedded::{Embedded, EmbeddedConfig};
use concierge::llm::{ChatRequest, Message, Provider, Role, StreamEvent};

fn model_path() -> std::path::PathBuf {
    let p = std::env::var("CONCIERGE_EMBEDDED_MODEL").unwrap_or_else(|_| EmbeddedConfig::DEFAULT_PATH.to_string());
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(p)
}

#[tokio::test]
async fn the_embedded_model_answers_and_reuses_its_cache() {
    let path = model_path();
    assert!(path.is_file(), "{} is missing: run scripts/setup.sh", path.display());
    let model = Embedded::load(&EmbeddedConfig { path, threads: 2 }).expect("model loads");
    let mut messages = vec![
        Message::new(Role::System, "You are a helpful assistant."),
        Message::new(Role::User, "What is the capital of France? Answer in one word."),
    ];
    let ask = |messages: Vec<Message>| ChatRequest {
        model: "smollm2".into(),
        messages,
        tools: vec![],
        max_tokens: 12,
        temperature: Some(0.0),
        user_key: "u1".into(),
        cache_key: Some("thread-1".into()),
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
    messages.push(Message::new(Role::Assistant, first.clone()));
    messages.push(Message::new(Role::User, "And of Italy?"));
    let second = text_of(&collect(model.stream(ask(messages))).await);
    assert!(!second.trim().is_empty());
    let again = text_of(
        &collect(model.stream(ask(vec![
            Message::new(Role::System, "You are a helpful assistant."),
            Message::new(Role::User, "What is the capital of France? Answer in one word."),
        ])))
        .await,
    );
    assert!(again.to_lowercase().contains("paris"), "{again:?}");
}
