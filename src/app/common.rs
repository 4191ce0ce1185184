//! Small pieces shared by the pages: error pages with the right HTTP status, field errors,
//! formatting.

use crate::api::AppError;
use crate::domain::parse::FieldErrors;
use chrono::{NaiveDate, NaiveTime};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_location;

/// Sets the response status while rendering on the server; nothing in the browser.
pub fn set_status(code: u16) {
    #[cfg(feature = "ssr")]
    if let (Some(res), Ok(status)) = (use_context::<leptos_axum::ResponseOptions>(), http::StatusCode::from_u16(code)) {
        res.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = code;
}

#[component]
pub fn NotFoundPage() -> impl IntoView {
    set_status(404);
    view! {
        <Title text="Not found" />
        <section class="mx-auto max-w-md py-16 text-center">
            <p class="text-5xl font-bold text-teal-700 dark:text-teal-400">"404"</p>
            <h1 class="mt-2 text-xl font-semibold">"We could not find that page"</h1>
            <p class="mt-2 text-stone-600 dark:text-stone-400">"It may have moved, or you may not have access to it."</p>
            <a href="/" class="btn-primary mt-6 inline-block">"Back to the dashboard"</a>
        </section>
    }
}

#[component]
pub fn ForbiddenPage() -> impl IntoView {
    set_status(403);
    view! {
        <Title text="No access" />
        <section class="mx-auto max-w-md py-16 text-center">
            <p class="text-5xl font-bold text-amber-600">"403"</p>
            <h1 class="mt-2 text-xl font-semibold">"You do not have access to this page"</h1>
            <p class="mt-2 text-stone-600 dark:text-stone-400">"Ask the venue's staff if you think you should."</p>
            <a href="/" class="btn-primary mt-6 inline-block">"Back to the dashboard"</a>
        </section>
    }
}

/// Sends a logged-out visitor to the login page, remembering where they were going.
#[component]
pub fn ToLogin() -> impl IntoView {
    let loc = use_location();
    let search = loc.search.get_untracked();
    let query = if search.is_empty() { String::new() } else { format!("?{search}") };
    let next = format!("{}{query}", loc.pathname.get_untracked());
    let path = format!("/login?next={}", crate::domain::text::percent_encode_path(&next));
    view! { <Redirect path /> }
}

/// A page-level error: the right page (and HTTP status) for each kind.
#[component]
pub fn PageError(error: AppError) -> impl IntoView {
    match error {
        AppError::NotFound => view! { <NotFoundPage /> }.into_any(),
        AppError::Forbidden => view! { <ForbiddenPage /> }.into_any(),
        AppError::Unauthenticated => view! { <ToLogin /> }.into_any(),
        other => {
            set_status(other.status().as_u16());
            view! { <ErrorBanner message=other.to_string() /> }.into_any()
        }
    }
}

#[component]
pub fn ErrorBanner(#[prop(into)] message: String) -> impl IntoView {
    view! {
        <div role="alert" class="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-800 dark:border-red-800 dark:bg-red-950 dark:text-red-200">
            {message}
        </div>
    }
}

/// The message to show next to `field`: the server's verdict if it gave one, else the browser's.
pub fn field_error(server: Option<AppError>, client: &FieldErrors, field: &str) -> Option<String> {
    server.and_then(|e| e.field(field)).or_else(|| client.get(field).map(str::to_string))
}

#[component]
pub fn FieldMessage(#[prop(into)] id: String, message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p id=id class="min-h-5 text-sm text-red-700 dark:text-red-400" aria-live="polite">
            {move || message.get()}
        </p>
    }
}

/// An error that is not about one field (throttling, conflicts, network).
pub fn general_error(e: &AppError) -> Option<String> {
    match e {
        AppError::Invalid(_) => None,
        other => Some(other.to_string()),
    }
}

pub fn fmt_date(d: NaiveDate) -> String {
    d.format("%a, %b %-d, %Y").to_string()
}

pub fn fmt_short_date(d: NaiveDate) -> String {
    d.format("%b %-d").to_string()
}

pub fn fmt_time(t: Option<NaiveTime>) -> String {
    t.map(|t| t.format("%-I:%M %p").to_string()).unwrap_or_default()
}

pub fn fmt_datetime(t: chrono::DateTime<chrono::Utc>) -> String {
    t.format("%b %-d, %-I:%M %p").to_string()
}

/// In `days` from `today`, for people: "today", "tomorrow", "in 5 days", "3 days ago".
pub fn relative_days(today: NaiveDate, d: NaiveDate) -> String {
    match (d - today).num_days() {
        0 => "today".into(),
        1 => "tomorrow".into(),
        -1 => "yesterday".into(),
        n if n > 1 => format!("in {n} days"),
        n => format!("{} days ago", -n),
    }
}

/// A coloured pill for a status.
#[component]
pub fn Badge(#[prop(into)] text: String, #[prop(into)] tone: String) -> impl IntoView {
    let class = match tone.as_str() {
        "green" => "bg-emerald-100 text-emerald-800 dark:bg-emerald-900/60 dark:text-emerald-200",
        "amber" => "bg-amber-100 text-amber-800 dark:bg-amber-900/60 dark:text-amber-200",
        "red" => "bg-red-100 text-red-800 dark:bg-red-900/60 dark:text-red-200",
        "blue" => "bg-sky-100 text-sky-800 dark:bg-sky-900/60 dark:text-sky-200",
        _ => "bg-stone-200 text-stone-700 dark:bg-stone-800 dark:text-stone-300",
    };
    view! { <span class=format!("inline-block rounded-full px-2 py-0.5 text-xs font-medium {class}")>{text}</span> }
}

pub fn event_tone(s: crate::domain::EventStatus) -> &'static str {
    use crate::domain::EventStatus as S;
    match s {
        S::Confirmed => "green",
        S::Tentative => "amber",
        S::Inquiry => "blue",
        S::Cancelled => "red",
        S::Completed => "gray",
    }
}

pub fn element_tone(s: crate::domain::ElementStatus) -> &'static str {
    use crate::domain::ElementStatus as S;
    match s {
        S::Confirmed | S::Approved => "green",
        S::Requested => "amber",
        S::Proposed => "blue",
        S::Declined => "red",
    }
}

pub fn rsvp_tone(s: crate::domain::Rsvp) -> &'static str {
    use crate::domain::Rsvp as R;
    match s {
        R::Yes => "green",
        R::Maybe => "amber",
        R::No => "red",
        R::Pending => "gray",
    }
}

#[component]
pub fn Loading() -> impl IntoView {
    // stone-600: stone-500 on the page's background is under 4.5:1 at the pulse's faint end.
    view! { <p class="animate-pulse py-6 text-stone-600 dark:text-stone-300" role="status">"Loading…"</p> }
}

/// Asks the person to confirm (in the browser; always yes while rendering on the server).
pub fn confirm(message: &str) -> bool {
    #[cfg(feature = "hydrate")]
    {
        window().confirm_with_message(message).unwrap_or(false)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = message;
        true
    }
}

/// Calls `tick` every `ms` while `on` is true (in the browser only; stopped when it turns false
/// and when the component goes away).
pub fn poll_while(on: Memo<bool>, tick: impl Fn() + Clone + 'static, ms: u64) {
    #[cfg(feature = "hydrate")]
    {
        let timer = StoredValue::new_local(None::<IntervalHandle>);
        Effect::new(move |_| match (on.get(), timer.get_value()) {
            (true, None) => {
                let tick = tick.clone();
                let handle = set_interval_with_handle(tick, std::time::Duration::from_millis(ms)).ok();
                timer.set_value(handle);
            }
            (false, Some(h)) => {
                h.clear();
                timer.set_value(None);
            }
            _ => {}
        });
        on_cleanup(move || {
            if let Some(h) = timer.try_get_value().flatten() {
                h.clear();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (on, tick, ms);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative() {
        let d = NaiveDate::from_ymd_opt(2026, 1, 10).unwrap();
        assert_eq!(relative_days(d, d), "today");
        assert_eq!(relative_days(d, d + chrono::Duration::days(5)), "in 5 days");
        assert_eq!(relative_days(d, d - chrono::Duration::days(2)), "2 days ago");
    }
}
