//! The MCP client's wire: JSON-RPC over Streamable HTTP (MCP 2025-06-18), as much of it as
//! listing and calling tools takes: `initialize`, `notifications/initialized`, then one request,
//! each a POST whose answer is a JSON body or a `text/event-stream` that carries it; the
//! `Mcp-Session-Id` the server gives is sent back, and the session is closed with a DELETE.
//!
//! Written here rather than with rmcp's client transport: every request must go through the
//! outbound guard's client (vetted addresses at connect, no redirects), be capped in bytes as
//! they arrive and in time, and rmcp's Streamable HTTP client would need an adapter around our
//! HTTP client for each of those; the part of the protocol a tool call needs is these few lines.
//! The server side (`web::mcp`) is rmcp's.

use crate::security::outbound::{OutboundError, OutboundPolicy};
use crate::store::mcp_servers::Connection;
use serde_json::{json, Value};
use std::time::Duration;

/// The protocol version asked for (the server answers with the one it speaks).
pub const PROTOCOL: &str = "2025-06-18";
/// The most a server's answer may weigh.
pub const MAX_BODY: usize = 1 << 20;
/// How long one request may take, and one whole call (session, call, close).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(20);
pub const CALL_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a server could not be used. The message is safe to show to the venue's people.
#[derive(Debug, thiserror::Error)]
pub enum RemoteError {
    #[error("{0}")]
    Guard(#[from] OutboundError),
    #[error("the server did not answer ({0})")]
    Unreachable(String),
    #[error("the server answered {0}")]
    Status(u16),
    #[error("the server's answer is larger than {} KB", MAX_BODY / 1024)]
    TooLarge,
    #[error("the server took longer than {0} seconds")]
    Timeout(u64),
    #[error("the server's answer is not MCP: {0}")]
    Protocol(String),
    #[error("the server refused: {0}")]
    Refused(String),
}

/// An open session with one server.
pub struct Session<'a> {
    http: &'a reqwest::Client,
    policy: &'a OutboundPolicy,
    conn: &'a Connection,
    session: Option<String>,
    version: String,
    next_id: i64,
}

impl<'a> Session<'a> {
    /// Opens a session: `initialize`, then `notifications/initialized`.
    pub async fn open(
        http: &'a reqwest::Client,
        policy: &'a OutboundPolicy,
        conn: &'a Connection,
    ) -> Result<Session<'a>, RemoteError> {
        let mut s = Session { http, policy, conn, session: None, version: PROTOCOL.to_string(), next_id: 1 };
        let init = s
            .request(
                "initialize",
                json!({
                    "protocolVersion": PROTOCOL,
                    "capabilities": {},
                    "clientInfo": {"name": "concierge", "version": env!("CARGO_PKG_VERSION")},
                }),
            )
            .await?;
        if let Some(v) = init.get("protocolVersion").and_then(Value::as_str) {
            if v.len() <= 20 && v.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
                s.version = v.to_string();
            }
        }
        s.notify("notifications/initialized").await?;
        Ok(s)
    }

    fn post(&self, body: &Value) -> Result<reqwest::RequestBuilder, RemoteError> {
        // Names are vetted as they resolve; a literal address never reaches the resolver.
        self.policy.check_literal(&self.conn.url)?;
        let mut req = self
            .http
            .post(&self.conn.url)
            .header("content-type", "application/json")
            .header("accept", "application/json, text/event-stream")
            .header("mcp-protocol-version", &self.version)
            .timeout(REQUEST_TIMEOUT)
            .body(body.to_string());
        if let Some(id) = &self.session {
            req = req.header("mcp-session-id", id);
        }
        for (name, value) in &self.conn.headers {
            req = req.header(name, value);
        }
        Ok(req)
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Result<reqwest::Response, RemoteError> {
        req.send().await.map_err(|e| {
            if let Some(refused) = crate::security::outbound::refusal(&e) {
                RemoteError::Guard(refused.clone())
            } else if e.is_timeout() {
                RemoteError::Timeout(REQUEST_TIMEOUT.as_secs())
            } else {
                RemoteError::Unreachable(if e.is_connect() {
                    "no connection".into()
                } else {
                    "the request failed".into()
                })
            }
        })
    }

    /// A notification: the server answers 202 with no body.
    async fn notify(&self, method: &str) -> Result<(), RemoteError> {
        let resp = self.send(self.post(&json!({"jsonrpc": "2.0", "method": method}))?).await?;
        if !resp.status().is_success() {
            return Err(RemoteError::Status(resp.status().as_u16()));
        }
        Ok(())
    }

    /// A request; its `result`, or the server's error.
    pub async fn request(&mut self, method: &str, params: Value) -> Result<Value, RemoteError> {
        let id = self.next_id;
        self.next_id += 1;
        let body = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        let mut resp = self.send(self.post(&body)?).await?;
        if let Some(sid) = resp.headers().get("mcp-session-id").and_then(|v| v.to_str().ok()) {
            if sid.len() <= 200 && sid.bytes().all(|b| (0x21..=0x7e).contains(&b)) {
                self.session = Some(sid.to_string());
            }
        }
        let status = resp.status();
        if !status.is_success() {
            return Err(RemoteError::Status(status.as_u16()));
        }
        let streamed = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.to_ascii_lowercase().starts_with("text/event-stream"));
        let message = if streamed { read_stream(&mut resp, id).await? } else { read_json(&mut resp).await? };
        answer(message, id)
    }

    /// Ends the session (best effort: a server that keeps none answers 405).
    pub async fn close(self) {
        let Some(id) = &self.session else { return };
        if self.policy.check_literal(&self.conn.url).is_err() {
            return;
        }
        let mut req = self
            .http
            .delete(&self.conn.url)
            .header("mcp-session-id", id)
            .header("mcp-protocol-version", &self.version)
            .timeout(Duration::from_secs(3));
        for (name, value) in &self.conn.headers {
            req = req.header(name, value);
        }
        let _ = req.send().await;
    }
}

/// The next chunk of an answer, in time.
async fn chunk(resp: &mut reqwest::Response) -> Result<Option<bytes::Bytes>, RemoteError> {
    resp.chunk().await.map_err(|e| {
        if e.is_timeout() {
            RemoteError::Timeout(REQUEST_TIMEOUT.as_secs())
        } else {
            RemoteError::Unreachable("the answer broke off".into())
        }
    })
}

async fn read_json(resp: &mut reqwest::Response) -> Result<Value, RemoteError> {
    let mut body: Vec<u8> = Vec::new();
    while let Some(c) = chunk(resp).await? {
        if body.len() + c.len() > MAX_BODY {
            return Err(RemoteError::TooLarge);
        }
        body.extend_from_slice(&c);
    }
    serde_json::from_slice(&body).map_err(|_| RemoteError::Protocol("the body is not JSON".into()))
}

/// Reads server-sent events until the one that answers request `id` (the server may send
/// notifications and requests of its own first, which a tool call does not need).
async fn read_stream(resp: &mut reqwest::Response, id: i64) -> Result<Value, RemoteError> {
    let mut events = SseBuffer::default();
    let mut seen = 0usize;
    while let Some(c) = chunk(resp).await? {
        seen += c.len();
        if seen > MAX_BODY {
            return Err(RemoteError::TooLarge);
        }
        for data in events.push(&c) {
            if let Ok(message) = serde_json::from_str::<Value>(&data) {
                if message.get("id").and_then(Value::as_i64) == Some(id) {
                    return Ok(message);
                }
            }
        }
    }
    Err(RemoteError::Protocol("the event stream ended without an answer".into()))
}

/// A JSON-RPC response's result, or its error as the server worded it (clipped, one line).
fn answer(message: Value, id: i64) -> Result<Value, RemoteError> {
    if message.get("id").and_then(Value::as_i64) != Some(id) {
        return Err(RemoteError::Protocol("the answer is not to the request".into()));
    }
    if let Some(err) = message.get("error") {
        let text = err.get("message").and_then(Value::as_str).unwrap_or("an error");
        return Err(RemoteError::Refused(one_line(text, 300)));
    }
    match message.get("result") {
        Some(r) if r.is_object() => Ok(r.clone()),
        _ => Err(RemoteError::Protocol("the answer has no result".into())),
    }
}

/// Outside text on one line, without control characters, at most `max` characters.
pub fn one_line(s: &str, max: usize) -> String {
    let flat: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    crate::domain::text::clip(flat.split_whitespace().collect::<Vec<_>>().join(" ").as_str(), max).to_string()
}

/// Collects server-sent events as their bytes arrive: `push` returns the `data` of each event
/// completed by a blank line (its `data:` lines joined by newlines).
#[derive(Default)]
pub struct SseBuffer {
    pending: Vec<u8>,
    /// How far `pending` was searched for an event's end (a chunk is not searched again).
    scanned: usize,
}

impl SseBuffer {
    pub fn push(&mut self, bytes: &[u8]) -> Vec<String> {
        self.pending.extend_from_slice(bytes);
        let mut out = Vec::new();
        loop {
            let text = &self.pending;
            // An end may straddle the previous chunk: back up by its length less one.
            let end = (self.scanned.saturating_sub(3)..text.len()).find_map(|i| {
                if text[i..].starts_with(b"\n\n") {
                    Some((i, 2))
                } else if text[i..].starts_with(b"\r\n\r\n") {
                    Some((i, 4))
                } else {
                    None
                }
            });
            let Some((at, sep)) = end else {
                self.scanned = self.pending.len();
                break;
            };
            let event = String::from_utf8_lossy(&self.pending[..at]).into_owned();
            self.pending.drain(..at + sep);
            self.scanned = 0;
            let data: Vec<&str> = event
                .lines()
                .filter_map(|l| l.strip_prefix("data:"))
                .map(|d| d.strip_prefix(' ').unwrap_or(d))
                .collect();
            if !data.is_empty() {
                out.push(data.join("\n"));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_are_read_as_their_bytes_arrive() {
        let mut sse = SseBuffer::default();
        assert!(sse.push(b"event: message\r\ndata: {\"id\":").is_empty());
        assert_eq!(
            sse.push(b" 1}\r\n\r\n: comment\n\ndata: a\ndata: b\n\nid: 4\ndata: c"),
            vec!["{\"id\": 1}", "a\nb"]
        );
        assert_eq!(sse.push(b"\n\n"), vec!["c"]);
    }

    #[test]
    fn answers_are_matched_to_their_request() {
        assert_eq!(answer(json!({"jsonrpc": "2.0", "id": 2, "result": {"tools": []}}), 2).unwrap()["tools"], json!([]));
        let refused = answer(json!({"id": 2, "error": {"code": -32602, "message": "Unknown\ttool:\n x"}}), 2);
        assert_eq!(refused.unwrap_err().to_string(), "the server refused: Unknown tool: x");
        assert!(answer(json!({"id": 3, "result": {}}), 2).is_err());
        assert!(answer(json!({"id": 2, "result": "x"}), 2).is_err());
    }
}
