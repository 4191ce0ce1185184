//! Automations (`/studio/automations`): agent runs or specialist orders on a schedule or on the
//! venue's business events. Staff see each automation, what it would do now (a dry run) and its
//! runs; owners create, change, pause, resume, run and delete them.

use crate::api::automations::{
    automation_runs, automations, delete_automation, dry_run_automation, pause_automation, run_automation,
    save_automation,
};
use crate::app::common::{confirm, fmt_datetime, poll_while, Badge, ErrorBanner, Loading, PageError};
use crate::domain::automations::{
    Action, AutomationInput, AutomationView, AutomationsView, DryRun, RunStatus, RunView, Trigger, AGENTS, EXAMPLES,
    MAX_INSTRUCTIONS, MONDAY, WEEKDAYS,
};
use leptos::prelude::*;

fn run_tone(s: RunStatus) -> &'static str {
    match s {
        RunStatus::Queued => "stone",
        RunStatus::Running => "blue",
        RunStatus::Done => "green",
        RunStatus::Waiting => "amber",
        RunStatus::Failed => "red",
    }
}

#[component]
pub fn Automations() -> impl IntoView {
    let version = RwSignal::new(0u32);
    let data = Resource::new(move || version.get(), |_| automations());
    view! {
        <p class="text-sm"><a class="link" href="/studio">"← Studio"</a></p>
        <h1 class="mt-1 text-2xl font-semibold">"Automations"</h1>
        <p class="mt-1 max-w-2xl text-sm text-stone-500 dark:text-stone-400">
            "Agents that act on a schedule or when something happens: a summary every Monday, a message before each event, a proposal for each inquiry. Each run has its own chat; anything that needs approval waits there for a person."
        </p>
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Err(error) => view! { <PageError error /> }.into_any(),
                    Ok(view) => view! { <AutomationsBody view version /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn AutomationsBody(view: AutomationsView, version: RwSignal<u32>) -> impl IntoView {
    let AutomationsView { automations, specialists, can_edit, timezone } = view;
    let adding = RwSignal::new(false);
    let specialists = StoredValue::new(specialists);
    let empty = automations.is_empty();
    view! {
        <div class="mt-4 flex flex-wrap items-center gap-2">
            <p class="flex-1 text-xs text-stone-500">{format!("Schedules are in the venue's time zone, {timezone}.")}</p>
            {can_edit.then(|| view! {
                <button type="button" class="btn-primary py-1" on:click=move |_| adding.set(true)>"New automation"</button>
            })}
        </div>
        <Show when=move || adding.get()>
            <div class="card mt-3">
                <AutomationForm initial=None specialists version done=move || adding.set(false) />
            </div>
        </Show>
        {(empty && !can_edit).then(|| view! { <p class="mt-4 text-sm text-stone-500">"The venue has no automations yet. An owner can set them up here."</p> })}
        {(empty && can_edit).then(|| view! { <p class="mt-4 text-sm text-stone-500">"No automations yet. Start from an example with “New automation”."</p> })}
        <ul class="mt-4 space-y-4">
            {automations.into_iter().map(|a| view! { <AutomationCard a can_edit specialists version /> }).collect_view()}
        </ul>
    }
}

#[component]
fn AutomationCard(
    a: AutomationView,
    can_edit: bool,
    specialists: StoredValue<Vec<(String, String)>>,
    version: RwSignal<u32>,
) -> impl IntoView {
    let id = a.id;
    let editing = RwSignal::new(false);
    let error = RwSignal::new(None::<String>);
    let dry = RwSignal::new(None::<DryRun>);
    let history = RwSignal::new(false);
    let runs_tick = RwSignal::new(0u32);
    // What the card says of its runs, kept current by "Run now" and by the history as it loads
    // (without reloading the list, which would close every card's history).
    let runs = RwSignal::new(a.runs);
    let last_status = RwSignal::new(a.last_status);
    let last_at = RwSignal::new(a.last_run_at);
    let paused = a.paused;
    let initial = input_of(&a);
    let next = a.next_run_label.as_ref().map(|t| format!("Next run {t}"));
    let act = move |what: &'static str| {
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = match what {
                "pause" => pause_automation(id, true).await,
                "resume" => pause_automation(id, false).await,
                "delete" => delete_automation(id).await,
                _ => run_automation(id).await.map(|_| {
                    runs.update(|n| *n += 1);
                    last_status.set(Some(RunStatus::Queued));
                    history.set(true);
                    runs_tick.update(|v| *v += 1);
                }),
            };
            match result {
                Ok(()) if what == "run" => {}
                Ok(()) => version.update(|v| *v += 1),
                Err(e) => error.set(Some(e.field("run").unwrap_or_else(|| e.to_string()))),
            }
        });
    };
    let dry_run = move |_| {
        error.set(None);
        leptos::task::spawn_local(async move {
            match dry_run_automation(id).await {
                Ok(d) => dry.set(Some(d)),
                Err(e) => error.set(Some(e.to_string())),
            }
        });
    };
    view! {
        <li class="card space-y-2" data-testid="automation">
            <Show when=move || editing.get() fallback={
                let a = a.clone();
                move || view! {
                    <div class="flex flex-wrap items-center gap-2">
                        <h2 class="flex-1 font-medium">{a.name.clone()}</h2>
                        {move || last_status.get().map(|s| view! { <Badge text=format!("Last: {}", s.label()) tone=run_tone(s) /> })}
                        <Badge text=if a.paused { "Paused" } else { "Active" } tone=if a.paused { "stone" } else { "green" } />
                    </div>
                    <p class="text-sm text-stone-700 dark:text-stone-200">
                        <span class="font-medium">{a.when.clone()}</span>" → "
                        {match &a.action { Action::Agent(_) => format!("runs the {}", a.action_label.to_lowercase()), Action::Specialist(_) => format!("orders from the {}", a.action_label) }}
                    </p>
                    <p class="text-sm whitespace-pre-line text-stone-600 dark:text-stone-300">{a.instructions.clone()}</p>
                    <p class="text-xs text-stone-500">
                        {format!("Acts as {}", a.created_by_name)}
                        <span data-testid="automation-runs">{move || { let n = runs.get(); format!(" · {n} run{}", if n == 1 { "" } else { "s" }) }}</span>
                        {next.clone().map(|n| format!(" · {n}"))}
                        {move || last_at.get().map(|t| format!(" · Last run {}", fmt_datetime(t)))}
                    </p>
                }
            }>
                <AutomationForm initial=Some((id, initial.clone())) specialists version done=move || editing.set(false) />
            </Show>
            {move || error.get().map(|m| view! { <ErrorBanner message=m /> })}
            <Show when=move || !editing.get()>
                <div class="flex flex-wrap gap-2">
                    <button type="button" class="btn-secondary py-1" on:click=dry_run>"Dry run"</button>
                    <button type="button" class="btn-secondary py-1" aria-expanded=move || history.get().to_string()
                        on:click=move |_| history.update(|h| *h = !*h)>"History"</button>
                    {can_edit.then(|| view! {
                        <button type="button" class="btn-secondary py-1" on:click=move |_| act("run")>"Run now"</button>
                        <button type="button" class="btn-secondary py-1"
                            on:click=move |_| act(if paused { "resume" } else { "pause" })>{if paused { "Resume" } else { "Pause" }}</button>
                        <button type="button" class="btn-secondary py-1" on:click=move |_| editing.set(true)>"Edit"</button>
                        <button type="button" class="btn-secondary py-1" on:click=move |_| {
                            if confirm("Delete this automation and its history?") { act("delete") }
                        }>"Delete"</button>
                    })}
                </div>
            </Show>
            {move || dry.get().map(|d| view! {
                <div class="rounded-md border border-stone-200 p-3 text-sm dark:border-stone-700" data-testid="dry-run">
                    <div class="flex items-center gap-2">
                        <h3 class="flex-1 font-medium">"Dry run: nothing was done"</h3>
                        <button type="button" class="link text-xs" on:click=move |_| dry.set(None)>"Close"</button>
                    </div>
                    <ul class="mt-1 list-disc pl-5 text-stone-600 dark:text-stone-300">
                        {d.fires.iter().map(|f| view! { <li>{f.clone()}</li> }).collect_view()}
                    </ul>
                    <p class="mt-2">{d.action.clone()}</p>
                    <p class="mt-2 text-xs font-medium text-stone-500">"It would be told:"</p>
                    <pre class="mt-1 max-h-60 overflow-auto whitespace-pre-wrap rounded bg-stone-100 p-2 text-xs dark:bg-stone-800">{d.message.clone()}</pre>
                </div>
            })}
            <Show when=move || history.get()>
                <Runs id tick=runs_tick last_status last_at />
            </Show>
        </li>
    }
}

#[component]
fn Runs(
    id: i64,
    tick: RwSignal<u32>,
    /// The card's latest run, set from the newest run listed.
    last_status: RwSignal<Option<RunStatus>>,
    last_at: RwSignal<Option<chrono::DateTime<chrono::Utc>>>,
) -> impl IntoView {
    let runs = Resource::new(move || tick.get(), move |_| automation_runs(id));
    Effect::new(move |_| {
        if let Some(Ok(list)) = runs.get() {
            if let Some(r) = list.first() {
                last_status.set(Some(r.status));
                last_at.set(Some(r.created_at));
            }
        }
    });
    let busy = Memo::new(move |_| {
        runs.get()
            .and_then(|r| r.ok())
            .is_some_and(|l| l.iter().any(|r| matches!(r.status, RunStatus::Queued | RunStatus::Running)))
    });
    poll_while(busy, move || tick.update(|v| *v += 1), 2000);
    view! {
        <section class="border-t border-stone-200 pt-2 dark:border-stone-800" aria-label="Runs">
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match runs.await {
                        Err(e) => view! { <ErrorBanner message=e.to_string() /> }.into_any(),
                        Ok(list) if list.is_empty() => view! { <p class="text-sm text-stone-500">"It has not run yet."</p> }.into_any(),
                        Ok(list) => view! {
                            <ul class="divide-y divide-stone-200 text-sm dark:divide-stone-800">
                                {list.into_iter().map(|r| view! { <RunRow r /> }).collect_view()}
                            </ul>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn RunRow(r: RunView) -> impl IntoView {
    let link = match (r.thread_id, r.order_id) {
        (Some(t), _) => Some((format!("/chat/{t}"), "Open the chat")),
        (_, Some(o)) => Some((format!("/studio/{o}"), "Open the order")),
        _ => None,
    };
    view! {
        <li class="py-2" data-testid="automation-run">
            <div class="flex flex-wrap items-center gap-2">
                <span class="flex-1">{r.fired_by.clone()}</span>
                <Badge text=r.status.label() tone=run_tone(r.status) />
            </div>
            <p class="text-xs text-stone-500">
                {fmt_datetime(r.created_at)}
                {r.event_title.clone().map(|t| format!(" · {t}"))}
            </p>
            {(!r.output.is_empty()).then(|| view! {
                <p class="mt-1 line-clamp-4 whitespace-pre-line text-xs text-stone-700 dark:text-stone-200">{r.output.clone()}</p>
            })}
            {(!r.error.is_empty()).then(|| view! { <p class="mt-1 text-xs text-red-700 dark:text-red-400">{r.error.clone()}</p> })}
            {link.map(|(href, label)| view! { <a class="link text-xs" href=href>{label}</a> })}
        </li>
    }
}

/// The form's input for an automation as listed.
fn input_of(a: &AutomationView) -> AutomationInput {
    let (action, agent_kind, specialist) = match &a.action {
        Action::Agent(kind) => ("agent", kind.as_str().to_string(), String::new()),
        Action::Specialist(slug) => ("specialist", String::new(), slug.clone()),
    };
    AutomationInput {
        id: Some(a.id),
        name: a.name.clone(),
        trigger: a.rule.trigger.as_str().into(),
        weekdays: a.rule.weekdays,
        at_time: a.rule.at.map(|t| t.format("%H:%M").to_string()).unwrap_or_default(),
        days_before: a.rule.days_before.map(|d| d.to_string()).unwrap_or_default(),
        action: action.into(),
        agent_kind,
        specialist,
        instructions: a.instructions.clone(),
    }
}

#[component]
fn AutomationForm(
    /// The automation edited (its id and current values); `None` for a new one.
    initial: Option<(i64, AutomationInput)>,
    specialists: StoredValue<Vec<(String, String)>>,
    version: RwSignal<u32>,
    done: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let new = initial.is_none();
    let form = RwSignal::new(initial.map(|(_, i)| i).unwrap_or_else(|| EXAMPLES[0].input()));
    let errors = RwSignal::new(None::<crate::api::AppError>);
    let field = move |f: &'static str| move || errors.with(|e| e.as_ref().and_then(|e| e.field(f)));
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.set(None);
        let input = form.get_untracked();
        leptos::task::spawn_local(async move {
            match save_automation(input).await {
                Ok(_) => {
                    done();
                    version.update(|v| *v += 1);
                }
                Err(e) => errors.set(Some(e)),
            }
        });
    };
    let trigger = move || form.with(|f| f.trigger.parse::<Trigger>().ok());
    let set = move |apply: fn(&mut AutomationInput, String)| {
        move |ev: leptos::ev::Event| {
            let v = event_target_value(&ev);
            form.update(|f| apply(f, v));
        }
    };
    view! {
        <form class="space-y-3" on:submit=submit aria-label=if new { "New automation" } else { "Edit automation" }>
            <h2 class="font-medium">{if new { "New automation" } else { "Edit automation" }}</h2>
            {new.then(|| view! {
                <label class="block"><span class="label">"Start from an example"</span>
                    <select class="input" on:change=move |ev| {
                        if let Some(e) = event_target_value(&ev).parse::<usize>().ok().and_then(|i| EXAMPLES.get(i)) {
                            form.set(e.input());
                        }
                    }>
                        {EXAMPLES.iter().enumerate().map(|(i, e)| view! { <option value=i.to_string()>{e.name}</option> }).collect_view()}
                    </select>
                </label>
            })}
            <label class="block"><span class="label">"Name"</span>
                <input class="input" required maxlength="80" prop:value=move || form.with(|f| f.name.clone())
                    on:input=set(|f, v| f.name = v) /></label>
            {move || field("name")().map(|m| view! { <p class="text-xs text-red-700 dark:text-red-400">{m}</p> })}
            <label class="block"><span class="label">"When"</span>
                <select class="input" prop:value=move || form.with(|f| f.trigger.clone()) on:change=set(|f, v| f.trigger = v)>
                    {Trigger::ALL.iter().map(|t| view! { <option value=t.as_str()>{t.label()}</option> }).collect_view()}
                </select></label>
            <Show when=move || trigger() == Some(Trigger::Schedule)>
                <fieldset>
                    <legend class="label">"Days"</legend>
                    <div class="flex flex-wrap gap-3 text-sm">
                        {WEEKDAYS.iter().enumerate().map(|(d, name)| {
                            let bit = MONDAY << d;
                            view! {
                                <label class="flex items-center gap-1">
                                    <input type="checkbox" prop:checked=move || form.with(|f| f.weekdays & bit != 0)
                                        on:change=move |ev| { let on = event_target_checked(&ev); form.update(|f| if on { f.weekdays |= bit } else { f.weekdays &= !bit }) } />
                                    {*name}
                                </label>
                            }
                        }).collect_view()}
                    </div>
                </fieldset>
                {move || field("weekdays")().map(|m| view! { <p class="text-xs text-red-700 dark:text-red-400">{m}</p> })}
                <label class="block"><span class="label">"At"</span>
                    <input class="input w-36" type="time" required prop:value=move || form.with(|f| f.at_time.clone())
                        on:input=set(|f, v| f.at_time = v) /></label>
                {move || field("at_time")().map(|m| view! { <p class="text-xs text-red-700 dark:text-red-400">{m}</p> })}
            </Show>
            <Show when=move || trigger() == Some(Trigger::EventApproaching)>
                <label class="block"><span class="label">"Days before the event"</span>
                    <input class="input w-28" type="number" min="0" max="365" required prop:value=move || form.with(|f| f.days_before.clone())
                        on:input=set(|f, v| f.days_before = v) /></label>
                {move || field("days_before")().map(|m| view! { <p class="text-xs text-red-700 dark:text-red-400">{m}</p> })}
            </Show>
            <label class="block"><span class="label">"Then"</span>
                <select class="input" prop:value=move || form.with(|f| f.action.clone()) on:change=set(|f, v| f.action = v)>
                    <option value="agent">"Run an agent"</option>
                    <option value="specialist">"Order from a specialist"</option>
                </select></label>
            <Show when=move || form.with(|f| f.action == "agent")>
                <label class="block"><span class="label">"Agent"</span>
                    <select class="input" prop:value=move || form.with(|f| f.agent_kind.clone()) on:change=set(|f, v| f.agent_kind = v)>
                        <option value="">"Choose an agent"</option>
                        {AGENTS.iter().map(|k| view! { <option value=k.as_str()>{k.label()}</option> }).collect_view()}
                    </select></label>
                {move || field("agent_kind")().map(|m| view! { <p class="text-xs text-red-700 dark:text-red-400">{m}</p> })}
            </Show>
            <Show when=move || form.with(|f| f.action == "specialist")>
                <label class="block"><span class="label">"Specialist"</span>
                    <select class="input" prop:value=move || form.with(|f| f.specialist.clone()) on:change=set(|f, v| f.specialist = v)>
                        <option value="">"Choose a specialist"</option>
                        {specialists.get_value().into_iter().map(|(slug, name)| view! { <option value=slug>{name}</option> }).collect_view()}
                    </select></label>
                {move || field("specialist")().map(|m| view! { <p class="text-xs text-red-700 dark:text-red-400">{m}</p> })}
            </Show>
            <label class="block"><span class="label">"Instructions"</span>
                <textarea class="input min-h-28 text-sm" rows="4" required maxlength=MAX_INSTRUCTIONS.to_string()
                    prop:value=move || form.with(|f| f.instructions.clone()) on:input=set(|f, v| f.instructions = v)></textarea></label>
            {move || field("instructions")().map(|m| view! { <p class="text-xs text-red-700 dark:text-red-400">{m}</p> })}
            {move || errors.with(|e| e.as_ref().filter(|e| !matches!(e, crate::api::AppError::Invalid(_))).map(|e| view! { <ErrorBanner message=e.to_string() /> }))}
            {move || errors.with(|e| e.as_ref().and_then(|e| ["trigger", "action"].iter().find_map(|f| e.field(f))).map(|m| view! { <ErrorBanner message=m /> }))}
            <div class="flex gap-2">
                <button type="submit" class="btn-primary">"Save"</button>
                <button type="button" class="btn-secondary" on:click=move |_| done()>"Cancel"</button>
            </div>
        </form>
    }
}
