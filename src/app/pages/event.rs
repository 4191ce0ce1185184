//! `/events/:id`: the staff workspace for one event, in tabs (`?tab=`). Clients and vendors who
//! can see the event are sent to their own view; anyone else gets a 404.

use crate::api::events::{get_event_overview, UpdateEvent};
use crate::app::chat::AgentPanel;
use crate::app::common::{Loading, NotFoundPage, PageError};
use crate::app::event::contract::ContractTab;
use crate::app::event::elements::ElementsTab;
use crate::app::event::guests::GuestsTab;
use crate::app::event::messages::MessagesTab;
use crate::app::event::overview::OverviewTab;
use crate::app::event::tasks::TasksTab;
use crate::app::event::vendors::VendorsTab;
use crate::app::event::{current_tab, EventHeader, TabNav};
use crate::domain::chat::AgentKind;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_params_map;

const TABS: &[(&str, &str)] = &[
    ("overview", "Overview"),
    ("elements", "Elements"),
    ("guests", "Guests"),
    ("vendors", "Vendors"),
    ("tasks", "Tasks"),
    ("messages", "Messages"),
    ("contract", "Contract"),
    ("agent", "Agent"),
];

/// The `:id` of the route, when it is a plausible id.
pub fn event_id_param() -> Memo<Option<i64>> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()).filter(|id| *id > 0))
}

#[component]
pub fn EventPage() -> impl IntoView {
    let id = event_id_param();
    let tab = current_tab(TABS);
    let update = ServerAction::<UpdateEvent>::new();
    let overview = Resource::new(
        move || (id.get(), update.version().get()),
        |(id, _)| async move {
            match id {
                Some(id) => get_event_overview(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    view! {
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match overview.await {
                    Ok(None) => view! { <NotFoundPage /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                    Ok(Some(o)) if !o.can_manage => view! { <Redirect path=format!("/my/events/{}", o.event.id) /> }.into_any(),
                    Ok(Some(o)) => {
                        let event_id = o.event.id;
                        view! {
                            <Title text=o.event.title.clone() />
                            <EventHeader event=o.event.clone() />
                            <TabNav base=format!("/events/{event_id}") tabs=TABS current=tab />
                            {move || match tab.get() {
                                "elements" => view! { <ElementsTab event_id can_manage=true /> }.into_any(),
                                "guests" => view! { <GuestsTab event_id editable=true /> }.into_any(),
                                "vendors" => view! { <VendorsTab event_id /> }.into_any(),
                                "tasks" => view! { <TasksTab event_id /> }.into_any(),
                                "messages" => view! { <MessagesTab event_id /> }.into_any(),
                                "contract" => view! { <ContractTab event_id /> }.into_any(),
                                "agent" => view! {
                                    <div class="mt-4"><AgentPanel agent=AgentKind::VenueEvent event_id=Some(event_id) title="Event agent" /></div>
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
