//! A scripted provider: no model, a deterministic reply built from the last user message,
//! streamed word by word with a configurable pause. It exists so that tests and benchmarks
//! measure our server and not a model. It is off unless `CONCIERGE_SCRIPTED_MODEL` is set, and the
//! model picker labels it as such.
//!
//! The reply echoes the question, then a short markdown body (a list, a table and a code
//! block, so the renderer is exercised). A message containing `long reply` gets 400 words, one
//! containing `fail midway` gets an error after a few words.
//!
//! Tool calls, when tools are offered, are scripted in the user's message:
//! `[[call NAME {json}]]` calls a tool in the first step, `[[2:call NAME {json}]]` in the second,
//! `[[*:call NAME {json}]]` in every step (several directives of one step are parallel calls).
//! A step with no directive answers with the tool results it was given, so tests see exactly
//! what the model was told; `[[N:say TEXT]]` answers step N with TEXT instead (a model that gets
//! the results wrong; `say64` takes the text in base64, so that its words are not also the
//! person's).
//!
//! Structured output (a request with a `response_schema`): the answer is the JSON of the first
//! `[[json64 BASE64]]` (base64 of the JSON, so that the values it holds are not also words of
//! the text the answer is checked against) or `[[json {...}]]` directive in the user's message,
//! else `{}`. The schema is not enforced: a test can hand back extra, missing or invented fields,
//! as a real model might.

use super::{
    emit, ChatRequest, EventRx, FinishReason, Provider, ProviderError, Speaker, StreamEvent, ToolCall, Usage, CHANNEL,
};
use std::time::Duration;
use tokio::sync::mpsc;

pub struct Scripted {
    /// Pause between words.
    pub delay: Duration,
}

/// The step of the turn: 1 + replies with tool calls since the last user message.
fn step(request: &ChatRequest) -> usize {
    1 + request
        .messages
        .iter()
        .rev()
        .take_while(|m| m.role != Speaker::User)
        .filter(|m| !m.tool_calls.is_empty())
        .count()
}

/// The tool calls scripted for this step of the turn.
pub fn scripted_calls(request: &ChatRequest) -> Vec<ToolCall> {
    if request.tools.is_empty() {
        return Vec::new();
    }
    let Some(question) = request.messages.iter().rev().find(|m| m.role == Speaker::User) else { return Vec::new() };
    let step = step(request);
    let mut calls = Vec::new();
    let mut rest = question.content.as_str();
    while let Some(start) = rest.find("[[") {
        let Some(len) = rest[start..].find("]]") else { break };
        let directive = &rest[start + 2..start + len];
        rest = &rest[start + len + 2..];
        let (when, body) = match directive.split_once(":call ") {
            Some((n, body)) => (n.trim(), body),
            None => match directive.strip_prefix("call ") {
                Some(body) => ("1", body),
                None => continue,
            },
        };
        let due = when == "*" || when.parse::<usize>().is_ok_and(|n| n == step);
        if !due {
            continue;
        }
        let (name, args) = body.trim().split_once(' ').unwrap_or((body.trim(), "{}"));
        calls.push(ToolCall {
            id: format!("call_{step}_{}", calls.len() + 1),
            name: name.to_string(),
            arguments: args.trim().to_string(),
        });
    }
    calls
}

/// The text of a `[[N:say TEXT]]` directive for this step of the turn.
fn scripted_say(request: &ChatRequest) -> Option<String> {
    let question = request.messages.iter().rev().find(|m| m.role == Speaker::User)?;
    let step = step(request);
    let mut rest = question.content.as_str();
    while let Some(start) = rest.find("[[") {
        let len = rest[start..].find("]]")?;
        let directive = &rest[start + 2..start + len];
        rest = &rest[start + len + 2..];
        if let Some((n, text)) = directive.split_once(":say ") {
            if n.trim().parse::<usize>().is_ok_and(|n| n == step) {
                return Some(text.trim().to_string());
            }
        }
        if let Some((n, text)) = directive.split_once(":say64 ") {
            if n.trim().parse::<usize>().is_ok_and(|n| n == step) {
                return base64_decode(text.trim()).and_then(|b| String::from_utf8(b).ok());
            }
        }
    }
    None
}

/// The `[[json64 ...]]` or `[[json ...]]` directive of a structured request, or `{}`.
fn scripted_json(request: &ChatRequest) -> String {
    let question =
        request.messages.iter().rev().find(|m| m.role == Speaker::User).map(|m| m.content.as_str()).unwrap_or("");
    if let Some(start) = question.find("[[json64 ") {
        let body = &question[start + 9..];
        let encoded = body.split("]]").next().unwrap_or("").trim();
        return base64_decode(encoded).and_then(|b| String::from_utf8(b).ok()).unwrap_or_else(|| "{}".into());
    }
    question
        .find("[[json ")
        .and_then(|start| {
            // Exactly one JSON value follows (whatever brackets it holds).
            let mut values =
                serde_json::Deserializer::from_str(&question[start + 7..]).into_iter::<serde_json::Value>();
            values.next().and_then(Result::ok).map(|v| v.to_string())
        })
        .unwrap_or_else(|| "{}".into())
}

/// Standard base64 (padding optional); `None` for anything else.
fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    };
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for c in s.trim_end_matches('=').bytes() {
        acc = (acc << 6) | u32::from(value(c)?);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

impl Scripted {
    pub fn reply_for(request: &ChatRequest) -> String {
        if request.response_schema.is_some() {
            return scripted_json(request);
        }
        if request.messages.last().is_some_and(|m| m.role == Speaker::Tool) {
            if let Some(said) = scripted_say(request) {
                return said;
            }
            let results: Vec<String> = request
                .messages
                .iter()
                .rev()
                .take_while(|m| m.role == Speaker::Tool)
                .map(|m| {
                    format!(
                        "- {}: {}",
                        m.tool_call_id.as_deref().unwrap_or("?"),
                        m.content.chars().take(400).collect::<String>()
                    )
                })
                .collect();
            let mut results = results;
            results.reverse();
            return format!("Here is what the tools said:\n\n{}\n", results.join("\n"));
        }
        let question =
            request.messages.iter().rev().find(|m| m.role == Speaker::User).map(|m| m.content.as_str()).unwrap_or("");
        let system =
            request.messages.iter().find(|m| m.role == Speaker::System).map(|m| m.content.as_str()).unwrap_or("");
        if system == super::TITLE_SYSTEM {
            let message = question.rsplit("Message: ").next().unwrap_or("");
            let first_line = message.lines().next().unwrap_or("");
            let words: Vec<&str> = first_line.split_whitespace().take(4).collect();
            return format!("Chat about {}", words.join(" "));
        }
        let one_line: String = question.split_whitespace().collect::<Vec<_>>().join(" ");
        let quoted: String = one_line.chars().take(200).collect();
        let mut reply = format!(
            "You asked: **{quoted}**\n\nHere is what I would check:\n\n1. The event date and space\n2. The guest count\n\n| item | status |\n|---|---|\n| menu | proposed |\n| music | confirmed |\n\n```text\nturn {}\n```\n",
            request.messages.iter().filter(|m| m.role == Speaker::User).count()
        );
        if question.contains("long reply") {
            for i in 0..400 {
                reply.push_str(if i % 20 == 19 { "word.\n\n" } else { "word " });
            }
        }
        reply
    }
}

impl Provider for Scripted {
    fn kind(&self) -> &'static str {
        "scripted"
    }

    fn stream(&self, request: ChatRequest) -> EventRx {
        let (tx, rx) = mpsc::channel(CHANNEL);
        let delay = self.delay;
        let calls = scripted_calls(&request);
        if !calls.is_empty() {
            let prompt_tokens: usize = request.messages.iter().map(|m| m.content.split_whitespace().count() + 4).sum();
            tokio::spawn(async move {
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                let n = calls.len() as u32;
                for call in calls {
                    if !emit(&tx, Ok(StreamEvent::ToolCall(call))).await {
                        return;
                    }
                }
                let usage = Usage { prompt_tokens: prompt_tokens as u32, completion_tokens: 10 * n };
                if emit(&tx, Ok(StreamEvent::Usage(usage))).await {
                    emit(&tx, Ok(StreamEvent::Finished(FinishReason::ToolCalls))).await;
                }
            });
            return rx;
        }
        let reply = Self::reply_for(&request);
        let fail = request
            .messages
            .iter()
            .rev()
            .find(|m| m.role == Speaker::User)
            .is_some_and(|m| m.content.contains("fail midway"));
        let prompt_tokens: usize = request.messages.iter().map(|m| m.content.split_whitespace().count() + 4).sum();
        tokio::spawn(async move {
            let mut completion = 0u32;
            // Words keep their trailing whitespace, so the concatenation is the reply exactly.
            let mut rest = reply.as_str();
            while !rest.is_empty() {
                let word_end = rest.find(char::is_whitespace).unwrap_or(rest.len());
                let end =
                    rest[word_end..].find(|c: char| !c.is_whitespace()).map(|i| word_end + i).unwrap_or(rest.len());
                let (word, tail) = rest.split_at(end);
                rest = tail;
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                if !emit(&tx, Ok(StreamEvent::Text(word.to_string()))).await {
                    return;
                }
                completion += 1;
                if fail && completion == 5 {
                    emit(&tx, Err(ProviderError::Upstream("scripted failure midway".into()))).await;
                    return;
                }
            }
            let usage = Usage { prompt_tokens: prompt_tokens as u32, completion_tokens: completion };
            if emit(&tx, Ok(StreamEvent::Usage(usage))).await {
                emit(&tx, Ok(StreamEvent::Finished(FinishReason::Stop))).await;
            }
        });
        rx
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_round_trip() {
        assert_eq!(super::base64_decode("eyJhIjogMX0=").as_deref(), Some(&b"{\"a\": 1}"[..]));
        assert_eq!(super::base64_decode("eyJhIjogMX0").as_deref(), Some(&b"{\"a\": 1}"[..]));
        assert_eq!(super::base64_decode("not base64!"), None);
    }
}
