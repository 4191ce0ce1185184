//! Provider wire formats against local fake servers that answer byte for byte as each API does
//! (SSE framing split at awkward places, keep-alive comments, tool-call deltas across chunks,
//! usage, errors mid-stream, 429 then success, a stalled stream), the embedded model for real, and
//! the knowledge base's object store against a local S3 server.

mod embedded;
mod fake;
mod s3;
mod wire;

use concierge::llm::{ChatRequest, EventRx, Message, ProviderError, Speaker, StreamEvent, ToolSpec};
use std::time::Duration;

pub fn request(model: &str) -> ChatRequest {
    ChatRequest {
        model: model.into(),
        messages: vec![Message::new(Speaker::System, "Be brief."), Message::new(Speaker::User, "Weather in Paris?")],
        tools: vec![ToolSpec {
            name: "get_weather".into(),
            description: "Current weather".into(),
            parameters: serde_json::json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"], "additionalProperties": false}),
        }],
        tool_choice: concierge::llm::ToolChoice::Auto,
        max_tokens: 64,
        temperature: Some(0.0),
        user_key: "u1".into(),
        cache_key: None,
        response_schema: None,
    }
}

/// Everything a stream yields, until it ends (or 10 s pass).
pub async fn collect(rx: EventRx) -> Vec<Result<StreamEvent, ProviderError>> {
    collect_within(rx, Duration::from_secs(10)).await
}

/// The same with a longer guard against a hang: the embedded model shares two cores with
/// whatever else runs, and one answer under a grammar can take several seconds.
pub async fn collect_within(mut rx: EventRx, limit: Duration) -> Vec<Result<StreamEvent, ProviderError>> {
    let mut out = Vec::new();
    let deadline = tokio::time::sleep(limit);
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            ev = rx.recv() => match ev {
                Some(e) => out.push(e),
                None => return out,
            },
            _ = &mut deadline => panic!("stream did not end within {limit:?}; got {out:?}"),
        }
    }
}

pub fn text_of(events: &[Result<StreamEvent, ProviderError>]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            Ok(StreamEvent::Text(t)) => Some(t.as_str()),
            _ => None,
        })
        .collect()
}
