//! Tools about tasks: the open ones, and creating one for an event.

use super::{plural, STAFF};
use crate::agent::{Tool, ToolCx, ToolError};
use crate::domain::chat::{Approver, FieldChange, Preview};
use crate::domain::forms::TaskForm;
use crate::domain::Role;
use crate::store::{events, tasks, users};
use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{json, Value};

pub struct ListPendingTasks;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskFilter {
    /// Only tasks of this event.
    pub event_id: Option<i64>,
}

impl Tool for ListPendingTasks {
    const NAME: &'static str = "list_pending_tasks";
    const LABEL: &'static str = "List open tasks";
    const DESCRIPTION: &'static str = "List tasks that are not done yet, soonest due first, with assignee and event.";
    const ROLES: &'static [Role] = STAFF;
    const APPROVAL: Option<Approver> = None;
    type Args = TaskFilter;
    type Output = Vec<Value>;

    async fn run(cx: &ToolCx<'_>, a: TaskFilter) -> Result<Vec<Value>, ToolError> {
        let list = match a.event_id {
            Some(id) => tasks::for_event(cx.pool, cx.actor, id)
                .await?
                .tasks
                .into_iter()
                .filter(|t| t.status != crate::domain::TaskStatus::Done)
                .collect(),
            None => tasks::pending(cx.pool, cx.actor, 50).await?,
        };
        Ok(list
            .iter()
            .map(|t| json!({"id": t.id, "title": t.title, "due": t.due_date, "status": t.status.as_str(), "assignee": t.assignee_name, "event": t.event_title, "event_id": t.event_id}))
            .collect())
    }

    fn summary(out: &Vec<Value>) -> String {
        plural(out.len(), "open task", "open tasks")
    }
}

pub struct CreateTask;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTaskArgs {
    /// What needs doing.
    #[schemars(length(min = 1, max = 200))]
    pub title: String,
    /// When it is due (YYYY-MM-DD).
    pub due_date: Option<NaiveDate>,
    /// The staff member to assign it to: their email or name.
    #[schemars(length(max = 120))]
    pub assignee: Option<String>,
}

async fn task_form(cx: &ToolCx<'_>, a: &CreateTaskArgs) -> Result<(TaskForm, Option<String>), ToolError> {
    let assignee = match a.assignee.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(who) => Some(
            users::staff_member(cx.pool, cx.actor, who)
                .await?
                .ok_or_else(|| ToolError::Invalid(format!("No staff member matches {who:?}.")))?,
        ),
        None => None,
    };
    Ok((
        TaskForm {
            title: a.title.clone(),
            assignee_id: assignee.as_ref().map(|(id, _)| id.to_string()).unwrap_or_default(),
            due_date: a.due_date.map(|d| d.to_string()).unwrap_or_default(),
        },
        assignee.map(|(_, name)| name),
    ))
}

impl Tool for CreateTask {
    const NAME: &'static str = "create_task";
    const LABEL: &'static str = "Create a task";
    const DESCRIPTION: &'static str = "Create a task for this event, optionally with a due date and an assignee.";
    const ROLES: &'static [Role] = STAFF;
    const APPROVAL: Option<Approver> = Some(Approver::Requester);
    type Args = CreateTaskArgs;
    type Output = Value;

    async fn preview(cx: &ToolCx<'_>, a: &CreateTaskArgs) -> Result<Preview, ToolError> {
        let detail = events::detail(cx.pool, cx.actor, cx.event(None)?).await?;
        let (form, assignee) = task_form(cx, a).await?;
        let draft = form.parse()?;
        Ok(Preview {
            summary: format!("Create the task “{}”", draft.title),
            record: format!("Tasks of {}", detail.title),
            changes: vec![
                FieldChange { field: "Title".into(), before: String::new(), after: draft.title },
                FieldChange {
                    field: "Due".into(),
                    before: String::new(),
                    after: draft.due_date.map(|d| d.to_string()).unwrap_or_else(|| "no date".into()),
                },
                FieldChange {
                    field: "Assignee".into(),
                    before: String::new(),
                    after: assignee.unwrap_or_else(|| "nobody".into()),
                },
            ],
            message: None,
        })
    }

    async fn run(cx: &ToolCx<'_>, a: CreateTaskArgs) -> Result<Value, ToolError> {
        let (form, assignee) = task_form(cx, &a).await?;
        let draft = form.parse()?;
        let id = tasks::create(&mut *cx.writer().await?, cx.actor, cx.event(None)?, &draft).await?;
        Ok(json!({"task_id": id, "title": draft.title, "due": draft.due_date, "assignee": assignee}))
    }

    fn summary(out: &Value) -> String {
        format!("Created “{}”", out["title"].as_str().unwrap_or("task"))
    }
}
