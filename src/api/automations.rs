//! Automations (staff see them and their runs; owners create, change, pause, run and delete
//! them): agent runs or specialist orders on a schedule or on the venue's business events.

use super::AppError;
use crate::domain::automations::{AutomationInput, AutomationsView, DryRun, RunView};
use leptos::prelude::*;

/// Runs a history lists.
#[cfg(feature = "ssr")]
const LISTED_RUNS: i64 = 20;

/// The venue's automations, and what the form needs.
#[server(prefix = "/api", endpoint = "automations")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn automations() -> Result<AutomationsView, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let specialists: Vec<(String, String)> =
        crate::store::studio::specialists(&pool, &actor).await?.into_iter().map(|s| (s.slug, s.name)).collect();
    let names = specialists.clone();
    let label = move |slug: &str| {
        names.iter().find(|(s, _)| s == slug).map(|(_, n)| n.clone()).unwrap_or_else(|| format!("{slug} (removed)"))
    };
    let tz = crate::store::scheduling::venue_tz(&pool, actor.venue_id).await?;
    let mut automations = crate::store::automations::list(&pool, &actor, label).await?;
    for a in &mut automations {
        a.next_run_label = a.next_run_at.map(|t| crate::studio::automations::slot_label(t, tz));
    }
    Ok(AutomationsView {
        automations,
        specialists,
        can_edit: actor.role == crate::domain::Role::Owner,
        timezone: tz.name().to_string(),
    })
}

/// Creates or changes an automation (owners); returns its id.
#[server(prefix = "/api", endpoint = "save_automation")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn save_automation(input: AutomationInput) -> Result<i64, AppError> {
    use crate::domain::automations::Action;
    let (actor, pool) = super::ssr::actor_and_pool()?;
    if actor.role != crate::domain::Role::Owner {
        return Err(AppError::Forbidden);
    }
    let draft = crate::domain::automations::parse_automation(&input)?;
    if let Action::Specialist(slug) = &draft.action {
        let Ok(s) = crate::store::studio::specialist_by_slug(&pool, &actor, slug).await else {
            return Err(AppError::invalid("specialist", "Choose one of the venue's specialists."));
        };
        if s.needs_event && !crate::domain::automations::names_event(draft.rule.trigger) {
            return Err(AppError::invalid(
                "specialist",
                &format!(
                    "The {} works from an event: use it with “days before each event” or “when an inquiry arrives”.",
                    s.name
                ),
            ));
        }
    }
    let id = match input.id {
        Some(id) => Some(super::ssr::id(id)?),
        None => None,
    };
    let tz = crate::store::scheduling::venue_tz(&pool, actor.venue_id).await?;
    let next = crate::studio::automations::next_run(&draft.rule, tz, chrono::Utc::now());
    let id = crate::store::automations::save(&pool, &actor, id, &draft, next).await?;
    tracing::info!(automation = id, trigger = draft.rule.trigger.as_str(), "automation saved");
    Ok(id)
}

/// Deletes an automation and its history (owners).
#[server(prefix = "/api", endpoint = "delete_automation")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(id = id)))]
pub async fn delete_automation(id: i64) -> Result<(), AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::automations::delete(&pool, &actor, super::ssr::id(id)?).await?)
}

/// Pauses or resumes an automation (owners). A schedule resumes from its next slot; the slots it
/// missed are not made up.
#[server(prefix = "/api", endpoint = "pause_automation")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(id = id)))]
pub async fn pause_automation(id: i64, paused: bool) -> Result<(), AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let a = crate::store::automations::get(&pool, &actor, super::ssr::id(id)?).await?;
    let tz = crate::store::scheduling::venue_tz(&pool, actor.venue_id).await?;
    let next = match paused {
        true => None,
        false => crate::studio::automations::next_run(&a.rule()?, tz, chrono::Utc::now()),
    };
    Ok(crate::store::automations::set_paused(&pool, &actor, a.id, paused, next).await?)
}

/// Runs an automation now, on what it would fire for first (owners); returns the run.
#[server(prefix = "/api", endpoint = "run_automation")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(id = id)))]
pub async fn run_automation(id: i64) -> Result<i64, AppError> {
    let (actor, state) = (super::ssr::actor()?, super::ssr::state()?);
    let run = crate::studio::automations::run_now(&state.pool, &actor, super::ssr::id(id)?, chrono::Utc::now()).await?;
    state.knowledge.wake.notify_one();
    Ok(run)
}

/// What an automation would do now, without doing anything (staff).
#[server(prefix = "/api", endpoint = "dry_run_automation")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(id = id)))]
pub async fn dry_run_automation(id: i64) -> Result<DryRun, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::studio::automations::dry_run(&pool, &actor, super::ssr::id(id)?, chrono::Utc::now()).await?)
}

/// An automation's latest runs, newest first (staff).
#[server(prefix = "/api", endpoint = "automation_runs")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(id = id)))]
pub async fn automation_runs(id: i64) -> Result<Vec<RunView>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::automations::runs(&pool, &actor, super::ssr::id(id)?, LISTED_RUNS).await?)
}
