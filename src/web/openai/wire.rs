//! OpenAI's chat-completions wire format, as far as this API speaks it: the request we read (and
//! what of it we refuse, with OpenAI's error shape and status codes), the responses and stream
//! chunks we write.
//!
//! Reference: the `openai` Python SDK's types (`ChatCompletion`, `ChatCompletionChunk`,
//! `CompletionUsage`, `Model`) and its error handling (`APIStatusError` subclasses by status; a
//! stream chunk with an `error` key raises `APIError`).

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{json, Value};

/// Messages one request may carry.
pub const MAX_MESSAGES: usize = 200;
/// Bytes of one request body at most.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Characters of all the messages of a stateless request at most (the history a new thread gets).
pub const MAX_CONVERSATION_CHARS: usize = 100_000;

/// An error as OpenAI's API answers it: `{"error": {"message", "type", "param", "code"}}`.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: StatusCode,
    pub message: String,
    pub kind: &'static str,
    pub param: Option<&'static str>,
    pub code: Option<&'static str>,
    pub retry_after: Option<u64>,
}

impl ApiError {
    fn new(status: StatusCode, kind: &'static str, code: Option<&'static str>, message: impl Into<String>) -> Self {
        Self { status, message: message.into(), kind, param: None, code, retry_after: None }
    }

    pub fn invalid(param: &'static str, message: impl Into<String>) -> Self {
        Self { param: Some(param), ..Self::new(StatusCode::BAD_REQUEST, "invalid_request_error", None, message) }
    }

    pub fn unauthenticated(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "invalid_request_error", Some("invalid_api_key"), message)
    }

    pub fn model_not_found(model: &str) -> Self {
        let shown: String = model.chars().take(100).collect();
        Self {
            param: Some("model"),
            ..Self::new(
                StatusCode::NOT_FOUND,
                "invalid_request_error",
                Some("model_not_found"),
                format!("The model `{shown}` does not exist or you do not have access to it."),
            )
        }
    }

    pub fn not_found(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "invalid_request_error", Some(code), message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "invalid_request_error", Some("conflict"), message)
    }

    pub fn rate_limited(message: impl Into<String>, retry_after: u64) -> Self {
        Self {
            retry_after: Some(retry_after.max(1)),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, "requests", Some("rate_limit_exceeded"), message)
        }
    }

    pub fn internal() -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "server_error", None, "Something went wrong on our side.")
    }

    pub fn unavailable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::SERVICE_UNAVAILABLE, "server_error", Some("model_unavailable"), message)
    }

    /// The `error` object (also what a stream sends when it fails midway).
    pub fn body(&self) -> Value {
        json!({"error": {"message": self.message, "type": self.kind, "param": self.param, "code": self.code}})
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = (self.status, axum::Json(self.body())).into_response();
        if let Some(secs) = self.retry_after {
            res.headers_mut().insert(axum::http::header::RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

/// `POST /v1/chat/completions`, the fields we read. Others (`n`, `seed`, `logprobs`…) are
/// accepted and ignored, as OpenAI-compatible servers do, except those that would change what
/// the answer means (`tools`, `n` > 1, `response_format` other than text), which are refused.
#[derive(Debug, Deserialize)]
pub struct CompletionRequest {
    pub model: String,
    pub messages: Vec<InMessage>,
    #[serde(default)]
    pub stream: Option<bool>,
    #[serde(default)]
    pub stream_options: Option<StreamOptions>,
    #[serde(default)]
    pub max_tokens: Option<u32>,
    #[serde(default)]
    pub max_completion_tokens: Option<u32>,
    #[serde(default)]
    pub temperature: Option<f32>,
    #[serde(default)]
    pub n: Option<u32>,
    #[serde(default)]
    pub tools: Option<Vec<Value>>,
    #[serde(default)]
    pub functions: Option<Vec<Value>>,
    #[serde(default)]
    pub response_format: Option<Value>,
    #[serde(default)]
    pub metadata: Option<serde_json::Map<String, Value>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct StreamOptions {
    #[serde(default)]
    pub include_usage: bool,
}

/// One message of the request.
#[derive(Debug, Deserialize)]
pub struct InMessage {
    pub role: String,
    #[serde(default)]
    pub content: Option<Content>,
}

/// A message's content: a string, or parts of which we take the text ones.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Content {
    Text(String),
    Parts(Vec<Value>),
}

/// Who wrote a message of the request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// `system` or `developer`.
    System,
    User,
    Assistant,
}

impl InMessage {
    /// The message's role and text; an error for a role or a part this API does not take.
    pub fn read(&self, index: usize) -> Result<(Role, String), ApiError> {
        let role = match self.role.as_str() {
            "system" | "developer" => Role::System,
            "user" => Role::User,
            "assistant" => Role::Assistant,
            "tool" | "function" => {
                return Err(ApiError::invalid(
                    "messages",
                    format!(
                        "messages[{index}]: the agents run their own tools on the server; tool results are not taken."
                    ),
                ))
            }
            other => {
                let shown: String = other.chars().take(30).collect();
                return Err(ApiError::invalid("messages", format!("messages[{index}]: unknown role `{shown}`.")));
            }
        };
        let text = match &self.content {
            None => String::new(),
            Some(Content::Text(t)) => t.clone(),
            Some(Content::Parts(parts)) => {
                let mut text = String::new();
                for part in parts {
                    match (part.get("type").and_then(Value::as_str), part.get("text").and_then(Value::as_str)) {
                        (Some("text"), Some(t)) => {
                            if !text.is_empty() {
                                text.push('\n');
                            }
                            text.push_str(t);
                        }
                        _ => {
                            return Err(ApiError::invalid(
                                "messages",
                                format!("messages[{index}]: only text parts are taken (attach files in the chat)."),
                            ))
                        }
                    }
                }
                text
            }
        };
        Ok((role, text))
    }
}

/// Parses the body, with the reason for a 400 when it is not a request we take.
pub fn parse_request(body: &[u8]) -> Result<CompletionRequest, ApiError> {
    let req: CompletionRequest = serde_json::from_slice(body).map_err(|e| {
        let reason = e.to_string();
        let reason: String = reason.chars().take(200).collect();
        ApiError::invalid("body", format!("The request body is not a chat completion request: {reason}"))
    })?;
    if req.model.trim().is_empty() {
        return Err(ApiError::invalid("model", "Name a model: `GET /v1/models` lists them."));
    }
    if req.messages.is_empty() {
        return Err(ApiError::invalid("messages", "Send at least one message."));
    }
    if req.messages.len() > MAX_MESSAGES {
        return Err(ApiError::invalid("messages", format!("At most {MAX_MESSAGES} messages per request.")));
    }
    if req.tools.as_ref().is_some_and(|t| !t.is_empty()) || req.functions.as_ref().is_some_and(|f| !f.is_empty()) {
        return Err(ApiError::invalid(
            "tools",
            "Client-side tools are not taken: an agent runs its own tools on the server, under your permissions.",
        ));
    }
    if req.n.is_some_and(|n| n != 1) {
        return Err(ApiError::invalid("n", "Only one choice per request (n = 1)."));
    }
    if let Some(format) = &req.response_format {
        if format.get("type").and_then(Value::as_str).is_some_and(|t| t != "text") {
            return Err(ApiError::invalid("response_format", "Only text answers are supported."));
        }
    }
    if req.temperature.is_some_and(|t| !(0.0..=2.0).contains(&t)) {
        return Err(ApiError::invalid("temperature", "Temperature must be between 0 and 2."));
    }
    Ok(req)
}

/// Token counts as OpenAI reports them.
pub fn usage_json(prompt: u32, completion: u32) -> Value {
    json!({"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion})
}

/// A whole (not streamed) answer.
pub fn completion(id: &str, created: i64, model: &str, content: &str, finish: &str, usage: Value) -> Value {
    json!({
        "id": id,
        "object": "chat.completion",
        "created": created,
        "model": model,
        "choices": [{
            "index": 0,
            "message": {"role": "assistant", "content": content, "refusal": null},
            "logprobs": null,
            "finish_reason": finish,
        }],
        "usage": usage,
    })
}

/// One chunk of a streamed answer: `delta` (role and/or content), or the end (`finish`).
pub fn chunk(id: &str, created: i64, model: &str, delta: Value, finish: Option<&str>) -> Value {
    json!({
        "id": id,
        "object": "chat.completion.chunk",
        "created": created,
        "model": model,
        "choices": [{"index": 0, "delta": delta, "logprobs": null, "finish_reason": finish}],
    })
}

/// The last chunk when the client asked for usage (`stream_options.include_usage`).
pub fn usage_chunk(id: &str, created: i64, model: &str, usage: Value) -> Value {
    json!({"id": id, "object": "chat.completion.chunk", "created": created, "model": model, "choices": [], "usage": usage})
}

/// `GET /v1/models`, one entry.
pub fn model(id: &str, owned_by: &str) -> Value {
    json!({"id": id, "object": "model", "created": 0, "owned_by": owned_by})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_read_and_refused_with_reasons() {
        let ok = parse_request(
            br#"{"model":"concierge/assistant","messages":[{"role":"system","content":"Be brief"},
                {"role":"user","content":[{"type":"text","text":"Hi"},{"type":"text","text":"there"}]}],
                "stream":true,"stream_options":{"include_usage":true},"seed":3}"#,
        )
        .unwrap();
        assert_eq!(ok.messages[1].read(1).unwrap(), (Role::User, "Hi\nthere".to_string()));
        assert_eq!(ok.messages[0].read(0).unwrap().0, Role::System);
        assert!(ok.stream_options.unwrap().include_usage);

        let err = |body: &str| parse_request(body.as_bytes()).unwrap_err();
        assert_eq!(err("{").param, Some("body"));
        assert_eq!(err(r#"{"model":"m","messages":[]}"#).param, Some("messages"));
        assert_eq!(err(r#"{"model":" ","messages":[{"role":"user","content":"x"}]}"#).param, Some("model"));
        let tools = r#"{"model":"m","messages":[{"role":"user","content":"x"}],"tools":[{"type":"function"}]}"#;
        assert_eq!(err(tools).param, Some("tools"));
        assert_eq!(err(r#"{"model":"m","messages":[{"role":"user","content":"x"}],"n":2}"#).param, Some("n"));
        assert_eq!(
            err(r#"{"model":"m","messages":[{"role":"user","content":"x"}],"temperature":9}"#).status,
            StatusCode::BAD_REQUEST
        );
        let tool_msg = parse_request(br#"{"model":"m","messages":[{"role":"tool","content":"x"}]}"#).unwrap();
        assert!(tool_msg.messages[0].read(0).is_err());
        let image =
            parse_request(br#"{"model":"m","messages":[{"role":"user","content":[{"type":"image_url"}]}]}"#).unwrap();
        assert!(image.messages[0].read(0).unwrap_err().message.contains("only text"));
    }

    #[test]
    fn errors_have_openais_shape() {
        let e = ApiError::rate_limited("Slow down.", 0);
        assert_eq!(e.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(e.retry_after, Some(1));
        let body = e.body();
        assert_eq!(body["error"]["code"], "rate_limit_exceeded");
        assert_eq!(body["error"]["message"], "Slow down.");
        assert_eq!(ApiError::model_not_found("x").body()["error"]["param"], "model");
    }
}
