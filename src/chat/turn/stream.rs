//! One model call of a turn, streamed into its reply: the text written as it grows and shown
//! once written, the tool calls collected, our own limits kept whatever the provider does. The
//! turn loop (`super`) decides what to do with what it produced.

use super::{Generated, ReplyTask};
use crate::chat::live::Live;
use crate::chat::Hub;
use crate::llm::{ChatRequest, StreamEvent, ToolCall};
use crate::store::chat as store;

impl Hub {
    /// Streams one model call into reply `reply_id`; collects the tool calls it makes. The text is
    /// written as it grows, appending what is new every [`Hub::flush_every`], and shown to
    /// watchers (here and on other instances) once written: nothing a person was shown is lost
    /// if this process dies. The rest is shown with the reply's end. It stops at our own limits
    /// ([`reply_limit`], [`crate::chat::MAX_CALLS_PER_STEP`]) whatever the provider does.
    pub(super) async fn stream_step(
        &self,
        job: &ReplyTask,
        live: &Live,
        reply_id: i64,
        request: ChatRequest,
    ) -> Generated {
        let mut out = Generated::default();
        let limit = reply_limit(request.max_tokens);
        let mut rx = job.model.provider.stream(request);
        let mut tick = tokio::time::interval(self.flush_every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut dirty = false;
        // Bytes of `out.text` already in the database.
        let mut flushed = 0usize;
        loop {
            tokio::select! {
                biased;
                _ = live.stop.notified() => {
                    out.stopped = true;
                    break;
                }
                event = rx.recv() => match event {
                    None => break,
                    Some(Ok(StreamEvent::Text(t))) => {
                        // Postgres text cannot hold NUL: a provider's would fail every write.
                        let t = without_nul(t);
                        let room = limit.saturating_sub(out.text.len());
                        let kept = crate::domain::text::clip_bytes(&t, room);
                        out.text.push_str(kept);
                        out.chunks += 1;
                        dirty = true;
                        if kept.len() < t.len() {
                            tracing::warn!(limit, model = %job.model.info.id, "reply cut at its length limit");
                            out.error = Some("The reply was cut off: it reached its length limit.".into());
                            break;
                        }
                    }
                    Some(Ok(StreamEvent::Usage(u))) => out.usage = Some(u),
                    Some(Ok(StreamEvent::ToolCall(call))) => {
                        if out.calls.len() == crate::chat::MAX_CALLS_PER_STEP {
                            tracing::warn!(model = %job.model.info.id, "too many tool calls in one step");
                            out.error = Some(format!(
                                "The model asked for more than {} tool calls at once; the reply was stopped.",
                                crate::chat::MAX_CALLS_PER_STEP
                            ));
                            break;
                        }
                        out.calls.push(ToolCall {
                            id: without_nul(call.id),
                            name: without_nul(call.name),
                            arguments: without_nul(call.arguments),
                        });
                    }
                    Some(Ok(StreamEvent::Finished(_))) => break,
                    Some(Err(e)) => {
                        out.error = Some(e.to_string());
                        break;
                    }
                },
                _ = tick.tick(), if dirty => {
                    match store::flush(&self.pool, reply_id, &out.text, flushed).await {
                        Ok(true) => {
                            live.delta(&out.text[flushed..]);
                            flushed = out.text.len();
                            dirty = false;
                        }
                        // Ended elsewhere (this instance was given up for dead): what was
                        // stored stands; writing stops.
                        Ok(false) => {
                            tracing::warn!(item = reply_id, "this reply was ended elsewhere: writing stops");
                            live.fence();
                            out.stopped = true;
                            break;
                        }
                        Err(e) => tracing::warn!(error = %e, "flushing a reply failed (retried at the next tick)"),
                    }
                }
            }
        }
        drop(rx); // cancels the provider if it is still going
        out
    }
}

/// Text from a provider without NUL characters (shown as U+FFFD), which Postgres cannot store.
fn without_nul(s: String) -> String {
    if s.contains('\0') {
        s.replace('\0', "\u{fffd}")
    } else {
        s
    }
}

/// The most bytes of text a reply asked for `max_tokens` may hold (see
/// [`crate::chat::BYTES_PER_TOKEN_LIMIT`], [`crate::chat::MAX_REPLY_BYTES`]).
fn reply_limit(max_tokens: u32) -> usize {
    (max_tokens as usize).saturating_mul(crate::chat::BYTES_PER_TOKEN_LIMIT).clamp(1024, crate::chat::MAX_REPLY_BYTES)
}
