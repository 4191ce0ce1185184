//! Data entry: reading an email or notes into a prefilled form for the person to check and submit.

use super::{plural, STAFF};
use crate::agent::{extract, Tool, ToolCx, ToolError};
use crate::domain::assist::{self, Dropped, FormKind, Suggestion};
use crate::domain::chat::Approver;
use crate::domain::Role;
use crate::store::events;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub struct FillForm;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FillFormArgs {
    /// Which form: `inquiry` (a new client asking about an event), `guest` (one guest of an event),
    /// `vendor` (a vendor for the directory) or `event` (an event's details).
    pub form: FormKind,
    /// The text to read (an email, call notes). Leave out to read the person's last message.
    pub text: Option<String>,
    /// For `guest` and `event`: the event's id. Leave out to use the event this conversation is about.
    pub event_id: Option<i64>,
}

#[derive(Serialize)]
pub struct FillFormOut {
    form: FormKind,
    /// The form, prefilled: the person opens it, checks each value and submits.
    url: String,
    suggestions: Vec<Suggestion>,
    /// Values the text did not support (not put in the form).
    dropped: Vec<Dropped>,
    note: &'static str,
}

impl Tool for FillForm {
    const NAME: &'static str = "fill_form";
    const LABEL: &'static str = "Fill in a form";
    const DESCRIPTION: &'static str =
        "Read an email or notes and fill in a form from it (new inquiry, guest, vendor or event details). \
         Nothing is saved: it returns a link to the prefilled form for the person to check and submit.";
    const ROLES: &'static [Role] = STAFF;
    const APPROVAL: Option<Approver> = None;
    type Args = FillFormArgs;
    type Output = FillFormOut;

    async fn run(cx: &ToolCx<'_>, args: FillFormArgs) -> Result<FillFormOut, ToolError> {
        let path = match args.form {
            FormKind::Inquiry => "/inquiries/new".to_string(),
            FormKind::Vendor => "/vendors".to_string(),
            FormKind::Guest | FormKind::Event => {
                let event_id = cx.event(args.event_id)?;
                events::detail(cx.pool, cx.actor, event_id).await?;
                let tab = if args.form == FormKind::Guest { "guests" } else { "overview" };
                format!("/events/{event_id}?tab={tab}")
            }
        };
        let text = args.text.filter(|t| !t.trim().is_empty()).or_else(|| cx.said.map(str::to_string));
        let text = text.ok_or_else(|| ToolError::Invalid("Give the text to read (`text`).".into()))?;
        let model = cx.model.ok_or_else(|| ToolError::Invalid("No model is available to read the text.".into()))?;
        let assist = extract::context(cx.pool, cx.actor).await?;
        let found = extract::extract(model, args.form, &text, &assist, &cx.actor.user_id.to_string())
            .await
            .map_err(|e| ToolError::Invalid(e.to_string()))?;
        Ok(FillFormOut {
            form: args.form,
            url: assist::link(&path, &found.suggestions),
            suggestions: found.suggestions,
            dropped: found.dropped,
            note: "Nothing is saved yet. Give the person the link to check the values and submit the form.",
        })
    }

    fn summary(out: &FillFormOut) -> String {
        format!(
            "{} for the {} form, to confirm",
            plural(out.suggestions.len(), "value", "values"),
            out.form.label().to_lowercase()
        )
    }
}
