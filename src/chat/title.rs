//! Naming a thread after its first exchange: the first words at once, then the model's title
//! if it gives one within 20 seconds (a title the person chose is never replaced).

use super::turn::ReplyTask;
use super::Hub;
use crate::domain::chat::fallback_title;
use crate::llm::{ChatRequest, Message, Speaker, StreamEvent};
use crate::store::chat::{self as store, UsageRecord};
use std::time::Duration;

impl Hub {
    /// Names the thread after its first exchange: the model's title, else the first words.
    pub(super) async fn title(&self, job: &ReplyTask, first: &str) {
        match store::needs_title(&self.pool, job.thread_id).await {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => {
                tracing::warn!(error = %e, "title check failed");
                return;
            }
        }
        let fallback = fallback_title(first);
        let _ = store::set_generated_title(&self.pool, job.thread_id, &fallback, "fallback").await;
        let clip = |s: &str, n: usize| s.chars().take(n).collect::<String>();
        let request = ChatRequest {
            model: job.model.model.clone(),
            // Small models follow an instruction in the user turn better than in the system one,
            // and continue the conversation if shown the reply: show them only the question.
            messages: vec![
                Message::new(Speaker::System, crate::llm::TITLE_SYSTEM),
                Message::new(
                    Speaker::User,
                    format!(
                        "Write a title of at most six words for a conversation that starts with the message below. \
                         Answer with the title only.\n\nMessage: {}",
                        clip(first, 600)
                    ),
                ),
            ],
            tools: Vec::new(),
            tool_choice: crate::llm::ToolChoice::Auto,
            max_tokens: 16,
            temperature: Some(0.0),
            user_key: job.actor.user_id.to_string(),
            cache_key: None,
            response_schema: None,
        };
        let mut rx = job.model.provider.stream(request);
        let collect = async {
            let (mut text, mut usage) = (String::new(), None);
            while let Some(ev) = rx.recv().await {
                match ev {
                    Ok(StreamEvent::Text(t)) => text.push_str(&t),
                    Ok(StreamEvent::Usage(u)) => usage = Some(u),
                    Ok(StreamEvent::Finished(_)) => break,
                    Ok(_) => {}
                    Err(e) => return Err(e),
                }
            }
            Ok((text, usage))
        };
        match tokio::time::timeout(Duration::from_secs(20), collect).await {
            Ok(Ok((text, usage))) => {
                if let Some(u) = usage {
                    let record = UsageRecord {
                        venue_id: job.actor.venue_id,
                        user_id: job.actor.user_id,
                        thread_id: Some(job.thread_id),
                        item_id: None,
                        purpose: "title",
                        model: &job.model.info.id,
                        prompt_tokens: u.prompt_tokens as i32,
                        completion_tokens: u.completion_tokens as i32,
                    };
                    let _ = super::record_usage(&self.pool, &record).await;
                }
                if let Some(title) = crate::domain::chat::clean_model_title(&text) {
                    let _ = store::set_generated_title(&self.pool, job.thread_id, &title, "model").await;
                }
            }
            Ok(Err(e)) => tracing::info!(error = %e, "title not generated, keeping the fallback"),
            Err(_) => tracing::info!("title generation timed out, keeping the fallback"),
        }
    }
}
