//! One page per route, named after it: each reads its route's parameters and renders its
//! feature's component (the document title, when it is fixed, is the page's too).

pub mod account;
pub mod approvals;
pub mod book;
pub mod calendar;
pub mod chat;
pub mod chat_thread;
pub mod dashboard;
pub mod embed_chat;
pub mod event;
pub mod forgot;
pub mod inquiries_new;
pub mod insights;
pub mod invite;
pub mod knowledge;
pub mod knowledge_document;
pub mod login;
pub mod my_event;
pub mod reset;
pub mod settings_api;
pub mod settings_audit;
pub mod settings_embed;
pub mod settings_models;
pub mod settings_outbox;
pub mod settings_scheduling;
pub mod settings_tools;
pub mod settings_webhooks;
pub mod signup;
pub mod studio;
pub mod studio_automations;
pub mod studio_order;
pub mod studio_queue;
pub mod team;
pub mod usage;
pub mod vendors;

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

/// The `:id` of the route, when it is a plausible id.
fn id_param() -> Memo<Option<i64>> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()).filter(|id| *id > 0))
}
