//! OpenAI-compatible chat completions, streamed (`POST {base}/chat/completions`, `stream: true`).
//! Works with OpenAI, Groq, Ollama, vLLM, llama.cpp's server and OpenRouter.
//!
//! Wire format: `data: {chunk}` lines, ended by `data: [DONE]`. A chunk's `choices[0].delta` holds
//! `content` and/or `tool_calls` deltas: the first delta of a call carries its `index`, `id` and
//! `function.name`, later ones append to `function.arguments` by `index`. Usage comes in a last
//! chunk with empty `choices` when `stream_options.include_usage` is set. Errors mid-stream are
//! `data: {"error": {...}}`.

use super::http::{Decoder, Endpoint};
use super::sse::SseEvent;
use super::{
    ChatRequest, EventRx, FinishReason, Message, Provider, ProviderError, Speaker, StreamEvent, ToolCall, Usage,
};
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub struct OpenAi(pub Endpoint);

impl Provider for OpenAi {
    fn kind(&self) -> &'static str {
        "openai"
    }

    fn stream(&self, request: ChatRequest) -> EventRx {
        let url = format!("{}/chat/completions", self.0.base_url);
        self.0.stream(
            url,
            request_body(&request),
            |b, key| {
                let b = b.header("accept", "text/event-stream");
                match key {
                    Some(k) => b.bearer_auth(k),
                    None => b,
                }
            },
            OpenAiDecoder::default,
        )
    }
}

pub fn request_body(r: &ChatRequest) -> Value {
    let messages: Vec<Value> = r.messages.iter().map(message).collect();
    let mut body = json!({
        "model": r.model,
        "messages": messages,
        "stream": true,
        "stream_options": {"include_usage": true},
        "max_tokens": r.max_tokens,
    });
    if let Some(t) = r.temperature {
        body["temperature"] = json!(t);
    }
    if !r.tools.is_empty() {
        body["tools"] = r
            .tools
            .iter()
            // Without string length limits: llama.cpp's server turns a `maxLength` of 2,000 into
            // a grammar it cannot build, and its process died of it (llama-cpp-python 0.3.36).
            // The engine checks every call against the whole schema, limits included
            // (`agent::schema`), before anything runs.
            .map(|t| json!({"type": "function", "function": {"name": t.name, "description": t.description, "parameters": super::without_keys(&t.parameters, &["maxLength"])}}))
            .collect();
        if r.tool_choice == super::ToolChoice::Required {
            // One tool that must be called is named: the same in OpenAI's API, and the only
            // forced form some compatible servers take (llama-cpp-python's function calling
            // refuses "required" with a 500).
            body["tool_choice"] = match r.tools.as_slice() {
                [one] => json!({"type": "function", "function": {"name": one.name}}),
                _ => json!("required"),
            };
        }
    }
    if let Some(schema) = &r.response_schema {
        // Strict structured outputs refuse length limits on strings; they only bound small models.
        let schema = super::without_keys(schema, &["maxLength"]);
        body["response_format"] =
            json!({"type": "json_schema", "json_schema": {"name": "answer", "strict": true, "schema": schema}});
    }
    body
}

fn message(m: &Message) -> Value {
    let role = match m.role {
        Speaker::System => "system",
        Speaker::User => "user",
        Speaker::Assistant => "assistant",
        Speaker::Tool => "tool",
    };
    let mut v = json!({"role": role, "content": m.content});
    if !m.images.is_empty() {
        // Content parts: the text, then each picture as a data URL.
        let mut parts = vec![json!({"type": "text", "text": m.content})];
        for image in &m.images {
            let url = format!("data:{};base64,{}", image.media_type, image.base64());
            parts.push(json!({"type": "image_url", "image_url": {"url": url}}));
        }
        v["content"] = Value::Array(parts);
    }
    if !m.tool_calls.is_empty() {
        v["tool_calls"] = m
            .tool_calls
            .iter()
            .map(|c| json!({"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}))
            .collect();
    }
    if let Some(id) = &m.tool_call_id {
        v["tool_call_id"] = json!(id);
    }
    v
}

#[derive(Default)]
pub struct OpenAiDecoder {
    calls: BTreeMap<u64, ToolCall>,
    usage: Option<Usage>,
    finish: Option<FinishReason>,
    done: bool,
}

impl Decoder for OpenAiDecoder {
    fn event(&mut self, event: SseEvent) -> Result<Vec<StreamEvent>, ProviderError> {
        let data = event.data.trim();
        if data == "[DONE]" {
            self.done = true;
            return Ok(Vec::new());
        }
        if data.is_empty() {
            return Ok(Vec::new());
        }
        let chunk: Value =
            serde_json::from_str(data).map_err(|e| ProviderError::Protocol(format!("a chunk is not JSON: {e}")))?;
        if let Some(err) = chunk.get("error") {
            return Err(upstream(err));
        }
        let mut out = Vec::new();
        if let Some(choice) = chunk.get("choices").and_then(Value::as_array).and_then(|c| c.first()) {
            let delta = choice.get("delta").unwrap_or(&Value::Null);
            if let Some(text) = delta.get("content").and_then(Value::as_str) {
                if !text.is_empty() {
                    out.push(StreamEvent::Text(text.to_string()));
                }
            }
            if let Some(calls) = delta.get("tool_calls").and_then(Value::as_array) {
                for (n, call) in calls.iter().enumerate() {
                    let index = call.get("index").and_then(Value::as_u64).unwrap_or(n as u64);
                    let entry = self.calls.entry(index).or_insert_with(|| ToolCall {
                        id: String::new(),
                        name: String::new(),
                        arguments: String::new(),
                    });
                    if let Some(id) = call.get("id").and_then(Value::as_str) {
                        entry.id = id.to_string();
                    }
                    if let Some(f) = call.get("function") {
                        // OpenAI sends the name once; llama-cpp-python's server repeats it
                        // whole in every chunk (its arguments still come in pieces).
                        if let Some(name) = f.get("name").and_then(Value::as_str) {
                            if entry.name != name {
                                entry.name.push_str(name);
                            }
                        }
                        if let Some(args) = f.get("arguments").and_then(Value::as_str) {
                            entry.arguments.push_str(args);
                        }
                    }
                }
            }
            if let Some(reason) = choice.get("finish_reason").and_then(Value::as_str) {
                self.finish = Some(match reason {
                    "stop" => FinishReason::Stop,
                    "length" => FinishReason::Length,
                    "tool_calls" | "function_call" => FinishReason::ToolCalls,
                    _ => FinishReason::Other,
                });
            }
        }
        if let Some(u) = chunk.get("usage").filter(|u| u.is_object()) {
            self.usage = Some(Usage {
                prompt_tokens: u.get("prompt_tokens").and_then(Value::as_u64).unwrap_or(0) as u32,
                completion_tokens: u.get("completion_tokens").and_then(Value::as_u64).unwrap_or(0) as u32,
            });
        }
        Ok(out)
    }

    fn finish(&mut self) -> Vec<StreamEvent> {
        let mut out: Vec<StreamEvent> = std::mem::take(&mut self.calls)
            .into_iter()
            .map(|(i, mut c)| {
                if c.id.is_empty() {
                    c.id = format!("call_{i}");
                }
                StreamEvent::ToolCall(c)
            })
            .collect();
        if let Some(u) = self.usage.take() {
            out.push(StreamEvent::Usage(u));
        }
        let has_calls = out.iter().any(|e| matches!(e, StreamEvent::ToolCall(_)));
        let reason = self.finish.unwrap_or(if has_calls { FinishReason::ToolCalls } else { FinishReason::Stop });
        out.push(StreamEvent::Finished(reason));
        out
    }

    fn ended(&self) -> bool {
        self.done
    }
}

/// An error object (`{"message": ..}` or a bare string) as a provider error.
pub fn upstream(err: &Value) -> ProviderError {
    let msg = err
        .get("message")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| err.as_str().map(str::to_string))
        .unwrap_or_else(|| err.to_string());
    ProviderError::Upstream(msg.chars().take(300).collect())
}

#[cfg(test)]
mod tests {
    use super::request_body;
    use crate::llm::{ChatRequest, Message, Speaker, ToolChoice, ToolSpec};
    use serde_json::json;

    fn asking(tools: &[&str], choice: ToolChoice) -> ChatRequest {
        ChatRequest {
            model: "m".into(),
            messages: vec![Message::new(Speaker::User, "hi")],
            tools: tools
                .iter()
                .map(|n| ToolSpec {
                    name: (*n).into(),
                    description: String::new(),
                    parameters: json!({"type": "object", "properties": {"body": {"type": "string", "maxLength": 2000}}}),
                })
                .collect(),
            tool_choice: choice,
            max_tokens: 8,
            temperature: None,
            user_key: "u".into(),
            cache_key: None,
            response_schema: None,
        }
    }

    #[test]
    fn a_forced_call_names_the_one_tool_and_no_length_limit_is_sent() {
        let one = request_body(&asking(&["list_events"], ToolChoice::Required));
        assert_eq!(one["tool_choice"], json!({"type": "function", "function": {"name": "list_events"}}));
        let two = request_body(&asking(&["list_events", "add_guest"], ToolChoice::Required));
        assert_eq!(two["tool_choice"], json!("required"));
        assert_eq!(
            one["tools"][0]["function"]["parameters"],
            json!({"type": "object", "properties": {"body": {"type": "string"}}})
        );
        let free = request_body(&asking(&["list_events"], ToolChoice::Auto));
        assert!(free.get("tool_choice").is_none(), "auto is the default and not sent");
    }
}
