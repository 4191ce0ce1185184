//! `/approvals` (owners and staff): the venue's queue of agent actions awaiting approval.

use crate::app::chat::approvals::ApprovalQueue;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ApprovalsPage() -> impl IntoView {
    view! {
        <Title text="Approvals" />
        <ApprovalQueue />
    }
}
