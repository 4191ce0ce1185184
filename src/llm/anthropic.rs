//! Anthropic's Messages API, streamed (`POST {base}/v1/messages`, `stream: true`).
//!
//! Wire format: named SSE events. `message_start` carries the input token count;
//! `content_block_start` opens a `text` or `tool_use` block (with its id and name);
//! `content_block_delta` adds `text_delta.text` or `input_json_delta.partial_json`;
//! `content_block_stop` closes a block (a tool call is complete then); `message_delta` carries
//! the stop reason and output tokens; `message_stop` ends; `ping` is a keep-alive; `error` fails.

use super::http::{Decoder, Endpoint};
use super::sse::SseEvent;
use super::{ChatRequest, EventRx, FinishReason, Provider, ProviderError, Speaker, StreamEvent, ToolCall, Usage};
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub const API_VERSION: &str = "2023-06-01";

pub struct Anthropic(pub Endpoint);

impl Provider for Anthropic {
    fn kind(&self) -> &'static str {
        "anthropic"
    }

    fn stream(&self, request: ChatRequest) -> EventRx {
        let url = format!("{}/v1/messages", self.0.base_url);
        self.0.stream(
            url,
            request_body(&request),
            |b, key| {
                let b = b.header("anthropic-version", API_VERSION).header("accept", "text/event-stream");
                match key {
                    Some(k) => b.header("x-api-key", k),
                    None => b,
                }
            },
            AnthropicDecoder::default,
        )
    }
}

pub fn request_body(r: &ChatRequest) -> Value {
    let system: Vec<&str> =
        r.messages.iter().filter(|m| m.role == Speaker::System).map(|m| m.content.as_str()).collect();
    let mut messages: Vec<Value> = Vec::new();
    for m in r.messages.iter().filter(|m| m.role != Speaker::System) {
        let (role, content) = match m.role {
            Speaker::User => {
                // Pictures first, then the text (as Anthropic recommends).
                let mut blocks: Vec<Value> = m
                    .images
                    .iter()
                    .map(|i| json!({"type": "image", "source": {"type": "base64", "media_type": i.media_type, "data": i.base64()}}))
                    .collect();
                blocks.push(json!({"type": "text", "text": m.content}));
                ("user", Value::Array(blocks))
            }
            Speaker::Assistant => {
                let mut blocks = Vec::new();
                if !m.content.is_empty() {
                    blocks.push(json!({"type": "text", "text": m.content}));
                }
                for c in &m.tool_calls {
                    let input: Value = serde_json::from_str(&c.arguments).unwrap_or_else(|_| json!({}));
                    blocks.push(json!({"type": "tool_use", "id": c.id, "name": c.name, "input": input}));
                }
                ("assistant", Value::Array(blocks))
            }
            Speaker::Tool => (
                "user",
                json!([{"type": "tool_result", "tool_use_id": m.tool_call_id.clone().unwrap_or_default(), "content": m.content}]),
            ),
            Speaker::System => unreachable!("filtered above"),
        };
        // The API wants alternating roles: merge consecutive messages of one role.
        match messages.last_mut() {
            Some(last) if last["role"] == role => {
                if let (Some(a), Some(b)) = (last["content"].as_array_mut(), content.as_array()) {
                    a.extend(b.iter().cloned());
                }
            }
            _ => messages.push(json!({"role": role, "content": content})),
        }
    }
    let mut body = json!({
        "model": r.model,
        "max_tokens": r.max_tokens,
        "messages": messages,
        "stream": true,
    });
    if !system.is_empty() {
        body["system"] = json!(system.join("\n\n"));
    }
    if let Some(t) = r.temperature {
        body["temperature"] = json!(t);
    }
    if !r.tools.is_empty() {
        body["tools"] = r
            .tools
            .iter()
            .map(|t| json!({"name": t.name, "description": t.description, "input_schema": t.parameters}))
            .collect();
        if r.tool_choice == super::ToolChoice::Required {
            body["tool_choice"] = json!({"type": "any"});
        }
    }
    // Structured output: one tool whose input is the answer, and the model must call it.
    if let Some(schema) = &r.response_schema {
        body["tools"] = json!([{"name": ANSWER_TOOL, "description": "Give the answer.", "input_schema": schema}]);
        body["tool_choice"] = json!({"type": "tool", "name": ANSWER_TOOL});
    }
    body
}

/// The forced tool that carries a structured answer.
pub const ANSWER_TOOL: &str = "answer";

#[derive(Default)]
pub struct AnthropicDecoder {
    /// Open tool_use blocks by content index.
    calls: BTreeMap<u64, ToolCall>,
    usage: Usage,
    finish: Option<FinishReason>,
    done: bool,
}

impl Decoder for AnthropicDecoder {
    fn event(&mut self, event: SseEvent) -> Result<Vec<StreamEvent>, ProviderError> {
        let v: Value = serde_json::from_str(&event.data)
            .map_err(|e| ProviderError::Protocol(format!("event {:?} is not JSON: {e}", event.event)))?;
        let kind =
            if event.event.is_empty() { v.get("type").and_then(Value::as_str).unwrap_or("") } else { &event.event };
        let mut out = Vec::new();
        match kind {
            "message_start" => {
                let u = &v["message"]["usage"];
                self.usage.prompt_tokens = u["input_tokens"].as_u64().unwrap_or(0) as u32;
                self.usage.completion_tokens = u["output_tokens"].as_u64().unwrap_or(0) as u32;
            }
            "content_block_start" => {
                let block = &v["content_block"];
                let index = v["index"].as_u64().unwrap_or(0);
                match block["type"].as_str() {
                    Some("tool_use") => {
                        self.calls.insert(
                            index,
                            ToolCall {
                                id: block["id"].as_str().unwrap_or_default().to_string(),
                                name: block["name"].as_str().unwrap_or_default().to_string(),
                                arguments: String::new(),
                            },
                        );
                    }
                    Some("text") => {
                        if let Some(t) = block["text"].as_str().filter(|t| !t.is_empty()) {
                            out.push(StreamEvent::Text(t.to_string()));
                        }
                    }
                    _ => {}
                }
            }
            "content_block_delta" => {
                let delta = &v["delta"];
                match delta["type"].as_str() {
                    Some("text_delta") => {
                        if let Some(t) = delta["text"].as_str().filter(|t| !t.is_empty()) {
                            out.push(StreamEvent::Text(t.to_string()));
                        }
                    }
                    Some("input_json_delta") => {
                        let index = v["index"].as_u64().unwrap_or(0);
                        if let (Some(call), Some(part)) = (self.calls.get_mut(&index), delta["partial_json"].as_str()) {
                            call.arguments.push_str(part);
                        }
                    }
                    _ => {}
                }
            }
            "content_block_stop" => {
                let index = v["index"].as_u64().unwrap_or(0);
                if let Some(mut call) = self.calls.remove(&index) {
                    if call.arguments.trim().is_empty() {
                        call.arguments = "{}".to_string();
                    }
                    out.push(StreamEvent::ToolCall(call));
                }
            }
            "message_delta" => {
                if let Some(n) = v["usage"]["output_tokens"].as_u64() {
                    self.usage.completion_tokens = n as u32;
                }
                if let Some(n) = v["usage"]["input_tokens"].as_u64() {
                    self.usage.prompt_tokens = n as u32;
                }
                if let Some(reason) = v["delta"]["stop_reason"].as_str() {
                    self.finish = Some(match reason {
                        "end_turn" | "stop_sequence" => FinishReason::Stop,
                        "max_tokens" => FinishReason::Length,
                        "tool_use" => FinishReason::ToolCalls,
                        _ => FinishReason::Other,
                    });
                }
            }
            "message_stop" => self.done = true,
            "error" => return Err(super::openai::upstream(&v["error"])),
            _ => {} // ping and future event types
        }
        Ok(out)
    }

    fn finish(&mut self) -> Vec<StreamEvent> {
        let mut out: Vec<StreamEvent> =
            std::mem::take(&mut self.calls).into_values().map(StreamEvent::ToolCall).collect();
        out.push(StreamEvent::Usage(self.usage));
        out.push(StreamEvent::Finished(self.finish.unwrap_or(FinishReason::Stop)));
        out
    }

    fn ended(&self) -> bool {
        self.done
    }
}
