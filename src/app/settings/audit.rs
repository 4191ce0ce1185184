//! The venue's audit log (owners): filters, a page of entries at a time, and a CSV download of
//! everything the filter matches.

use crate::api::audit::{audit_log, audit_people};
use crate::app::common::{fmt_datetime, Loading, PageError};
use crate::domain::audit::{AuditCategory, AuditEntry, AuditFilter, AUDIT_PAGE};
use leptos::prelude::*;
use serde_json::Value;

#[component]
pub fn AuditLog() -> impl IntoView {
    let applied = RwSignal::new(AuditFilter::default());
    let data = Resource::new(move || applied.get(), audit_log);
    let people = Resource::new(|| (), |_| audit_people());
    let (category, person, from, to, text) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let apply = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        applied.set(AuditFilter {
            category: category.get_untracked().parse().ok(),
            action: None,
            actor_id: person.get_untracked().parse().ok(),
            from: from.get_untracked().parse().ok(),
            to: to.get_untracked().parse().ok(),
            text: Some(text.get_untracked()).filter(|t| !t.trim().is_empty()),
            before: None,
        });
    };
    let csv_href = move || {
        let q = applied.with(AuditFilter::query);
        if q.is_empty() {
            "/settings/audit.csv".to_string()
        } else {
            format!("/settings/audit.csv?{q}")
        }
    };
    view! {
        <h1 class="text-2xl font-semibold">"Audit log"</h1>
        <p class="mt-1 max-w-2xl text-sm text-stone-500 dark:text-stone-400">
            "Sign-ins, team and settings changes, every action an agent proposed and what became of it, exports and deletions. Entries cannot be changed or removed."
        </p>
        <form class="card mt-6 grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6" on:submit=apply aria-label="Filter the log">
            <label class="block"><span class="label">"Kind"</span>
                <select class="input" name="category" prop:value=move || category.get() on:change=move |ev| category.set(event_target_value(&ev))>
                    <option value="">"Everything"</option>
                    {AuditCategory::ALL.iter().map(|c| view! { <option value=c.as_str()>{c.label()}</option> }).collect_view()}
                </select></label>
            <label class="block"><span class="label">"Person"</span>
                <select class="input" name="person" prop:value=move || person.get() on:change=move |ev| person.set(event_target_value(&ev))>
                    <option value="">"Anyone"</option>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            people.await.unwrap_or_default().into_iter().map(|(id, name)| view! {
                                <option value=id.to_string()>{name}</option>
                            }).collect_view()
                        })}
                    </Transition>
                </select></label>
            <label class="block"><span class="label">"From"</span>
                <input class="input" type="date" name="from" prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev)) /></label>
            <label class="block"><span class="label">"To"</span>
                <input class="input" type="date" name="to" prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev)) /></label>
            <label class="col-span-2 block sm:col-span-1 lg:col-span-1"><span class="label">"Containing"</span>
                <input class="input" type="search" name="text" maxlength="200" placeholder="Guest, email, tool…" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev)) /></label>
            <div class="col-span-2 flex items-end gap-2 sm:col-span-1">
                <button type="submit" class="btn-primary">"Show"</button>
                <a class="btn-secondary" href=csv_href download data-testid="audit-csv">"CSV"</a>
            </div>
        </form>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <PageError error /> }.into_any(),
                    Ok(list) if list.is_empty() => view! { <p class="card mt-6 text-sm">"Nothing in the log matches."</p> }.into_any(),
                    Ok(list) => {
                        let oldest = list.last().map(|e| e.id);
                        let full = list.len() as i64 >= AUDIT_PAGE;
                        let paged = applied.with_untracked(|f| f.before.is_some());
                        view! {
                            <section class="card mt-6 overflow-x-auto">
                                <table class="w-full text-left text-sm" data-testid="audit-table">
                                    <thead class="text-xs uppercase text-stone-500">
                                        <tr>
                                            <th scope="col" class="py-2 pr-3">"When"</th>
                                            <th scope="col" class="hidden py-2 pr-3 sm:table-cell">"Who"</th>
                                            <th scope="col" class="py-2 pr-3">"What"</th>
                                            <th scope="col" class="hidden py-2 pr-3 sm:table-cell">"Details"</th>
                                        </tr>
                                    </thead>
                                    <tbody class="divide-y divide-stone-200 align-top dark:divide-stone-800">
                                        {list.into_iter().map(|e| view! { <Row e /> }).collect_view()}
                                    </tbody>
                                </table>
                                <div class="mt-3 flex gap-2">
                                    {paged.then(|| view! {
                                        <button type="button" class="btn-secondary" on:click=move |_| applied.update(|f| f.before = None)>"Newest"</button>
                                    })}
                                    {full.then(|| view! {
                                        <button type="button" class="btn-secondary" on:click=move |_| applied.update(|f| f.before = oldest)>"Older entries"</button>
                                    })}
                                </div>
                            </section>
                        }.into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn Row(e: AuditEntry) -> impl IntoView {
    let lines = detail_lines(&e.detail);
    let list =
        |lines: Vec<String>| lines.into_iter().map(|l| view! { <li class="break-words">{l}</li> }).collect_view();
    let who = if e.actor_name.is_empty() { "System".to_string() } else { e.actor_name.clone() };
    // On phones "who" folds under "when" and the details under "what", so a row fits the width.
    view! {
        <tr data-action=e.action.as_str()>
            <td class="py-2 pr-3 tabular-nums">
                <span class="whitespace-nowrap">{fmt_datetime(e.at)}</span>
                <span class="block text-xs text-stone-500 sm:hidden">{who.clone()}</span>
            </td>
            <td class="hidden py-2 pr-3 sm:table-cell">
                {who}
                {(!e.ip.is_empty()).then(|| view! { <span class="block text-xs text-stone-500">{e.ip.clone()}</span> })}
            </td>
            <td class="py-2 pr-3">
                <span class="font-medium">{e.action.label()}</span>
                <span class="block break-all text-xs text-stone-500">{e.target.clone()}</span>
                <ul class="mt-1 space-y-0.5 text-xs sm:hidden">{list(lines.clone())}</ul>
            </td>
            <td class="hidden py-2 pr-3 text-xs sm:table-cell">
                <ul class="space-y-0.5">{list(lines)}</ul>
            </td>
        </tr>
    }
}

/// The particulars as short lines: a change's fields as "field: before → after", a message's
/// recipient, other values as "key: value" (arguments and results are left to the CSV).
fn detail_lines(detail: &Value) -> Vec<String> {
    let Some(map) = detail.as_object() else { return Vec::new() };
    let mut lines = Vec::new();
    for (key, value) in map {
        match (key.as_str(), value) {
            ("changes", Value::Array(changes)) => lines.extend(changes.iter().map(|c| {
                let s = |k: &str| c.get(k).and_then(Value::as_str).unwrap_or("").to_string();
                format!(
                    "{}: {} → {}",
                    s("field"),
                    if s("before").is_empty() { "—".into() } else { s("before") },
                    s("after")
                )
            })),
            ("message", Value::Object(m)) => {
                let to = m.get("to").and_then(Value::as_str).unwrap_or("");
                lines.push(format!("message to {to}"));
            }
            ("arguments" | "result" | "filter" | "message", _) | (_, Value::Null) => {}
            ("note", Value::String(s)) if s.is_empty() => {}
            (_, Value::String(s)) => lines.push(format!("{}: {s}", key.replace('_', " "))),
            (_, Value::Number(_) | Value::Bool(_)) => lines.push(format!("{}: {value}", key.replace('_', " "))),
            (_, Value::Array(items)) if !items.is_empty() => {
                let items: Vec<String> =
                    items.iter().map(|i| i.as_str().map(str::to_string).unwrap_or_else(|| i.to_string())).collect();
                lines.push(format!("{}: {}", key.replace('_', " "), items.join(", ")));
            }
            _ => {}
        }
    }
    lines
}
