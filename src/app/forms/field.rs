//! The fields of an assisted form: a labelled control with its error message ([`Field`]), and
//! the mark of a pending suggestion under it ([`SuggestionNote`]), for forms with their own
//! controls too.

use super::suggested::Suggested;
use crate::app::common::FieldMessage;
use leptos::prelude::*;

/// The mark under a field with a pending suggestion: "Suggested", the words it came from (shown
/// while the field group is hovered or focused, and read by screen readers through the input's
/// `aria-describedby`), Accept and Reject.
#[component]
pub fn SuggestionNote(#[prop(into)] field: String, #[prop(into)] input_id: String, sug: Suggested) -> impl IntoView {
    let note_id = format!("{input_id}-src");
    let f = field.clone();
    let current = Memo::new(move |_| sug.of(&f));
    move || {
        current.get().map(|s| {
            let (accept_f, reject_f) = (field.clone(), field.clone());
            let (before, quote, after) = split_snippet(&s.snippet, &s.quote);
            view! {
                <div class="mt-1 text-xs" data-testid="suggestion" data-field=field.clone()>
                    <div class="flex flex-wrap items-center gap-2">
                        <span class="badge badge-amber">"Suggested"</span>
                        <button type="button" class="btn-ghost py-0.5 text-xs" aria-label=format!("Accept the suggested {}", label_of(&field))
                            on:click=move |_| sug.accept(&accept_f)>"Accept"</button>
                        <button type="button" class="btn-ghost py-0.5 text-xs" aria-label=format!("Reject the suggested {}", label_of(&field))
                            on:click=move |_| sug.reject(&reject_f)>"Reject"</button>
                    </div>
                    <p id=note_id.clone() role="note" data-testid="suggestion-source"
                        class="mt-1 hidden rounded-md border border-amber-200 bg-amber-50 px-2 py-1 text-stone-700 group-hover:block group-focus-within:block dark:border-amber-900 dark:bg-amber-950/60 dark:text-stone-200">
                        "From the text: “" {before} <mark class="bg-amber-200 dark:bg-amber-800/70">{quote}</mark> {after} "”"
                    </p>
                </div>
            }
        })
    }
}

/// A control's classes: suggested values get an amber ring.
fn input_class(base: &'static str, suggested: bool) -> String {
    if suggested {
        format!("{base} ring-2 ring-amber-400")
    } else {
        base.to_string()
    }
}

fn label_of(field: &str) -> String {
    field.replace('_', " ")
}

/// The snippet around its quote: before, the quote, after (the quote is found ignoring case and
/// spacing; if it is not there the whole snippet is the "before").
fn split_snippet(snippet: &str, quote: &str) -> (String, String, String) {
    let quote = quote.split_whitespace().collect::<Vec<_>>().join(" ");
    match snippet.find(&quote).filter(|_| !quote.is_empty()) {
        Some(i) => (snippet[..i].to_string(), quote.clone(), snippet[i + quote.len()..].to_string()),
        None => (snippet.to_string(), String::new(), String::new()),
    }
}

/// What a [`Field`] renders as its control.
#[derive(Clone)]
pub enum Control {
    /// `<input type=…>`
    Input(&'static str),
    TextArea,
    /// `<select>` with (value, label) options.
    Select(Vec<(String, String)>),
}

/// A labelled control with its error message and its suggestion mark. `field` names it for the
/// assist; the value lives in the form's own signal (`value` / `on_input`).
#[component]
pub fn Field(
    #[prop(into)] id: String,
    field: &'static str,
    label: &'static str,
    #[prop(optional)] required: bool,
    control: Control,
    #[prop(optional)] hint: &'static str,
    value: Signal<String>,
    on_input: Callback<String>,
    error: Signal<Option<String>>,
    #[prop(optional)] sug: Option<Suggested>,
    #[prop(optional, into)] wrap_class: String,
) -> impl IntoView {
    let msg_id = format!("{id}-msg");
    let src_id = format!("{id}-src");
    let described = {
        let (msg_id, src_id) = (msg_id.clone(), src_id.clone());
        move || {
            if sug.is_some_and(|s| s.has(field)) {
                format!("{msg_id} {src_id}")
            } else {
                msg_id.clone()
            }
        }
    };
    let suggested = move || sug.is_some_and(|s| s.has(field));
    let changed = move |v: String| {
        if let Some(s) = sug {
            s.edited(field);
        }
        on_input.run(v);
    };
    let invalid = move || error.get().is_some().to_string();
    let initial = value.get_untracked();
    let control = match control {
        Control::Input(kind) => view! {
            <input id=id.clone() class=move || input_class("input", suggested()) type=kind required=required placeholder=hint
                aria-describedby=described aria-invalid=invalid
                value=initial prop:value=move || value.get()
                on:input=move |ev| changed(event_target_value(&ev)) />
        }
        .into_any(),
        Control::TextArea => view! {
            <textarea id=id.clone() class=move || input_class("input min-h-20", suggested()) rows="3" placeholder=hint
                aria-describedby=described aria-invalid=invalid
                prop:value=move || value.get()
                on:input=move |ev| changed(event_target_value(&ev))>{initial}</textarea>
        }
        .into_any(),
        Control::Select(options) => view! {
            <select id=id.clone() class=move || input_class("input", suggested()) required=required
                aria-describedby=described aria-invalid=invalid
                prop:value=move || value.get()
                on:change=move |ev| changed(event_target_value(&ev))>
                {options.into_iter().map(|(v, l)| {
                    let selected = initial == v;
                    view! { <option value=v selected=selected>{l}</option> }
                }).collect_view()}
            </select>
        }
        .into_any(),
    };
    view! {
        <div class=format!("group {wrap_class}")>
            <label class="label" for=id.clone()>{label}{required.then_some(" *")}</label>
            {control}
            {sug.map(|s| view! { <SuggestionNote field=field input_id=id.clone() sug=s /> })}
            <FieldMessage id=msg_id message=error />
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snippets_split_around_their_quote() {
        assert_eq!(
            split_snippet("we expect about 120 guests and", "120   guests"),
            ("we expect about ".into(), "120 guests".into(), " and".into())
        );
        assert_eq!(split_snippet("no match here", "xyz"), ("no match here".into(), String::new(), String::new()));
    }
}
