//! `/my/events/:id`: a client's (or vendor's) view of an event they take part in. Read-mostly:
//! a client edits the guest list and talks with the venue; a vendor sees its assignment and
//! its own conversation.

use super::event::event_id_param;
use crate::api::events::{get_event_overview, UpdateEvent};
use crate::app::chat::AgentPanel;
use crate::app::common::{Loading, NotFoundPage, PageError};
use crate::app::event::contract::ContractTab;
use crate::app::event::elements::ElementsTab;
use crate::app::event::guests::GuestsTab;
use crate::app::event::messages::MessagesTab;
use crate::app::event::overview::OverviewTab;
use crate::app::event::vendors::VendorsTab;
use crate::app::event::{current_tab, EventHeader, TabNav};
use crate::app::UserResource;
use crate::domain::chat::AgentKind;
use crate::domain::Role;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

const CLIENT_TABS: &[(&str, &str)] = &[
    ("overview", "Overview"),
    ("guests", "Guests"),
    ("elements", "Plan"),
    ("contract", "Contract"),
    ("messages", "Messages"),
    ("assistant", "Assistant"),
];

const VENDOR_TABS: &[(&str, &str)] = &[("overview", "Overview"), ("vendors", "Assignment"), ("messages", "Messages")];

#[component]
pub fn MyEventPage() -> impl IntoView {
    let id = event_id_param();
    let user = expect_context::<UserResource>();
    let update = ServerAction::<UpdateEvent>::new();
    let overview = Resource::new(
        move || id.get(),
        |id| async move {
            match id {
                Some(id) => get_event_overview(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                let role = user.await.ok().flatten().map(|u| u.role);
                match overview.await {
                    Ok(None) => view! { <NotFoundPage /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                    // Staff manage events in the workspace.
                    Ok(Some(o)) if o.can_manage => view! { <Redirect path=format!("/events/{}", o.event.id) /> }.into_any(),
                    Ok(Some(o)) => {
                        let event_id = o.event.id;
                        let tabs = if role == Some(Role::Vendor) { VENDOR_TABS } else { CLIENT_TABS };
                        let tab = current_tab(tabs);
                        let is_client = role == Some(Role::Client);
                        view! {
                            <Title text=o.event.title.clone() />
                            <EventHeader event=o.event.clone() />
                            <TabNav base=format!("/my/events/{event_id}") tabs current=tab />
                            {move || match tab.get() {
                                "guests" => view! { <GuestsTab event_id editable=is_client /> }.into_any(),
                                "elements" => view! { <ElementsTab event_id can_manage=false /> }.into_any(),
                                "contract" => view! { <ContractTab event_id /> }.into_any(),
                                "vendors" => view! { <VendorsTab event_id /> }.into_any(),
                                "messages" => view! { <MessagesTab event_id /> }.into_any(),
                                "assistant" if is_client => view! {
                                    <div class="mt-4"><AgentPanel agent=AgentKind::Client event_id=Some(event_id) title="Your event assistant" /></div>
                                }.into_any(),
                                _ => view! { <OverviewTab overview=o.clone() update /> }.into_any(),
                            }}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
