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

/// Each page's view behind a route of its own that the router loads lazily: in the browser the
/// page's code is a separate wasm chunk (`cargo leptos build --split`), fetched the first time the
/// page is shown, so a first visit downloads the shell and that one page rather than every page.
/// On the server nothing changes. The data half is empty: the pages load their own resources.
macro_rules! lazy_pages {
    ($($route:ident => $page:path;)*) => {$(
        pub struct $route;

        #[leptos_router::lazy_route]
        impl leptos_router::LazyRoute for $route {
            fn data() -> Self {
                Self
            }

            fn view(_this: Self) -> AnyView {
                use $page as Page;
                view! { <Page /> }.into_any()
            }
        }
    )*};
}

lazy_pages! {
    Dashboard => dashboard::DashboardPage;
    Login => login::LoginPage;
    Signup => signup::SignupPage;
    Invite => invite::InvitePage;
    Forgot => forgot::ForgotPage;
    Reset => reset::ResetPage;
    OutboxSettings => settings_outbox::OutboxSettingsPage;
    Team => team::TeamPage;
    NewInquiry => inquiries_new::NewInquiryPage;
    Vendors => vendors::VendorsPage;
    Knowledge => knowledge::KnowledgePage;
    KnowledgeDocument => knowledge_document::KnowledgeDocumentPage;
    Event => event::EventPage;
    MyEvent => my_event::MyEventPage;
    ChatLayout => crate::app::chat::ChatLayout;
    NewChat => chat::NewChatPage;
    Thread => chat_thread::ThreadPage;
    Usage => usage::UsagePage;
    Insights => insights::InsightsPage;
    Account => account::AccountPage;
    ModelSettings => settings_models::ModelSettingsPage;
    EmbedSettings => settings_embed::EmbedSettingsPage;
    ApiSettings => settings_api::ApiSettingsPage;
    AuditSettings => settings_audit::AuditSettingsPage;
    WebhookSettings => settings_webhooks::WebhookSettingsPage;
    ToolSettings => settings_tools::ToolSettingsPage;
    Approvals => approvals::ApprovalsPage;
    Book => book::BookPage;
    Calendar => calendar::CalendarPage;
    SchedulingSettings => settings_scheduling::SchedulingSettingsPage;
    EmbedChat => embed_chat::EmbedChatPage;
}
