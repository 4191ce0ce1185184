//! Waiting for the venue: while an action in the conversation waits for the venue's approval,
//! the page looks for the decision now and then (the agent then continues in this thread, and
//! the page follows).

use super::timeline::Timeline;
use crate::domain::chat::{Approver, ChatItem, ItemKind, ItemStatus};
use leptos::prelude::*;

/// Polls the thread while an action waits for the venue (browser only). Also until the agent's
/// follow-up appears: a decision lands a moment before the reply to it starts, and a look in
/// between would otherwise stop too early.
pub fn poll_for_venue_decisions(tl: Timeline) {
    let rows = tl.rows;
    let waits_for_venue = Memo::new(move |_| {
        rows.with(|v| {
            let venue = |i: &ChatItem| i.tool().and_then(|t| t.approval).is_some_and(|a| a.approver == Approver::Venue);
            let pending = v.iter().any(|(_, i)| i.with(|i| i.status == ItemStatus::AwaitingApproval && venue(i)));
            let unanswered = v.last().is_some_and(|(_, i)| i.with(|i| i.kind == ItemKind::ToolCall && venue(i)));
            pending || unanswered
        })
    });
    #[cfg(feature = "hydrate")]
    {
        use crate::api::chat::open_chat;
        let (thread_id, streaming) = (tl.thread_id, tl.streaming);
        let poll = StoredValue::new_local(None::<leptos::prelude::IntervalHandle>);
        Effect::new(move |_| {
            let waiting = waits_for_venue.get() && !streaming.get();
            if let Some(h) = poll.get_value() {
                h.clear();
                poll.set_value(None);
            }
            if waiting {
                let handle = set_interval_with_handle(
                    move || {
                        leptos::task::spawn_local(async move {
                            if let Ok(o) = open_chat(thread_id).await {
                                let changed = o.live
                                    || o.page.items.len() != rows.with_untracked(Vec::len)
                                    || o.page.items.iter().any(|i| {
                                        rows.with_untracked(|v| {
                                            v.iter()
                                                .find(|(id, _)| *id == i.id)
                                                .is_none_or(|(_, r)| r.with_untracked(|r| r.status != i.status))
                                        })
                                    });
                                if changed {
                                    tl.load(o);
                                }
                            }
                        });
                    },
                    std::time::Duration::from_secs(4),
                )
                .ok();
                poll.set_value(handle);
            }
        });
        on_cleanup(move || {
            if let Some(h) = poll.get_value() {
                h.clear();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (waits_for_venue, tl);
}
