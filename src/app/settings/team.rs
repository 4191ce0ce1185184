//! The team: members of the venue and invites (owners and staff).

use crate::api::team::{get_team, remove_member, CreateInvite};
use crate::app::common::{field_error, fmt_datetime, general_error, ErrorBanner, FieldMessage, Loading, PageError};
use crate::domain::forms::InviteForm;
use crate::domain::parse::FieldErrors;
use crate::domain::records::Team;
use crate::domain::InviteRole;
use leptos::prelude::*;

#[component]
pub fn TeamMembers() -> impl IntoView {
    let create = ServerAction::<CreateInvite>::new();
    let removed = RwSignal::new(0u32);
    let data = Resource::new(move || (create.version().get(), removed.get()), |_| get_team());
    view! {
        <h1 class="text-2xl font-semibold">"Team"</h1>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <PageError error /> }.into_any(),
                    Ok(t) => view! { <TeamView t create removed /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn TeamView(t: Team, create: ServerAction<CreateInvite>, removed: RwSignal<u32>) -> impl IntoView {
    // Owners remove members (not themselves): their sessions, feeds and embed links end at once.
    let me = expect_context::<crate::app::UserResource>();
    let owner_id = move || {
        me.get().and_then(|r| r.ok()).flatten().filter(|u| u.role == crate::domain::Role::Owner).map(|u| u.user_id)
    };
    let error = RwSignal::new(None::<String>);
    let remove = move |user_id: i64, name: String| {
        let sure = window()
            .confirm_with_message(&format!(
                "Remove {name} from the venue? They are logged out at once; what they wrote stays."
            ))
            .unwrap_or(false);
        if !sure {
            return;
        }
        leptos::task::spawn_local(async move {
            match remove_member(user_id).await {
                Ok(()) => removed.update(|v| *v += 1),
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <div class="mt-6 grid grid-cols-1 gap-6 lg:grid-cols-3">
            <section class="card overflow-x-auto lg:col-span-2" aria-labelledby="members-h">
                <h2 id="members-h" class="section-title">"Members"</h2>
                <table class="w-full text-left text-sm">
                    <thead class="text-xs uppercase text-stone-500">
                        <tr><th scope="col" class="py-2 pr-3">"Name"</th><th scope="col" class="py-2 pr-3">"Role"</th><th scope="col" class="hidden py-2 pr-3 sm:table-cell">"For"</th><th scope="col" class="py-2"><span class="sr-only">"Actions"</span></th></tr>
                    </thead>
                    <tbody class="divide-y divide-stone-200 dark:divide-stone-800">
                        {t.members.into_iter().map(|m| {
                            let (id, name) = (m.user_id, m.name.clone());
                            view! {
                                <tr>
                                    <td class="py-2 pr-3">
                                        <p class="font-medium">{m.name.clone()}</p>
                                        <p class="break-all text-xs text-stone-500">{m.email.clone()}</p>
                                        // On phones the "For" column folds in here, so the row fits without scrolling.
                                        {m.linked_to.clone().map(|l| view! { <p class="text-xs text-stone-500 sm:hidden">{format!("For {l}")}</p> })}
                                    </td>
                                    <td class="py-2 pr-3">{m.role.label()}</td>
                                    <td class="hidden py-2 pr-3 sm:table-cell">{m.linked_to.clone().unwrap_or_default()}</td>
                                    <td class="py-2 text-right">
                                        {move || owner_id().filter(|me| *me != id).map(|_| {
                                            let name = name.clone();
                                            view! {
                                                <button type="button" class="btn-ghost py-1 text-xs" aria-label=format!("Remove {name}") on:click=move |_| remove(id, name.clone())>"Remove"</button>
                                            }
                                        })}
                                    </td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
                {move || error.get().map(|m| view! { <div class="mt-2"><ErrorBanner message=m /></div> })}
                {(!t.invites.is_empty()).then(|| view! {
                    <h3 class="mt-6 text-sm font-semibold">"Open invites"</h3>
                    <ul class="mt-2 space-y-1 text-sm">
                        {t.invites.into_iter().map(|i| view! {
                            <li>{format!("{} <{}> as {}", i.name, i.email, i.role)} <span class="text-xs text-stone-500">" · expires " {fmt_datetime(i.expires_at)}</span></li>
                        }).collect_view()}
                    </ul>
                })}
            </section>
            <InviteFormCard create clients=t.clients vendors=t.vendors />
        </div>
    }
}

#[component]
fn InviteFormCard(
    create: ServerAction<CreateInvite>,
    clients: Vec<crate::domain::records::Choice>,
    vendors: Vec<crate::domain::records::Choice>,
) -> impl IntoView {
    let form = RwSignal::new(InviteForm { role: "client".into(), ..Default::default() });
    let shown = RwSignal::new(FieldErrors::default());
    let server_error = move || create.value().get().and_then(|r| r.err());
    let message = move |field: &'static str| Signal::derive(move || field_error(server_error(), &shown.get(), field));
    let link = move || create.value().get().and_then(|r| r.ok());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match form.with(InviteForm::parse) {
            Err(errors) => shown.set(errors),
            Ok(_) => {
                shown.set(FieldErrors::default());
                create.dispatch(crate::api::team::CreateInvite { form: form.get_untracked() });
            }
        }
    };
    let role = move || form.with(|f| f.role.clone());
    view! {
        <form class="card space-y-1" on:submit=submit aria-label="Invite someone" novalidate>
            <h2 class="section-title">"Invite someone"</h2>
            <div>
                <label for="invite-role" class="label">"Role"</label>
                <select id="invite-role" class="input" prop:value=role on:change=move |ev| { let v = event_target_value(&ev); form.update(|f| f.role = v) }>
                    {InviteRole::ALL.iter().map(|r| view! { <option value=r.as_str()>{r.label()}</option> }).collect_view()}
                </select>
            </div>
            <div>
                <label for="invite-name" class="label">"Name"</label>
                <input id="invite-name" class="input" prop:value=move || form.with(|f| f.name.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| f.name = v) } />
                <FieldMessage id="invite-name-error" message=message("name") />
            </div>
            <div>
                <label for="invite-email" class="label">"Email"</label>
                <input id="invite-email" type="email" class="input" prop:value=move || form.with(|f| f.email.clone())
                    on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| f.email = v) } />
                <FieldMessage id="invite-email-error" message=message("email") />
            </div>
            <Show when=move || role() == "client">
                <div>
                    <label for="invite-client" class="label">"Client record"</label>
                    <select id="invite-client" class="input" on:change=move |ev| { let v = event_target_value(&ev); form.update(|f| f.client_id = v) }>
                        <option value="">"New client"</option>
                        {clients.iter().map(|c| view! { <option value=c.id.to_string()>{c.name.clone()}</option> }).collect_view()}
                    </select>
                    <FieldMessage id="invite-client-error" message=message("client_id") />
                </div>
            </Show>
            <Show when=move || role() == "vendor">
                <div>
                    <label for="invite-vendor" class="label">"Vendor"</label>
                    <select id="invite-vendor" class="input" on:change=move |ev| { let v = event_target_value(&ev); form.update(|f| f.vendor_id = v) }>
                        <option value="">"Choose…"</option>
                        {vendors.iter().map(|c| view! { <option value=c.id.to_string()>{c.name.clone()}</option> }).collect_view()}
                    </select>
                    <FieldMessage id="invite-vendor-error" message=message("vendor_id") />
                </div>
            </Show>
            {move || server_error().and_then(|e| general_error(&e)).map(|m| view! { <ErrorBanner message=m /> })}
            <button type="submit" class="btn-primary" disabled=move || create.pending().get()>"Create invite link"</button>
            {move || link().map(|l| {
                let url = format!("{}{}", origin(), l.path);
                view! {
                    <div class="mt-3 rounded-md bg-teal-50 p-3 text-sm dark:bg-teal-950/50" role="status">
                        <p class="font-medium">"Invite link (shown once; send it to the person):"</p>
                        <input class="input mt-1 font-mono text-xs" readonly value=url aria-label="Invite link" data-testid="invite-link" />
                        <p class="mt-1 text-xs text-stone-500">"Valid until " {fmt_datetime(l.expires_at)}</p>
                    </div>
                }
            })}
        </form>
    }
}

fn origin() -> String {
    #[cfg(feature = "hydrate")]
    {
        window().location().origin().unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}
