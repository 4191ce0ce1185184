//! Tasks: create, assign, complete (staff).

use crate::api::tasks::{event_tasks, AssignTask, CreateTask, SetTaskStatus};
use crate::app::common::{field_error, fmt_date, general_error, ErrorBanner, FieldMessage, Loading, PageError};
use crate::domain::forms::TaskForm;
use crate::domain::parse::FieldErrors;
use crate::domain::records::{Member, TasksView};
use crate::domain::TaskStatus;
use leptos::prelude::*;

#[component]
pub fn TasksTab(event_id: i64) -> impl IntoView {
    let create = ServerAction::<CreateTask>::new();
    let status = ServerAction::<SetTaskStatus>::new();
    let assign = ServerAction::<AssignTask>::new();
    let data = Resource::new(
        move || (create.version().get(), status.version().get(), assign.version().get()),
        move |_| event_tasks(event_id),
    );
    view! {
        <div class="mt-6 space-y-6">
            {move || [status.value().get(), assign.value().get()].into_iter().flatten().find_map(|r| r.err()).map(|e| view! { <ErrorBanner message=e.to_string() /> })}
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Err(error) => view! { <PageError error /> }.into_any(),
                        Ok(view) => view! {
                            <NewTaskForm event_id create members=view.members.clone() />
                            <TaskList view status assign />
                        }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}

#[component]
fn TaskList(view: TasksView, status: ServerAction<SetTaskStatus>, assign: ServerAction<AssignTask>) -> impl IntoView {
    if view.tasks.is_empty() {
        return view! { <p class="card text-sm text-stone-500">"No tasks for this event yet."</p> }.into_any();
    }
    let members = view.members;
    view! {
        <section class="card" aria-labelledby="tasks-h">
            <h2 id="tasks-h" class="section-title">"Tasks"</h2>
            <ul class="divide-y divide-stone-200 dark:divide-stone-800">
                {view.tasks.into_iter().map(|t| {
                    let id = t.id;
                    let done = t.status == TaskStatus::Done;
                    let members = members.clone();
                    view! {
                        <li class="flex flex-wrap items-center gap-3 py-2 text-sm">
                            <input
                                type="checkbox"
                                class="h-4 w-4 accent-teal-700"
                                checked=done
                                aria-label=format!("Mark \"{}\" {}", t.title, if done { "not done" } else { "done" })
                                on:change=move |ev| {
                                    let s = if event_target_checked(&ev) { TaskStatus::Done } else { TaskStatus::Open };
                                    status.dispatch(SetTaskStatus { task_id: id, status: s.as_str().into() });
                                }
                            />
                            <span class=if done { "min-w-0 flex-1 line-through text-stone-500" } else { "min-w-0 flex-1" }>{t.title.clone()}</span>
                            <span class="text-xs text-stone-500">{t.due_date.map(|d| format!("Due {}", fmt_date(d))).unwrap_or_default()}</span>
                            <select
                                class="input w-44 py-1"
                                aria-label=format!("Assignee of \"{}\"", t.title)
                                on:change=move |ev| { assign.dispatch(AssignTask { task_id: id, assignee_id: event_target_value(&ev) }); }
                            >
                                <option value="" selected=t.assignee_id.is_none()>"Unassigned"</option>
                                {members.into_iter().map(|m| view! {
                                    <option value=m.user_id.to_string() selected=Some(m.user_id) == t.assignee_id>{m.name.clone()}</option>
                                }).collect_view()}
                            </select>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

#[component]
fn NewTaskForm(event_id: i64, create: ServerAction<CreateTask>, members: Vec<Member>) -> impl IntoView {
    let form = RwSignal::new(TaskForm::default());
    let shown = RwSignal::new(FieldErrors::default());
    let server_error = move || create.value().get().and_then(|r| r.err());
    let message = move |field: &'static str| Signal::derive(move || field_error(server_error(), &shown.get(), field));
    Effect::new(move |_| {
        if matches!(create.value().get(), Some(Ok(_))) {
            form.set(TaskForm::default());
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match form.with(TaskForm::parse) {
            Err(errors) => shown.set(errors),
            Ok(_) => {
                shown.set(FieldErrors::default());
                create.dispatch(CreateTask { event_id, form: form.get_untracked() });
            }
        }
    };
    view! {
        <form class="card" on:submit=submit aria-label="New task" novalidate>
            <h2 class="section-title">"New task"</h2>
            <div class="grid grid-cols-1 gap-x-3 sm:grid-cols-4">
                <div class="sm:col-span-2">
                    <label for="task-title" class="label">"Task"</label>
                    <input id="task-title" class="input" aria-describedby="task-title-error"
                        prop:value=move || form.with(|f| f.title.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| f.title = v) } />
                    <FieldMessage id="task-title-error" message=message("title") />
                </div>
                <div>
                    <label for="task-assignee" class="label">"Assignee"</label>
                    <select id="task-assignee" class="input"
                        prop:value=move || form.with(|f| f.assignee_id.clone())
                        on:change=move |ev| { let v = event_target_value(&ev); form.update(|f| f.assignee_id = v) }>
                        <option value="">"Unassigned"</option>
                        {members.into_iter().map(|m| view! { <option value=m.user_id.to_string()>{m.name.clone()}</option> }).collect_view()}
                    </select>
                    <FieldMessage id="task-assignee-error" message=message("assignee_id") />
                </div>
                <div>
                    <label for="task-due" class="label">"Due"</label>
                    <input id="task-due" type="date" class="input" aria-describedby="task-due-error"
                        prop:value=move || form.with(|f| f.due_date.clone())
                        on:input=move |ev| { let v = event_target_value(&ev); form.update(|f| f.due_date = v) } />
                    <FieldMessage id="task-due-error" message=message("due_date") />
                </div>
            </div>
            {move || server_error().and_then(|e| general_error(&e)).map(|m| view! { <ErrorBanner message=m /> })}
            <button type="submit" class="btn-primary" disabled=move || create.pending().get()>"Add task"</button>
        </form>
    }
}
