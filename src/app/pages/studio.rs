//! `/studio` (staff): order deliverables from specialists; `?specialist=` and `?event=` choose
//! the order form's specialist and event.

use crate::app::studio::Studio;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn StudioPage() -> impl IntoView {
    view! {
        <Title text="Studio" />
        <Studio />
    }
}
