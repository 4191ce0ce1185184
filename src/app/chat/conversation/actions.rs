//! What the messages of a conversation can ask of it: edit a message, regenerate or retry a
//! reply, switch between versions, decide on a proposed action.

use super::timeline::Timeline;
use crate::api::agents::decide_approval;
use crate::api::chat::{edit_chat_message, regenerate_reply, switch_chat_branch};
use crate::api::AppError;
use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Actions {
    pub edit: Callback<(i64, String)>,
    pub regenerate: Callback<()>,
    pub switch: Callback<(i64, i64)>,
    /// Approve (true) or reject an action: (approval id, approve, note).
    pub decide: Callback<(i64, bool, String)>,
    /// A reply is being written or a message sent: the buttons wait.
    pub busy: Signal<bool>,
}

impl Actions {
    pub fn new(tl: Timeline, sending: RwSignal<bool>) -> Self {
        let (thread_id, banner, streaming) = (tl.thread_id, tl.banner, tl.streaming);
        // Regenerate, edit and switch change the branch: reload the page of the new one.
        let after_branch_change = move |result: Result<(), AppError>| match result {
            Ok(()) => tl.reload(),
            Err(e) => tl.report(e),
        };
        Actions {
            edit: Callback::new(move |(item_id, body): (i64, String)| {
                banner.set(None);
                leptos::task::spawn_local(async move {
                    after_branch_change(edit_chat_message(thread_id, item_id, body).await.map(|_| ()));
                });
            }),
            regenerate: Callback::new(move |_| {
                banner.set(None);
                leptos::task::spawn_local(async move {
                    after_branch_change(regenerate_reply(thread_id, None).await.map(|_| ()));
                });
            }),
            switch: Callback::new(move |(item_id, delta): (i64, i64)| {
                leptos::task::spawn_local(async move {
                    match switch_chat_branch(thread_id, item_id, delta).await {
                        Ok(o) => tl.load(o),
                        Err(e) => tl.report(e),
                    }
                });
            }),
            decide: Callback::new(move |(approval_id, approve, note): (i64, bool, String)| {
                banner.set(None);
                leptos::task::spawn_local(async move {
                    match decide_approval(approval_id, approve, note).await {
                        Ok(item) => {
                            tl.upsert(item);
                            tl.reload();
                        }
                        Err(e) => tl.report(e),
                    }
                });
            }),
            busy: Signal::derive(move || streaming.get() || sending.get()),
        }
    }
}
