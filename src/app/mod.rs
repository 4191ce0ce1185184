//! The UI, compiled twice: rendered to HTML on the server and hydrated in the browser.
//! `pages/` holds one thin page per route; the features they render live in their own folders
//! (`auth`, `chat`, `dashboard`, `event`, `forms`, `knowledge`, `scheduling`, `settings`); `common`
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
mod theme;

use crate::api::auth::{AcceptInvite, Login, Logout, ResetPassword, Signup};
use crate::api::AppError;
use crate::domain::records::SessionUser;
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Link, Meta, MetaTags, Stylesheet, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, Lazy, SsrMode};

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
                    <Route path=path!("/") view={Lazy::<pages::Dashboard>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/login") view={Lazy::<pages::Login>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/signup") view={Lazy::<pages::Signup>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/invite/:token") view={Lazy::<pages::Invite>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/forgot") view={Lazy::<pages::Forgot>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/reset/:token") view={Lazy::<pages::Reset>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings/outbox") view={Lazy::<pages::OutboxSettings>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/team") view={Lazy::<pages::Team>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/inquiries/new") view={Lazy::<pages::NewInquiry>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/vendors") view={Lazy::<pages::Vendors>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/knowledge") view={Lazy::<pages::Knowledge>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/knowledge/:id") view={Lazy::<pages::KnowledgeDocument>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/events/:id") view={Lazy::<pages::Event>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/my/events/:id") view={Lazy::<pages::MyEvent>::new()} ssr=SsrMode::Async />
                    <ParentRoute path=path!("/chat") view={Lazy::<pages::ChatLayout>::new()} ssr=SsrMode::Async>
                        <Route path=path!("") view={Lazy::<pages::NewChat>::new()} ssr=SsrMode::Async />
                        <Route path=path!(":id") view={Lazy::<pages::Thread>::new()} ssr=SsrMode::Async />
                    </ParentRoute>
                    <Route path=path!("/usage") view={Lazy::<pages::Usage>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/insights") view={Lazy::<pages::Insights>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/account") view={Lazy::<pages::Account>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings/models") view={Lazy::<pages::ModelSettings>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings/embed") view={Lazy::<pages::EmbedSettings>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings/api") view={Lazy::<pages::ApiSettings>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings/audit") view={Lazy::<pages::AuditSettings>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings/webhooks") view={Lazy::<pages::WebhookSettings>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings/tools") view={Lazy::<pages::ToolSettings>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/approvals") view={Lazy::<pages::Approvals>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/book") view={Lazy::<pages::Book>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/calendar") view={Lazy::<pages::Calendar>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings/scheduling") view={Lazy::<pages::SchedulingSettings>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/embed/chat") view={Lazy::<pages::EmbedChat>::new()} ssr=SsrMode::Async />
                </Routes>
            </layout::Shell>
        </Router>
    }
}
