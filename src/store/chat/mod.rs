//! Chat threads and their items. A thread is private to the user who owns it: every query
//! filters on the acting user and venue, and a thread of someone else answers `NotFound`.
//!
//! Items form a tree (see the migration); the active branch is the path from the thread's
//! `leaf_item_id` up to the root. Along any such path ids increase (a child is always created
//! after its parent), which the paging and resume queries rely on.
//!
//! One file per part:
//!
//! - `threads.rs`: create, read, list, change, delete a thread; its scope and generated title.
//! - `branch.rs`: read the active branch (pages, resume, the model's history).
//! - `items.rs`: write items (a new one at the tip, a tool call's outcome, a reply's text and end).
//! - `turns.rs`: move the tip under the thread's lock (a turn, a continuation, a switch of version).
//! - `usage.rs`, `providers.rs`, `search.rs`.

mod branch;
mod items;
mod providers;
mod search;
mod threads;
mod turns;
mod usage;

pub use branch::{history, items_after, latest_page, older_page, step_waiting, HistoryItem};
pub use items::{add_item, finish, flush, interrupt_orphans, item, rate_reply, update_tool_item, Finish, NewItem};
pub use providers::{add_provider, delete_provider, venue_providers, ProviderRow};
pub use search::search;
pub use threads::{
    change, create_thread, delete_thread, key_thread, latest_scoped, list_threads, mark_key, needs_title, scope,
    set_generated_title, thread, Change, Cursor, Scope,
};
pub use turns::{begin_continuation, begin_direct_call, begin_turn, seed_history, switch_branch, Turn};
pub use usage::{record_usage, tokens_today, usage, UsageRecord};

/// Why a thread refuses a change while a reply is being written in it.
pub const BUSY: &str = "A reply is still being written. Stop it or wait for it to finish.";

const THREAD_COLS: &str =
    "t.id, t.event_id, t.title, t.model, t.agent_kind, t.pinned, t.archived, t.item_count, t.last_activity_at";

/// Columns of [`ChatItem`](crate::domain::chat::ChatItem) over `chat_items i`, with the item's
/// place among its siblings.
const ITEM_COLS: &str = "i.id, i.parent_id, i.kind, i.status, i.content, i.error, i.model, i.prompt_tokens, \
    i.completion_tokens, i.created_at, i.data, i.rating, i.rating_comment, \
    (select count(*) from chat_items s where s.thread_id = i.thread_id \
        and (s.parent_id = i.parent_id or (s.parent_id is null and i.parent_id is null)) and s.id <= i.id) as branch_index, \
    (select count(*) from chat_items s where s.thread_id = i.thread_id \
        and (s.parent_id = i.parent_id or (s.parent_id is null and i.parent_id is null))) as branch_count";
