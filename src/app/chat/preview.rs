//! What a proposed agent action would do, as the chat's approval card and the venue's queue
//! both show it.

use leptos::prelude::*;

/// What a proposed action would do: the record, its fields before → after, the message to be
/// sent. The chat's approval card and the venue's queue show the same.
#[component]
pub fn PreviewDetails(preview: crate::domain::chat::Preview) -> impl IntoView {
    let p = preview;
    view! {
        {(!p.record.is_empty()).then(|| view! { <p class="text-xs text-stone-500">{p.record.clone()}</p> })}
        {(!p.changes.is_empty()).then(|| view! {
            <table class="mt-1 w-full text-left text-sm">
                <thead><tr class="text-xs text-stone-500"><th scope="col">"Field"</th><th scope="col">"Before"</th><th scope="col">"After"</th></tr></thead>
                <tbody>
                    {p.changes.iter().map(|c| view! {
                        <tr>
                            <td class="pr-2">{c.field.clone()}</td>
                            <td class="pr-2 text-stone-500 line-through decoration-stone-400">{if c.before.is_empty() { "—".to_string() } else { c.before.clone() }}</td>
                            <td class="font-medium">{c.after.clone()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        })}
        {p.message.clone().map(|m| view! {
            <div class="mt-1">
                <p class="text-xs text-stone-500">{format!("Message to {}", m.to)}</p>
                <blockquote class="whitespace-pre-wrap border-l-2 border-stone-300 pl-2">{m.body}</blockquote>
            </div>
        })}
    }
}
