//! One assisted form's suggestions: each proposed value in its field, with the value it replaced
//! (restored on reject), until the person accepts, rejects or edits it; and the checks before
//! the form submits.

use crate::domain::assist::{from_link, FormKind, Suggestion, LINK_PARAM};
use crate::domain::parse::FieldErrors;
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

    /// The checks an assisted form makes before it submits: no suggestion may wait for a
    /// decision (else `note` says so), then the form must parse (else `shown` gets its field
    /// errors; they clear when it does). `true` when the form may be sent.
    pub fn ready<F, T>(
        self,
        note: RwSignal<Option<String>>,
        form: RwSignal<F>,
        shown: RwSignal<FieldErrors>,
        parse: impl FnOnce(&F) -> Result<T, FieldErrors>,
    ) -> bool
    where
        F: Send + Sync + 'static,
    {
        if let Err(m) = self.check_decided() {
            note.set(Some(m));
            return false;
        }
        note.set(None);
        match form.with(parse) {
            Err(errors) => {
                shown.set(errors);
                false
            }
            Ok(_) => {
                shown.set(FieldErrors::default());
                true
            }
        }
    }
}

/// A form keeps a space by id; the assist names it. The name of the space with id `id` ("" if none).
pub fn space_name(spaces: &[crate::domain::records::Space], id: &str) -> String {
    spaces.iter().find(|s| s.id.to_string() == id).map(|s| s.name.clone()).unwrap_or_default()
}

/// The id (as the form holds it) of the space called `name` ("" if none).
pub fn space_id(spaces: &[crate::domain::records::Space], name: &str) -> String {
    spaces.iter().find(|s| s.name == name).map(|s| s.id.to_string()).unwrap_or_default()
}
