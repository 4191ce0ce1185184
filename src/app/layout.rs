//! The page frame: header with navigation, theme switch and the user menu.

use super::theme::ThemeToggle;
use super::{AuthActions, UserResource};
use crate::domain::records::SessionUser;
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn Shell(children: Children) -> impl IntoView {
    // The embeddable widget is only the chat: no header, no navigation.
    if leptos_router::hooks::use_location().pathname.get_untracked().starts_with("/embed/") {
        return view! { <main id="main">{children()}</main> }.into_any();
    }
    view! {
        <a href="#main" class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:rounded focus:bg-white focus:p-2">
            "Skip to content"
        </a>
        <header class="sticky top-0 z-20 border-b border-stone-200 bg-white/90 backdrop-blur dark:border-stone-800 dark:bg-stone-900/90">
            <div class="mx-auto flex max-w-6xl items-center gap-2 px-3 py-2 sm:gap-3 sm:px-4">
                // Named for screen readers too: on a phone the word "Concierge" is not shown.
                <A href="/" attr:class="flex items-center gap-2 font-semibold text-teal-700 dark:text-teal-400" attr:aria-label="Concierge home">
                    <span aria-hidden="true" class="grid h-7 w-7 place-items-center rounded-lg bg-teal-700 text-sm text-white">"C"</span>
                    <span class="hidden sm:inline">"Concierge"</span>
                </A>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let user = expect_context::<UserResource>().await.ok().flatten();
                        view! { <Nav user /> }
                    })}
                </Transition>
            </div>
        </header>
        <main id="main" class="mx-auto max-w-6xl px-4 py-6">{children()}</main>
    }
    .into_any()
}

#[component]
fn Nav(user: Option<SessionUser>) -> impl IntoView {
    match user {
        Some(user) => {
            let staff = user.role.is_staff();
            let owner = user.role == crate::domain::Role::Owner;
            view! {
                <span class="hidden truncate text-sm text-stone-500 sm:inline dark:text-stone-400">{user.venue_name.clone()}</span>
                <nav aria-label="Main" class="ml-auto flex items-center gap-0.5 text-sm sm:gap-1">
                    <A href="/" attr:class="nav-link hidden sm:block">"Dashboard"</A>
                    <A href="/chat" attr:class="nav-link">"Chat"</A>
                    {(user.role == crate::domain::Role::Client).then(|| view! { <A href="/book" attr:class="nav-link">"Book"</A> })}
                    {staff.then(|| view! { <A href="/calendar" attr:class="nav-link">"Calendar"</A> })}
                    {staff.then(|| view! { <A href="/vendors" attr:class="nav-link hidden sm:block">"Vendors"</A> })}
                    <A href="/knowledge" attr:class="nav-link hidden sm:block">"Knowledge"</A>
                    {staff.then(|| view! { <A href="/approvals" attr:class="nav-link hidden sm:block">"Approvals"</A> })}
                    {staff.then(|| view! { <A href="/studio" attr:class="nav-link hidden sm:block">"Studio"</A> })}
                    {staff.then(|| view! { <A href="/team" attr:class="nav-link hidden sm:block">"Team"</A> })}
                    {owner.then(|| view! { <A href="/insights" attr:class="nav-link hidden sm:block">"Insights"</A> })}
                    {owner.then(|| view! { <A href="/settings/models" attr:class="nav-link hidden sm:block">"Models"</A> })}
                    {(user.role != crate::domain::Role::Vendor).then(|| view! { <Bell /> })}
                    <InstallButton />
                    <ThemeToggle />
                    <UserMenu user />
                </nav>
            }
            .into_any()
        }
        None => view! {
            <nav aria-label="Main" class="ml-auto flex items-center gap-0.5 text-sm sm:gap-1">
                <InstallButton />
                <ThemeToggle />
                <A href="/login" attr:class="nav-link">"Log in"</A>
                <A href="/signup" attr:class="btn-primary">"Sign up"</A>
            </nav>
        }
        .into_any(),
    }
}

/// "Install": hidden until the browser offers to install the app; `public/pwa.js` shows it then
/// and answers its click with the browser's own prompt.
#[component]
fn InstallButton() -> impl IntoView {
    view! {
        <button type="button" data-install-app="" class="install-app nav-link" title="Install Concierge as an app">
            "Install"
        </button>
    }
}

#[component]
fn UserMenu(user: SessionUser) -> impl IntoView {
    let logout = expect_context::<AuthActions>().logout;
    let initials: String = user.name.split_whitespace().filter_map(|w| w.chars().next()).take(2).collect();
    // The menu closes once a link in it is followed (navigation stays on the page, so the
    // `<details>` would otherwise stay open over the next page).
    let menu = NodeRef::<leptos::html::Details>::new();
    let close_on_link = move |ev: leptos::ev::MouseEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let target = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok());
            let on_link = target.and_then(|t| t.closest("a").ok().flatten()).is_some();
            if let (true, Some(menu)) = (on_link, menu.get_untracked()) {
                menu.set_open(false);
            }
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, menu);
    };
    view! {
        <details class="relative" node_ref=menu on:click=close_on_link>
            <summary
                class="flex cursor-pointer list-none items-center gap-2 rounded-full p-1 hover:bg-stone-200 dark:hover:bg-stone-800"
                aria-label=format!("Account menu for {}", user.name)
            >
                <span aria-hidden="true" class="grid h-8 w-8 place-items-center rounded-full bg-stone-800 text-xs font-semibold text-white dark:bg-stone-200 dark:text-stone-900">
                    {initials}
                </span>
            </summary>
            <div class="absolute right-0 mt-2 w-64 rounded-lg border border-stone-200 bg-white p-3 shadow-lg dark:border-stone-700 dark:bg-stone-900">
                <p class="font-medium">{user.name.clone()}</p>
                <p class="truncate text-sm text-stone-500 dark:text-stone-400">{user.email.clone()}</p>
                <p class="mt-1 text-xs uppercase tracking-wide text-teal-700 dark:text-teal-400">{user.role.label()}</p>
                <a href="/account" class="link mt-2 block text-sm">"Your account"</a>
                <a href="/usage" class="link mt-1 block text-sm">"Your model usage"</a>
                {user.embed.is_none().then(|| view! { <a href="/settings/api" class="link mt-1 block text-sm">"API keys"</a> })}
                <a href="/knowledge" class="link mt-1 block text-sm sm:hidden">"Knowledge"</a>
                {user.role.is_staff().then(|| view! { <a href="/approvals" class="link mt-1 block text-sm sm:hidden">"Approvals"</a> })}
                {user.role.is_staff().then(|| view! { <a href="/studio" class="link mt-1 block text-sm sm:hidden">"Studio"</a> })}
                {user.role.is_staff().then(|| view! { <a href="/team" class="link mt-1 block text-sm sm:hidden">"Team"</a> })}
                {(user.role == crate::domain::Role::Owner).then(|| view! { <a href="/settings/models" class="link mt-1 block text-sm sm:hidden">"Models"</a> })}
                {(user.role == crate::domain::Role::Owner).then(|| view! { <a href="/settings/embed" class="link mt-1 block text-sm">"Embedded chat"</a> })}
                {(user.role == crate::domain::Role::Owner).then(|| view! { <a href="/settings/scheduling" class="link mt-1 block text-sm">"Scheduling settings"</a> })}
                {(user.role == crate::domain::Role::Owner).then(|| view! { <a href="/settings/webhooks" class="link mt-1 block text-sm">"Webhooks"</a> })}
                {(user.role == crate::domain::Role::Owner).then(|| view! { <a href="/settings/tools" class="link mt-1 block text-sm">"Outside tools"</a> })}
                {(user.role == crate::domain::Role::Owner).then(|| view! { <a href="/settings/audit" class="link mt-1 block text-sm">"Audit log"</a> })}
                {(user.role == crate::domain::Role::Owner).then(|| view! { <a href="/settings/outbox" class="link mt-1 block text-sm">"Outgoing mail"</a> })}
                <ActionForm action=logout attr:class="mt-3">
                    <button type="submit" class="btn-secondary w-full">"Log out"</button>
                </ActionForm>
            </div>
        </details>
    }
}

/// NotificationList (appointment reminders): a bell with the unread count; opening it lists the
/// latest and marks them read.
#[component]
fn Bell() -> impl IntoView {
    use crate::api::scheduling::{mark_notifications_read, notifications};
    let version = RwSignal::new(0u32);
    // Loaded in the browser only: the header is on every page and must not hold up rendering.
    let data = LocalResource::new(move || {
        version.get();
        notifications()
    });
    let unread = move || data.get().and_then(|r| r.ok()).map(|n| n.unread).unwrap_or(0);
    // Opening it (the only click that can find unread ones) marks them read.
    let on_open = move |_| {
        if unread() > 0 {
            leptos::task::spawn_local(async move {
                let _ = mark_notifications_read().await;
                version.update(|v| *v += 1);
            });
        }
    };
    view! {
        <details class="relative">
            <summary on:click=on_open class="relative flex cursor-pointer list-none items-center rounded-full p-2 hover:bg-stone-200 dark:hover:bg-stone-800"
                aria-label=move || format!("NotificationList ({} unread)", unread())>
                <svg aria-hidden="true" viewBox="0 0 24 24" class="h-5 w-5" fill="none" stroke="currentColor" stroke-width="2">
                    <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9"></path>
                    <path d="M13.73 21a2 2 0 0 1-3.46 0"></path>
                </svg>
                {move || (unread() > 0).then(|| view! {
                    <span class="absolute -right-0.5 -top-0.5 grid h-4 min-w-4 place-items-center rounded-full bg-red-600 px-1 text-[10px] font-semibold text-white" data-testid="unread">{unread()}</span>
                })}
            </summary>
            <div class="absolute right-0 mt-2 w-72 rounded-lg border border-stone-200 bg-white p-2 shadow-lg dark:border-stone-700 dark:bg-stone-900" data-testid="notifications">
                {move || match data.get().and_then(|r| r.ok()) {
                    None => view! { <p class="p-2 text-sm text-stone-500">"Loading…"</p> }.into_any(),
                    Some(n) if n.items.is_empty() => view! { <p class="p-2 text-sm text-stone-500">"Nothing new."</p> }.into_any(),
                    Some(n) => view! {
                        <ul class="max-h-80 divide-y divide-stone-100 overflow-y-auto dark:divide-stone-800">
                            {n.items.into_iter().map(|i| view! {
                                <li class="p-2 text-sm" class:font-medium=!i.read>
                                    <a href=if i.link.is_empty() { "#".to_string() } else { i.link.clone() } class="block hover:underline">{i.body.clone()}</a>
                                    <span class="text-xs text-stone-500">{crate::app::common::fmt_datetime(i.created_at)}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                }}
            </div>
        </details>
    }
}
