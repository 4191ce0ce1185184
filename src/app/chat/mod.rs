//! The chat with the assistant and the agents. `/chat` and `/chat/:id`: a sidebar of the
//! person's threads (search, rename, pin, archive, delete) beside the open conversation, or the
//! empty state with starter prompts when none is open. Also the agents' chat panels (dashboard,
//! event page, embedded widget) and the venue's queue of agent actions awaiting approval.

pub mod approvals;
mod attachments;
mod composer;
mod conversation;
mod follow;
mod model_picker;
mod new_chat;
mod panel;
mod preview;
mod sidebar;

pub use conversation::Thread;
pub use new_chat::NewChat;
pub use panel::{AgentPanel, EmbedChat};
pub use preview::PreviewDetails;

use crate::api::chat::chat_models;
use crate::api::AppError;
use crate::domain::chat::ModelCatalog;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Outlet;

/// Shared by the sidebar and the open conversation.
#[derive(Clone, Copy)]
pub struct ChatCtx {
    /// Bumped whenever the thread list may have changed (a send, a title, a rename...).
    pub threads_version: RwSignal<u32>,
    pub models: Resource<Result<ModelCatalog, AppError>>,
    /// The sidebar is open on a phone.
    pub sidebar_open: RwSignal<bool>,
}

impl ChatCtx {
    pub fn refresh_threads(&self) {
        self.threads_version.update(|v| *v += 1);
    }
}

/// The frame of both chat routes. It renders at once (no waiting on the session): the sidebar's
/// list answers `Unauthenticated` for a logged-out visitor and sends them to log in.
#[component]
pub fn ChatLayout() -> impl IntoView {
    let ctx = ChatCtx {
        threads_version: RwSignal::new(0),
        models: Resource::new(|| (), |_| chat_models()),
        sidebar_open: RwSignal::new(false),
    };
    provide_context(ctx);
    view! {
        <Title text="Chat" />
        <div class="chat-layout">
            <sidebar::Sidebar />
            <section class="flex min-h-0 min-w-0 flex-col" aria-label="Conversation">
                <Outlet />
            </section>
        </div>
    }
}
