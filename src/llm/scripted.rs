//! A scripted provider: no model, a deterministic reply built from the last user message,
//! streamed word by word with a configurable pause. It exists so that tests and benchmarks
//! measure our server and not a model. It is off unless `CONCIERGE_SCRIPTED_MODEL` is set, and the
//! model picker labels it as such.
//!
//! The reply echoes the question, then a short markdown body (a list, a table and a code
//! block, so the renderer is exercised). A message containing `long reply` gets 400 words, one
//! containing `fail midway` gets an error after a few words.

use super::{emit, ChatRequest, EventRx, FinishReason, Provider, ProviderError, Role, StreamEvent, Usage, CHANNEL};
use std::time::Duration;
use tokio::sync::mpsc;

pub struct Scripted {
    /// Pause between words.
    pub delay: Duration,
}

impl Scripted {
    pub fn reply_for(request: &ChatRequest) -> String {
        let question =
            request.messages.iter().rev().find(|m| m.role == Role::User).map(|m| m.content.as_str()).unwrap_or("");
        let system = request.messages.iter().find(|m| m.role == Role::System).map(|m| m.content.as_str()).unwrap_or("");
        if system == crate::chat::TITLE_SYSTEM {
            let message = question.rsplit("Message: ").next().unwrap_or("");
            let first_line = message.lines().next().unwrap_or("");
            let words: Vec<&str> = first_line.split_whitespace().take(4).collect();
            return format!("Chat about {}", words.join(" "));
        }
        let one_line: String = question.split_whitespace().collect::<Vec<_>>().join(" ");
        let quoted: String = one_line.chars().take(200).collect();
        let mut reply = format!(
            "You asked: **{quoted}**\n\nHere is what I would check:\n\n1. The event date and space\n2. The guest count\n\n| item | status |\n|---|---|\n| menu | proposed |\n| music | confirmed |\n\n```text\nturn {}\n```\n",
            request.messages.iter().filter(|m| m.role == Role::User).count()
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
        let reply = Self::reply_for(&request);
        let fail = request
            .messages
            .iter()
            .rev()
            .find(|m| m.role == Role::User)
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
