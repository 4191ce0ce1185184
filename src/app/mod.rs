//! The UI, compiled twice: rendered to HTML on the server and hydrated in the browser.
//! `pages/` holds one thin page per route; the features they render live in their own folders
//! (`auth`, `chat`, `dashboard`, `event`, `forms`, `knowledge`, `scheduling`, `settings`, `studio`); `common`
//! holds the small shared pieces, `layout` the frame around every page, `landing` the visitor's `/`.

mod auth;
mod chat;
mod common;
mod dashboard;
mod event;
mod forms;
mod insights;
mod knowledge;
mod landing;
mod layout;
mod pages;
mod scheduling;
mod settings;
mod studio;
mod theme;

use crate::api::auth::{AcceptInvite, Login, Logout, ResetPassword, Signup};
use crate::api::AppError;
use crate::domain::records::SessionUser;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};

/// The document title. leptos_meta writes it into `<title>` unescaped during SSR, and titles
/// come from people and models (event names, chat titles): no `<` may reach it, or a title
/// could close the element and open a script.
fn page_title(t: String) -> String {
    let t = t.replace('<', "‹").replace('>', "›");
    if t.is_empty() {
        "Concierge".to_string()
    } else {
        format!("{t} · Concierge")
    }
}

pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en" class=theme::ssr_class()>
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <meta name="theme-color" content="#0f766e" media="(prefers-color-scheme: light)" />
                <meta name="theme-color" content="#1c1917" media="(prefers-color-scheme: dark)" />
                // Runs before first paint, so the page never flashes the wrong theme.
                // With the page's CSP nonce (none in the browser, where it is not rendered again).
                <script nonce=leptos::nonce::use_nonce() inner_html=theme::NO_FLASH_SCRIPT></script>
                // The service worker and the install prompt (plain script: it must run without the wasm).
                <script src="/pwa.js" defer nonce=leptos::nonce::use_nonce()></script>
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body class="min-h-screen bg-stone-50 text-stone-900 antialiased dark:bg-stone-950 dark:text-stone-100">
                <App />
            </body>
        </html>
    }
}

/// The signed-in user as the UI knows it, refreshed whenever someone logs in or out.
pub type UserResource = Resource<Result<Option<SessionUser>, AppError>>;

/// The auth actions, shared so that the user resource refreshes after any of them.
#[derive(Clone, Copy)]
pub struct AuthActions {
    pub login: ServerAction<Login>,
    pub logout: ServerAction<Logout>,
    pub signup: ServerAction<Signup>,
    pub accept: ServerAction<AcceptInvite>,
    pub reset: ServerAction<ResetPassword>,
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let actions = AuthActions {
        login: ServerAction::new(),
        logout: ServerAction::new(),
        signup: ServerAction::new(),
        accept: ServerAction::new(),
        reset: ServerAction::new(),
    };
    let user: UserResource = Resource::new(
        move || {
            (
                actions.login.version().get(),
                actions.logout.version().get(),
                actions.signup.version().get(),
                actions.accept.version().get(),
                actions.reset.version().get(),
            )
        },
        |_| crate::api::auth::current_user(),
    );
    provide_context(actions);
    provide_context(user);

    // Lets end-to-end tests (and people with slow connections) know when the page is interactive.
    Effect::new(move |_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

    view! {
        <Stylesheet id="leptos" href="/pkg/concierge.css" />
        <Title formatter=page_title />
        <Meta name="description" content="Concierge: plan and run events with your venue's team, clients and vendors." />
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml" />
        <Link rel="apple-touch-icon" href="/icons/apple-touch-icon.png" />
        <Link rel="manifest" href="/manifest.webmanifest" />
        <Router>
            <layout::Shell>
                <Routes fallback=|| view! { <common::NotFoundPage /> }>
                    <Route path=path!("/") view=pages::dashboard::DashboardPage ssr=SsrMode::Async />
                    <Route path=path!("/login") view=pages::login::LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/signup") view=pages::signup::SignupPage ssr=SsrMode::Async />
                    <Route path=path!("/invite/:token") view=pages::invite::InvitePage ssr=SsrMode::Async />
                    <Route path=path!("/forgot") view=pages::forgot::ForgotPage ssr=SsrMode::Async />
                    <Route path=path!("/reset/:token") view=pages::reset::ResetPage ssr=SsrMode::Async />
                    <Route path=path!("/settings/outbox") view=pages::settings_outbox::OutboxSettingsPage ssr=SsrMode::Async />
                    <Route path=path!("/team") view=pages::team::TeamPage ssr=SsrMode::Async />
                    <Route path=path!("/inquiries/new") view=pages::inquiries_new::NewInquiryPage ssr=SsrMode::Async />
                    <Route path=path!("/vendors") view=pages::vendors::VendorsPage ssr=SsrMode::Async />
                    <Route path=path!("/knowledge") view=pages::knowledge::KnowledgePage ssr=SsrMode::Async />
                    <Route path=path!("/knowledge/:id") view=pages::knowledge_document::KnowledgeDocumentPage ssr=SsrMode::Async />
                    <Route path=path!("/events/:id") view=pages::event::EventPage ssr=SsrMode::Async />
                    <Route path=path!("/my/events/:id") view=pages::my_event::MyEventPage ssr=SsrMode::Async />
                    <ParentRoute path=path!("/chat") view=chat::ChatLayout ssr=SsrMode::Async>
                        <Route path=path!("") view=pages::chat::NewChatPage ssr=SsrMode::Async />
                        <Route path=path!(":id") view=pages::chat_thread::ThreadPage ssr=SsrMode::Async />
                    </ParentRoute>
                    <Route path=path!("/usage") view=pages::usage::UsagePage ssr=SsrMode::Async />
                    <Route path=path!("/insights") view=pages::insights::InsightsPage ssr=SsrMode::Async />
                    <Route path=path!("/account") view=pages::account::AccountPage ssr=SsrMode::Async />
                    <Route path=path!("/settings/models") view=pages::settings_models::ModelSettingsPage ssr=SsrMode::Async />
                    <Route path=path!("/settings/embed") view=pages::settings_embed::EmbedSettingsPage ssr=SsrMode::Async />
                    <Route path=path!("/settings/api") view=pages::settings_api::ApiSettingsPage ssr=SsrMode::Async />
                    <Route path=path!("/settings/audit") view=pages::settings_audit::AuditSettingsPage ssr=SsrMode::Async />
                    <Route path=path!("/settings/webhooks") view=pages::settings_webhooks::WebhookSettingsPage ssr=SsrMode::Async />
                    <Route path=path!("/settings/tools") view=pages::settings_tools::ToolSettingsPage ssr=SsrMode::Async />
                    <Route path=path!("/approvals") view=pages::approvals::ApprovalsPage ssr=SsrMode::Async />
                    <Route path=path!("/studio") view=pages::studio::StudioPage ssr=SsrMode::Async />
                    <Route path=path!("/studio/automations") view=pages::studio_automations::AutomationsPage ssr=SsrMode::Async />
                    <Route path=path!("/studio/queue") view=pages::studio_queue::QueuePage ssr=SsrMode::Async />
                    <Route path=path!("/studio/:id") view=pages::studio_order::StudioOrderPage ssr=SsrMode::Async />
                    <Route path=path!("/book") view=pages::book::BookPage ssr=SsrMode::Async />
                    <Route path=path!("/calendar") view=pages::calendar::CalendarPage ssr=SsrMode::Async />
                    <Route path=path!("/settings/scheduling") view=pages::settings_scheduling::SchedulingSettingsPage ssr=SsrMode::Async />
                    <Route path=path!("/embed/chat") view=pages::embed_chat::EmbedChatPage ssr=SsrMode::Async />
                </Routes>
            </layout::Shell>
        </Router>
    }
}
