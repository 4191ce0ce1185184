//! Following the reply being written: what the thread's event stream says, applied to the
//! conversation's items as it arrives (see [`crate::app::chat::follow`] for the connection).

use super::timeline::Timeline;
use crate::api::chat::get_chat_thread;
use crate::app::chat::follow::{follow, Heard};
use crate::domain::chat::{ChatEvent, ItemStatus};
use leptos::prelude::*;

impl Timeline {
    /// Follows the thread's stream, replaying from after item `after`.
    pub fn start_follow(self, after: i64) {
        self.streaming.set(true);
        self.follower.set_value(follow(self.thread_id, after, move |heard| self.on_heard(heard)));
    }

    fn on_heard(self, heard: Heard) {
        let Self { rows, streaming, reconnecting, banner, follower, .. } = self;
        match heard {
            Heard::Event(event) => {
                reconnecting.set(false);
                match *event {
                    ChatEvent::ItemAdded { item } | ChatEvent::ItemUpdated { item } => {
                        streaming.set(item.status == ItemStatus::Streaming || streaming.get_untracked());
                        self.upsert(item);
                    }
                    ChatEvent::ItemDelta { item_id, delta } => {
                        let rows = rows.read_untracked();
                        if let Some((_, item)) = rows.iter().rev().find(|(id, _)| *id == item_id) {
                            item.update(|i| i.content.push_str(&delta));
                        }
                    }
                    ChatEvent::ItemDone { item } => self.upsert(item),
                    ChatEvent::Error { message } => banner.set(Some(message)),
                    ChatEvent::Done => {
                        streaming.set(false);
                        // Dropped after this callback returns (it is the follower's own listener).
                        set_timeout(move || follower.set_value(None), std::time::Duration::ZERO);
                        self.refresh_thread();
                    }
                }
                self.scroll_to_end();
            }
            Heard::Reconnecting => reconnecting.set(true),
            Heard::Failed => {
                reconnecting.set(false);
                streaming.set(false);
                banner.set(Some("The connection to the server was lost. Reload the page to see the latest.".into()));
            }
        }
    }

    /// After a reply: the thread's title and model may have changed, and so may the list's order.
    fn refresh_thread(self) {
        leptos::task::spawn_local(async move {
            if let Ok(t) = get_chat_thread(self.thread_id).await {
                self.thread.set(t);
            }
            if let Some(ctx) = self.ctx {
                ctx.refresh_threads();
            }
        });
    }
}
