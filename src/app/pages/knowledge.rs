//! `/knowledge`: the knowledge base. Staff add and manage documents; clients and vendors see
//! what is shared with them; everyone searches (`?q=`).

use crate::app::knowledge::KnowledgeScreen;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn KnowledgePage() -> impl IntoView {
    view! {
        <Title text="Knowledge" />
        <KnowledgeScreen />
    }
}
