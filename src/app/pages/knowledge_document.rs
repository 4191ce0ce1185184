//! `/knowledge/:id`: one document and its passages (`#chunk-<id>` rings one).

use super::id_param;
use crate::app::knowledge::DocumentScreen;
use leptos::prelude::*;

#[component]
pub fn KnowledgeDocumentPage() -> impl IntoView {
    let id = id_param();
    view! { <DocumentScreen id /> }
}
