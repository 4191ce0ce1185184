//! The event page, loaded once for both of its routes: the staff workspace (`/events/:id`) and
//! the client's or vendor's view (`/my/events/:id`). Each side sees its own tabs (`?tab=`); a
//! member who opens the other side's address is sent to their own, anyone else gets a 404.

use super::contract::ContractTab;
use super::documents::DocumentsTab;
use super::elements::ElementsTab;
use super::guests::GuestsTab;
use super::messages::MessagesTab;
use super::overview::OverviewTab;
use super::tasks::TasksTab;
use super::vendors::VendorsTab;
use super::{current_tab, EventHeader, TabNav};
use crate::api::events::{get_event_overview, UpdateEvent};
use crate::app::chat::AgentPanel;
use crate::app::common::{Loading, NotFoundPage, PageError};
use crate::app::UserResource;
use crate::domain::chat::AgentKind;
use crate::domain::Role;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

const STAFF_TABS: &[(&str, &str)] = &[
    ("overview", "Overview"),
    ("elements", "Elements"),
    ("guests", "Guests"),
    ("vendors", "Vendors"),
    ("tasks", "Tasks"),
    ("messages", "Messages"),
    ("contract", "Contract"),
    ("documents", "Documents"),
    ("agent", "Agent"),
];

const CLIENT_TABS: &[(&str, &str)] = &[
    ("overview", "Overview"),
    ("guests", "Guests"),
    ("elements", "Plan"),
    ("contract", "Contract"),
    ("documents", "Documents"),
    ("messages", "Messages"),
    ("assistant", "Assistant"),
];

const VENDOR_TABS: &[(&str, &str)] = &[("overview", "Overview"), ("vendors", "Assignment"), ("messages", "Messages")];

/// Which side of the event a page shows.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The staff workspace: everything, editable.
    Staff,
    /// A client's or vendor's view: read-mostly. A client edits the guest list and talks with
    /// the venue; a vendor sees its assignment and its own conversation.
    Member,
}

impl Side {
    /// The event's address on this side.
    fn href(self, event_id: i64) -> String {
        match self {
            Side::Staff => format!("/events/{event_id}"),
            Side::Member => format!("/my/events/{event_id}"),
        }
    }

    /// The other side's address, for someone who opened the wrong one.
    fn other(self) -> Side {
        match self {
            Side::Staff => Side::Member,
            Side::Member => Side::Staff,
        }
    }
}

/// The event `id` (none when the address has no plausible id: a 404), for one side.
#[component]
pub fn EventScreen(id: Memo<Option<i64>>, side: Side) -> impl IntoView {
    let user = expect_context::<UserResource>();
    let update = ServerAction::<UpdateEvent>::new();
    // Reloads after a save in the overview (only staff save there).
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
                // Staff tabs do not depend on the role; a member's do.
                let role = match side {
                    Side::Staff => None,
                    Side::Member => user.await.ok().flatten().map(|u| u.role),
                };
                match overview.await {
                    Ok(None) => view! { <NotFoundPage /> }.into_any(),
                    Err(error) => view! { <PageError error /> }.into_any(),
                    // Staff manage events in the workspace; members see their own view.
                    Ok(Some(o)) if o.can_manage != (side == Side::Staff) => {
                        view! { <Redirect path=side.other().href(o.event.id) /> }.into_any()
                    }
                    Ok(Some(o)) => {
                        let event_id = o.event.id;
                        let tabs = match side {
                            Side::Staff => STAFF_TABS,
                            Side::Member if role == Some(Role::Vendor) => VENDOR_TABS,
                            Side::Member => CLIENT_TABS,
                        };
                        let tab = current_tab(tabs);
                        let staff = side == Side::Staff;
                        let is_client = role == Some(Role::Client);
                        let guests_editable = staff || is_client;
                        view! {
                            <Title text=o.event.title.clone() />
                            <EventHeader event=o.event.clone() />
                            <TabNav base=side.href(event_id) tabs current=tab />
                            // Each side's tabs are its own: `current_tab` only gives keys of `tabs`.
                            {move || match tab.get() {
                                "elements" => view! { <ElementsTab event_id can_manage=staff /> }.into_any(),
                                "guests" => view! { <GuestsTab event_id editable=guests_editable /> }.into_any(),
                                "vendors" => view! { <VendorsTab event_id /> }.into_any(),
                                "tasks" => view! { <TasksTab event_id /> }.into_any(),
                                "messages" => view! { <MessagesTab event_id /> }.into_any(),
                                "contract" => view! { <ContractTab event_id /> }.into_any(),
                                "documents" => view! { <DocumentsTab event_id staff /> }.into_any(),
                                "agent" => view! {
                                    <div class="mt-4"><AgentPanel agent=AgentKind::VenueEvent event_id=Some(event_id) title="Event agent" /></div>
                                }.into_any(),
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
