//! Google Gemini, streamed (`POST {base}/v1beta/models/{model}:streamGenerateContent?alt=sse`).
//!
//! Wire format: `data: {GenerateContentResponse}` events. Each holds
//! `candidates[0].content.parts[]`, where a part is `{"text"}` or `{"functionCall": {name, args}}`
//! (a whole call, arguments as a JSON object), `finishReason` on the last, and `usageMetadata`
//! (`promptTokenCount`, `candidatesTokenCount`) that grows with each event. Errors are
//! `{"error": {"code", "message", "status"}}`. The key travels in the `x-goog-api-key` header,
//! never in the URL.

use super::http::{Decoder, Endpoint};
use super::sse::SseEvent;
use super::{ChatRequest, EventRx, FinishReason, Provider, ProviderError, Speaker, StreamEvent, ToolCall, Usage};
use serde_json::{json, Value};

pub struct Gemini(pub Endpoint);

impl Provider for Gemini {
    fn kind(&self) -> &'static str {
        "gemini"
    }

    fn stream(&self, request: ChatRequest) -> EventRx {
        let url = format!("{}/v1beta/models/{}:streamGenerateContent?alt=sse", self.0.base_url, request.model);
        self.0.stream(
            url,
            request_body(&request),
            |b, key| match key {
                Some(k) => b.header("x-goog-api-key", k),
                None => b,
            },
            GeminiDecoder::default,
        )
    }
}

pub fn request_body(r: &ChatRequest) -> Value {
    let system: Vec<&str> =
        r.messages.iter().filter(|m| m.role == Speaker::System).map(|m| m.content.as_str()).collect();
    // Tool results name the function, not the call: find each call's name by id.
    let name_of = |id: &str| {
        r.messages.iter().flat_map(|m| &m.tool_calls).find(|c| c.id == id).map(|c| c.name.clone()).unwrap_or_default()
    };
    let mut contents: Vec<Value> = Vec::new();
    for m in r.messages.iter().filter(|m| m.role != Speaker::System) {
        let (role, parts) = match m.role {
            Speaker::User => {
                let mut parts = vec![json!({"text": m.content})];
                parts.extend(
                    m.images.iter().map(|i| json!({"inlineData": {"mimeType": i.media_type, "data": i.base64()}})),
                );
                ("user", parts)
            }
            Speaker::Assistant => {
                let mut parts = Vec::new();
                if !m.content.is_empty() {
                    parts.push(json!({"text": m.content}));
                }
                for c in &m.tool_calls {
                    let args: Value = serde_json::from_str(&c.arguments).unwrap_or_else(|_| json!({}));
                    parts.push(json!({"functionCall": {"name": c.name, "args": args}}));
                }
                ("model", parts)
            }
            Speaker::Tool => {
                let name = name_of(m.tool_call_id.as_deref().unwrap_or(""));
                let response: Value = serde_json::from_str(&m.content).unwrap_or_else(|_| json!({"result": m.content}));
                let response = if response.is_object() { response } else { json!({"result": response}) };
                ("user", vec![json!({"functionResponse": {"name": name, "response": response}})])
            }
            Speaker::System => unreachable!("filtered above"),
        };
        match contents.last_mut() {
            Some(last) if last["role"] == role => {
                if let Some(a) = last["parts"].as_array_mut() {
                    a.extend(parts);
                }
            }
            _ => contents.push(json!({"role": role, "parts": parts})),
        }
    }
    let mut config = json!({"maxOutputTokens": r.max_tokens});
    if let Some(t) = r.temperature {
        config["temperature"] = json!(t);
    }
    if let Some(schema) = &r.response_schema {
        config["responseMimeType"] = json!("application/json");
        config["responseJsonSchema"] = super::without_keys(schema, &["maxLength"]);
    }
    let mut body = json!({"contents": contents, "generationConfig": config});
    if !system.is_empty() {
        body["systemInstruction"] = json!({"parts": [{"text": system.join("\n\n")}]});
    }
    if !r.tools.is_empty() {
        let decls: Vec<Value> = r
            .tools
            .iter()
            .map(|t| json!({"name": t.name, "description": t.description, "parameters": openapi_schema(&t.parameters)}))
            .collect();
        body["tools"] = json!([{"functionDeclarations": decls}]);
        if r.tool_choice == super::ToolChoice::Required {
            body["toolConfig"] = json!({"functionCallingConfig": {"mode": "ANY"}});
        }
    }
    body
}

/// Gemini takes an OpenAPI subset for function parameters: no `additionalProperties`, no
/// `const`, and a function without arguments has no `properties` at all.
fn openapi_schema(schema: &Value) -> Value {
    match schema {
        Value::Object(m) => {
            let mut out = serde_json::Map::new();
            for (k, v) in m {
                match k.as_str() {
                    "additionalProperties" | "const" | "$schema" => {}
                    "properties" => {
                        let props: serde_json::Map<String, Value> =
                            v.as_object().into_iter().flatten().map(|(n, s)| (n.clone(), openapi_schema(s))).collect();
                        if !props.is_empty() {
                            out.insert(k.clone(), Value::Object(props));
                        }
                    }
                    _ => {
                        out.insert(k.clone(), openapi_schema(v));
                    }
                }
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(openapi_schema).collect()),
        other => other.clone(),
    }
}

#[derive(Default)]
pub struct GeminiDecoder {
    usage: Option<Usage>,
    finish: Option<FinishReason>,
    calls: usize,
}

impl Decoder for GeminiDecoder {
    fn event(&mut self, event: SseEvent) -> Result<Vec<StreamEvent>, ProviderError> {
        let v: Value = serde_json::from_str(&event.data)
            .map_err(|e| ProviderError::Protocol(format!("an event is not JSON: {e}")))?;
        if let Some(err) = v.get("error") {
            return Err(super::openai::upstream(err));
        }
        let mut out = Vec::new();
        if let Some(candidate) = v["candidates"].as_array().and_then(|c| c.first()) {
            for part in candidate["content"]["parts"].as_array().into_iter().flatten() {
                if let Some(t) = part["text"].as_str().filter(|t| !t.is_empty()) {
                    // "thought" parts are the model's reasoning, not its answer.
                    if part["thought"].as_bool() != Some(true) {
                        out.push(StreamEvent::Text(t.to_string()));
                    }
                }
                if let Some(call) = part.get("functionCall") {
                    self.calls += 1;
                    let id = call["id"].as_str().map(str::to_string).unwrap_or_else(|| format!("call_{}", self.calls));
                    out.push(StreamEvent::ToolCall(ToolCall {
                        id,
                        name: call["name"].as_str().unwrap_or_default().to_string(),
                        arguments: call.get("args").map(Value::to_string).unwrap_or_else(|| "{}".to_string()),
                    }));
                }
            }
            if let Some(reason) = candidate["finishReason"].as_str() {
                self.finish = Some(match reason {
                    "STOP" => FinishReason::Stop,
                    "MAX_TOKENS" => FinishReason::Length,
                    _ => FinishReason::Other,
                });
            }
        }
        if let Some(u) = v.get("usageMetadata") {
            self.usage = Some(Usage {
                prompt_tokens: u["promptTokenCount"].as_u64().unwrap_or(0) as u32,
                completion_tokens: u["candidatesTokenCount"].as_u64().unwrap_or(0) as u32,
            });
        }
        Ok(out)
    }

    fn finish(&mut self) -> Vec<StreamEvent> {
        let mut out = Vec::new();
        if let Some(u) = self.usage.take() {
            out.push(StreamEvent::Usage(u));
        }
        let reason = match self.finish {
            Some(FinishReason::Stop) | None if self.calls > 0 => FinishReason::ToolCalls,
            Some(r) => r,
            None => FinishReason::Stop,
        };
        out.push(StreamEvent::Finished(reason));
        out
    }

    fn ended(&self) -> bool {
        false // Gemini just closes the stream.
    }
}
