//! Provider wire formats against local fake servers that answer byte for byte as each API does
//! (SSE framing split at awkward places, keep-alive comments, tool-call deltas across chunks,
//! usage, errors mid-stream, 429 then success, a stalled stream), and the embedded model for real.

mod embedded;
mod fake;
mod wire;

use concierge::llm::{ChatRequest, EventRx, Message, ProviderError, Role, StreamEvent, ToolSpec};
use std::time::Duration;

pub fn request(model: &str) -> ChatRequest {
    ChatRequest {
        model: model.into(),
        messages: vec![Message::new(Role::System, "Be brief."), Message::new(Role::User, "Weather in Paris?")],
        tools: vec![ToolSpec {
            name: "get_weather".into(),
            description: "Current weather".into(),
            parameters: serde_json::json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"], "additionalProperties": false}),
        }],
        max_tokens: 64,
        temperature: Some(0.0),
        user_key: "u1".into(),
        cache_key: None,
        response_schema: None,
    }
}

/// Everything a stream yields, until it ends (or 10 s pass).
pub async fn collect(mut rx: EventRx) -> Vec<Result<StreamEvent, ProviderError>> {
    let mut out = Vec::new();
    let deadline = tokio::time::sleep(Duration::from_secs(10));
    tokio::pin!(deadline);
    loop {
        tokio::select! {
            ev = rx.recv() => match ev {
                Some(e) => out.push(e),
                None => return out,
            },
            _ = &mut deadline => panic!("stream did not end within 10 s; got {out:?}"),
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
