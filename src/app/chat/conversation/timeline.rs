//! A conversation's state: the thread, its items (each in its own signal), the pages loaded (the
//! latest, older ones as the person scrolls up, a reload after a branch change), and keeping the
//! newest text in view. Following the stream is in [`super::stream`].

use crate::api::chat::{older_chat_items, open_chat};
use crate::api::AppError;
use crate::app::chat::composer::send_error;
use crate::app::chat::follow::{self, Slot};
use crate::app::chat::ChatCtx;
use crate::domain::chat::{ChatItem, ChatThread, ItemKind, ItemStatus, ThreadOpen};
use leptos::prelude::*;

/// One rendered item: its id and its own signal, so a delta re-renders only that message.
pub type Row = (i64, ArcRwSignal<ChatItem>);

/// Every handle is a signal or a stored value: the whole is `Copy`, for the closures.
#[derive(Clone, Copy)]
pub struct Timeline {
    pub ctx: Option<ChatCtx>,
    pub thread_id: i64,
    pub thread: RwSignal<ChatThread>,
    pub rows: RwSignal<Vec<Row>>,
    pub has_more: RwSignal<bool>,
    pub loading_older: RwSignal<bool>,
    pub streaming: RwSignal<bool>,
    pub reconnecting: RwSignal<bool>,
    /// What went wrong last (a send, the stream, a branch change...).
    pub banner: RwSignal<Option<String>>,
    pub follower: Slot,
    pub scroller: NodeRef<leptos::html::Div>,
    /// Whether the view follows the newest text (false once the person scrolls up).
    pub stick: StoredValue<bool>,
}

impl Timeline {
    /// The state for a thread; its items come with [`Timeline::load`].
    pub fn new(open: &ThreadOpen, ctx: Option<ChatCtx>) -> Self {
        Self {
            ctx,
            thread_id: open.thread.id,
            thread: RwSignal::new(open.thread.clone()),
            rows: RwSignal::new(Vec::new()),
            has_more: RwSignal::new(false),
            loading_older: RwSignal::new(false),
            streaming: RwSignal::new(false),
            reconnecting: RwSignal::new(false),
            banner: RwSignal::new(None),
            follower: follow::slot(),
            scroller: NodeRef::new(),
            stick: StoredValue::new(true),
        }
    }

    /// Browser only: there is no window to scroll while rendering on the server.
    pub fn scroll_to_end(self) {
        let (stick, scroller) = (self.stick, self.scroller);
        if cfg!(feature = "hydrate") && stick.try_get_value().unwrap_or(false) {
            request_animation_frame(move || {
                if let Some(el) = scroller.try_get_untracked().flatten() {
                    el.set_scroll_top(el.scroll_height());
                }
            });
        }
    }

    pub fn upsert(self, item: ChatItem) {
        let existing =
            self.rows.with_untracked(|v| v.iter().rev().find(|(id, _)| *id == item.id).map(|(_, s)| s.clone()));
        match existing {
            Some(signal) => signal.set(item),
            None => self.rows.update(|v| {
                let at = v.partition_point(|(id, _)| *id < item.id);
                v.insert(at, (item.id, ArcRwSignal::new(item)));
            }),
        }
    }

    pub fn report(self, e: AppError) {
        self.banner.set(Some(send_error(&e)));
    }

    /// Shows a page of the thread (the latest, or a branch's), and follows a turn in progress.
    pub fn load(self, open: ThreadOpen) {
        self.thread.set(open.thread);
        self.has_more.set(open.page.has_more);
        let in_progress =
            open.page.items.iter().any(|i| matches!(i.status, ItemStatus::Streaming | ItemStatus::Running));
        // A turn in progress may write several items (replies, tool calls): follow it from the
        // message that started it, so that nothing it wrote before the page loaded is missed.
        let turn_start = open.page.items.iter().filter(|i| i.kind == ItemKind::User).map(|i| i.id).max().unwrap_or(0);
        // Rows keep their signals by id: the list is keyed by id, so a row that stays is not
        // rendered again and must see its new state through its own signal.
        let fresh: Vec<Row> = self.rows.with_untracked(|old| {
            open.page
                .items
                .into_iter()
                .map(|i| match old.iter().find(|(id, _)| *id == i.id) {
                    Some((id, signal)) => {
                        if signal.with_untracked(|s| s != &i) {
                            signal.set(i);
                        }
                        (*id, signal.clone())
                    }
                    None => (i.id, ArcRwSignal::new(i)),
                })
                .collect()
        });
        self.rows.set(fresh);
        if open.live || in_progress {
            self.start_follow(turn_start);
        } else {
            self.streaming.set(false);
        }
        self.stick.set_value(true);
        self.scroll_to_end();
    }

    /// Loads the thread's latest page again.
    pub fn reload(self) {
        leptos::task::spawn_local(async move {
            match open_chat(self.thread_id).await {
                Ok(o) => self.load(o),
                Err(e) => self.banner.set(Some(e.to_string())),
            }
        });
    }

    /// The page before the first item shown, keeping the message on top where it was.
    pub fn load_older(self) {
        let (rows, has_more, loading_older, scroller) = (self.rows, self.has_more, self.loading_older, self.scroller);
        if loading_older.get_untracked() || !has_more.get_untracked() {
            return;
        }
        let Some(first) = rows.with_untracked(|v| v.first().map(|(id, _)| *id)) else { return };
        loading_older.set(true);
        let before_height = scroller.get_untracked().map(|el| el.scroll_height()).unwrap_or(0);
        leptos::task::spawn_local(async move {
            match older_chat_items(self.thread_id, first).await {
                Ok(page) => {
                    has_more.set(page.has_more);
                    rows.update(|v| {
                        let mut older: Vec<Row> = page.items.into_iter().map(|i| (i.id, ArcRwSignal::new(i))).collect();
                        older.append(v);
                        *v = older;
                    });
                    // Keep the message that was on top where it was.
                    request_animation_frame(move || {
                        if let Some(el) = scroller.get_untracked() {
                            el.set_scroll_top(el.scroll_top() + el.scroll_height() - before_height);
                        }
                    });
                }
                Err(e) => self.report(e),
            }
            loading_older.set(false);
        });
    }

    /// The list scrolled: follow the newest text only near the bottom; near the top, load older.
    /// A scroll can still arrive while the conversation is being torn down (a link out of the
    /// chat): then its state is gone and there is nothing to do.
    pub fn on_scroll(self) {
        if let Some(el) = self.scroller.try_get_untracked().flatten() {
            let from_bottom = el.scroll_height() - el.scroll_top() - el.client_height();
            self.stick.try_set_value(from_bottom < 80);
            if el.scroll_top() < 400 {
                self.load_older();
            }
        }
    }
}
