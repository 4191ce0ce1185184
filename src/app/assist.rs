//! AI assist in forms: a box beside a form to paste text (or drop a text file) that the venue's
//! model reads into the form's fields ([`crate::domain::assist`] on the server grounds each value
//! in the text). Each proposed value lands in its field marked "Suggested", with the words it came
//! from shown on hover and focus; the person accepts or rejects it (or all), or edits it, which
//! makes it theirs. A form with suggestions still pending does not submit. Nothing is stored until
//! the person submits.
//!
//! [`Suggested`] is the state one form keeps; [`AssistPanel`] the box; [`Field`] a labelled control
//! that shows its field's suggestion; [`SuggestionNote`] the mark alone, for forms with their own
//! controls.

use crate::api::assist::assist_form;
use crate::api::AppError;
use crate::app::common::FieldMessage;
use crate::domain::assist::{from_link, Dropped, Extraction, FormKind, Suggestion, LINK_PARAM, MAX_TEXT};
use leptos::prelude::*;

/// One form's suggestions, each with the value its field held before (restored on reject).
#[derive(Clone, Copy)]
pub struct Suggested {
    pending: RwSignal<Vec<(Suggestion, String)>>,
    get: Callback<String, String>,
    set: Callback<(String, String)>,
}

impl Suggested {
    /// `get` and `set` read and write a field of the form by its assist name.
    pub fn new(
        get: impl Fn(&str) -> String + Send + Sync + 'static,
        set: impl Fn(&str, String) + Send + Sync + 'static,
    ) -> Self {
        Self {
            pending: RwSignal::new(Vec::new()),
            get: Callback::new(move |f: String| get(&f)),
            set: Callback::new(move |(f, v): (String, String)| set(&f, v)),
        }
    }

    /// Puts suggestions into their fields. A field that already holds the suggested value gets
    /// no mark; a field with an earlier pending suggestion keeps its original value to restore.
    pub fn apply(self, list: Vec<Suggestion>) {
        let mut pending = self.pending.get_untracked();
        for s in list {
            let before = match pending.iter().position(|(p, _)| p.field == s.field) {
                Some(i) => pending.remove(i).1,
                None => self.get.run(s.field.clone()),
            };
            if before.trim() == s.value {
                continue;
            }
            self.set.run((s.field.clone(), s.value.clone()));
            pending.push((s, before));
        }
        self.pending.set(pending);
    }

    /// The suggestions a `?assist=` link carries (from the chat's fill_form tool), applied at
    /// once, on the server and in the browser alike.
    pub fn apply_link(self, kind: FormKind) {
        let query = leptos_router::hooks::use_query_map();
        if let Some(param) = query.with_untracked(|q| q.get(LINK_PARAM)) {
            self.apply(from_link(kind, &param));
        }
    }

    /// The pending suggestion of a field (tracked).
    pub fn of(self, field: &str) -> Option<Suggestion> {
        self.pending.with(|p| p.iter().find(|(s, _)| s.field == field).map(|(s, _)| s.clone()))
    }

    /// Whether a field has a pending suggestion (tracked); no copy of it, for classes and labels.
    pub fn has(self, field: &str) -> bool {
        self.pending.with(|p| p.iter().any(|(s, _)| s.field == field))
    }

    pub fn count(self) -> usize {
        self.pending.with(Vec::len)
    }

    /// The field names with a pending suggestion, in the order they came.
    pub fn fields(self) -> Vec<String> {
        self.pending.with(|p| p.iter().map(|(s, _)| s.field.clone()).collect())
    }

    /// Keeps the value: it is the person's now.
    pub fn accept(self, field: &str) {
        self.pending.update(|p| p.retain(|(s, _)| s.field != field));
    }

    /// Puts back what the field held before the suggestion.
    pub fn reject(self, field: &str) {
        let before = self.pending.with_untracked(|p| p.iter().find(|(s, _)| s.field == field).map(|(_, b)| b.clone()));
        if let Some(before) = before {
            self.set.run((field.to_string(), before));
            self.accept(field);
        }
    }

    pub fn accept_all(self) {
        self.pending.set(Vec::new());
    }

    pub fn reject_all(self) {
        for field in self.fields() {
            self.reject(&field);
        }
    }

    /// The person typed in the field: whatever it holds is theirs.
    pub fn edited(self, field: &str) {
        if self.pending.with_untracked(|p| p.iter().any(|(s, _)| s.field == field)) {
            self.accept(field);
        }
    }

    /// Before submitting: `Err` with a message while suggestions wait for a decision.
    pub fn check_decided(self) -> Result<(), String> {
        match self.pending.with_untracked(Vec::len) {
            0 => Ok(()),
            1 => Err("Accept or reject the suggested value first (or edit it).".into()),
            n => Err(format!("Accept or reject the {n} suggested values first (or edit them).")),
        }
    }
}

/// A form keeps a space by id; the assist names it. The name of the space with id `id` ("" if none).
pub fn space_name(spaces: &[crate::domain::model::Space], id: &str) -> String {
    spaces.iter().find(|s| s.id.to_string() == id).map(|s| s.name.clone()).unwrap_or_default()
}

/// The id (as the form holds it) of the space called `name` ("" if none).
pub fn space_id(spaces: &[crate::domain::model::Space], name: &str) -> String {
    spaces.iter().find(|s| s.name == name).map(|s| s.id.to_string()).unwrap_or_default()
}

/// The paste box beside a form.
#[component]
pub fn AssistPanel(kind: FormKind, sug: Suggested, #[prop(optional, into)] id: Option<String>) -> impl IntoView {
    let id = id.unwrap_or_else(|| format!("assist-{}", kind.as_str()));
    let text = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let last = RwSignal::new(None::<Extraction>);
    let run = move || {
        let t = text.get_untracked();
        if t.trim().is_empty() {
            error.set(Some("Paste or drop some text to read.".into()));
            return;
        }
        if t.chars().count() > MAX_TEXT {
            error.set(Some(format!("The text is too long; the most is {MAX_TEXT} characters.")));
            return;
        }
        error.set(None);
        busy.set(true);
        leptos::task::spawn_local(async move {
            match assist_form(kind, t).await {
                Ok(x) => {
                    sug.apply(x.suggestions.clone());
                    last.set(Some(x));
                }
                Err(e) => error.set(Some(match e {
                    AppError::Invalid(f) => f.get("text").map(str::to_string).unwrap_or_else(|| f.to_string()),
                    other => other.to_string(),
                })),
            }
            busy.set(false);
        });
    };
    let read_file = move |file: Option<FileHandle>| {
        let _ = &file;
        #[cfg(feature = "hydrate")]
        if let Some(FileHandle(file)) = file {
            if file.size() > (MAX_TEXT * 4) as f64 {
                error.set(Some("That file is too large to read.".into()));
                return;
            }
            leptos::task::spawn_local(async move {
                match wasm_bindgen_futures::JsFuture::from(file.text()).await.ok().and_then(|v| v.as_string()) {
                    Some(t) => {
                        text.set(t);
                        error.set(None);
                    }
                    None => error.set(Some("Could not read that file as text.".into())),
                }
            });
        }
    };
    let text_id = format!("{id}-text");
    let msg_id = format!("{id}-msg");
    let file_id = format!("{id}-file");
    view! {
        // First on a phone (paste, then review the form); beside the form on a wide screen.
        <section class="card order-first self-start lg:order-none" aria-labelledby=format!("{id}-title") data-testid="assist-panel">
            <h2 id=format!("{id}-title") class="section-title">"Fill in from text"</h2>
            <label for=text_id.clone() class="label">"Paste an email, call notes or a message, or drop a text file"</label>
            <textarea id=text_id class="input min-h-40" rows="8" maxlength=MAX_TEXT.to_string() aria-describedby=msg_id.clone()
                placeholder=placeholder(kind)
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
                on:dragover=move |ev: leptos::ev::DragEvent| ev.prevent_default()
                on:drop=move |ev: leptos::ev::DragEvent| {
                    let file = dropped_file(&ev);
                    if file.is_some() {
                        ev.prevent_default();
                        read_file(file);
                    }
                }
            ></textarea>
            <p id=msg_id class="min-h-5 text-sm text-red-700 dark:text-red-400" aria-live="polite">{move || error.get()}</p>
            <div class="flex flex-wrap items-center gap-2">
                <button type="button" class="btn-primary" disabled=move || busy.get() on:click=move |_| run()>
                    {move || if busy.get() { "Reading…" } else { "Suggest values" }}
                </button>
                <label for=file_id.clone() class="btn-secondary cursor-pointer">"Choose a text file"</label>
                <input id=file_id type="file" accept=".txt,.eml,.md,text/plain" class="sr-only"
                    on:change=move |ev| read_file(picked_file(&ev)) />
            </div>
            <p class="mt-2 text-xs text-stone-500 dark:text-stone-400">
                "The venue's model suggests values; only what the text says is kept. Nothing is saved until you submit the form."
            </p>
            <div role="status" aria-live="polite" class="mt-3 space-y-2 text-sm">
                {move || busy.get().then(|| view! { <p class="text-stone-600 dark:text-stone-300">"Reading the text…"</p> })}
                {move || last.get().map(|x| summary(&x, sug))}
            </div>
        </section>
    }
}

fn placeholder(kind: FormKind) -> &'static str {
    match kind {
        FormKind::Inquiry => "Hi, we're planning a wedding on June 12 for about 120 guests…",
        FormKind::Vendor => "Hello from Petal & Stem, a florist in Boston. Ask for Rosa: rosa@petalstem.example…",
        FormKind::Guest => "Please add Ann Lee (ann@example.com), party of 2, vegetarian…",
        FormKind::Event => "The Clarks now expect 140 guests and would like the Garden Terrace…",
    }
}

/// What the last reading found: counts, accept/reject all, and what was left out.
fn summary(x: &Extraction, sug: Suggested) -> impl IntoView {
    let found = x.suggestions.len();
    let dropped = x.dropped.clone();
    let model = x.model.clone();
    view! {
        <p data-testid="assist-summary">
            {match found {
                0 => "No values found in the text.".to_string(),
                1 => "1 value suggested: check it in the form.".to_string(),
                n => format!("{n} values suggested: check them in the form."),
            }}
            <span class="text-stone-500">{format!(" Read by {model}.")}</span>
        </p>
        {move || (sug.count() > 0).then(|| view! {
            <div class="flex flex-wrap gap-2">
                <button type="button" class="btn-secondary py-1" on:click=move |_| sug.accept_all()>"Accept all"</button>
                <button type="button" class="btn-secondary py-1" on:click=move |_| sug.reject_all()>"Reject all"</button>
            </div>
        })}
        {(!dropped.is_empty()).then(|| view! {
            <details class="text-stone-600 dark:text-stone-300">
                <summary class="cursor-pointer">{format!("{} left out (not supported by the text)", dropped.len())}</summary>
                <ul class="mt-1 list-disc pl-5">
                    {dropped.into_iter().map(|Dropped { field, value, reason }| view! {
                        <li>{format!("{field}: “{value}” ({reason})")}</li>
                    }).collect_view()}
                </ul>
            </details>
        })}
    }
}

/// A file from the browser (only the browser build has one).
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub struct FileHandle(#[cfg(feature = "hydrate")] web_sys::File);

#[cfg(feature = "hydrate")]
fn dropped_file(ev: &leptos::ev::DragEvent) -> Option<FileHandle> {
    ev.data_transfer().and_then(|d| d.files()).and_then(|f| f.get(0)).map(FileHandle)
}

#[cfg(not(feature = "hydrate"))]
fn dropped_file(_: &leptos::ev::DragEvent) -> Option<FileHandle> {
    None
}

#[cfg(feature = "hydrate")]
fn picked_file(ev: &leptos::ev::Event) -> Option<FileHandle> {
    use wasm_bindgen::JsCast;
    ev.target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
        .and_then(|i| i.files())
        .and_then(|f| f.get(0))
        .map(FileHandle)
}

#[cfg(not(feature = "hydrate"))]
fn picked_file(_: &leptos::ev::Event) -> Option<FileHandle> {
    None
}

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
