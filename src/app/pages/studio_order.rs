//! `/studio/:id` (staff): one order, its progress and its versions.

use super::id_param;
use crate::app::studio::order::OrderScreen;
use leptos::prelude::*;

#[component]
pub fn StudioOrderPage() -> impl IntoView {
    let id = id_param();
    view! { <OrderScreen id /> }
}
