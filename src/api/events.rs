//! The event workspace: overview, elements, vendors, contract.

use super::AppError;
use crate::domain::forms::EventForm;
use crate::domain::records::{Contract, ElementsView, EventOverview, EventVendor};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "event_overview")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(event_id = event_id)))]
pub async fn get_event_overview(event_id: i64) -> Result<EventOverview, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::events::overview(&pool, &actor, super::ssr::id(event_id)?).await?)
}

#[server(prefix = "/api", endpoint = "update_event")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(event_id = event_id)))]
pub async fn update_event(event_id: i64, form: EventForm) -> Result<(), AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let event_id = super::ssr::id(event_id)?;
    // Authorise before judging the input, so a stranger learns nothing from validation messages.
    crate::store::events::detail(&pool, &actor, event_id).await?;
    if !actor.is_staff() {
        return Err(AppError::Forbidden);
    }
    let draft = form.parse()?;
    Ok(crate::store::events::update(&pool, &actor, event_id, &draft).await?)
}

#[server(prefix = "/api", endpoint = "event_elements")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(event_id = event_id)))]
pub async fn event_elements(event_id: i64) -> Result<ElementsView, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::elements::list(&pool, &actor, super::ssr::id(event_id)?).await?)
}

#[server(prefix = "/api", endpoint = "set_element_status")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(event_id = event_id, element_id = element_id)))]
pub async fn set_element_status(event_id: i64, element_id: i64, status: String) -> Result<(), AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let status = crate::domain::forms::element_status(&status)?;
    Ok(crate::store::elements::set_status(
        &pool,
        &actor,
        super::ssr::id(event_id)?,
        super::ssr::id(element_id)?,
        status,
    )
    .await?)
}

#[server(prefix = "/api", endpoint = "event_vendors")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(event_id = event_id)))]
pub async fn event_vendors(event_id: i64) -> Result<Vec<EventVendor>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::events::vendors(&pool, &actor, super::ssr::id(event_id)?).await?)
}

#[server(prefix = "/api", endpoint = "event_contract")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(event_id = event_id)))]
pub async fn event_contract(event_id: i64) -> Result<Option<Contract>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::contracts::for_event(&pool, &actor, super::ssr::id(event_id)?).await?)
}

/// Staff record a new client's inquiry; returns the new event's id.
#[server(prefix = "/api", endpoint = "create_inquiry")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn create_inquiry(form: crate::domain::forms::InquiryForm) -> Result<i64, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    if !actor.is_staff() {
        return Err(AppError::Forbidden);
    }
    let today = crate::store::events::today(&pool, &actor).await?;
    let draft = form.parse(today)?;
    Ok(crate::store::events::create_inquiry(&pool, &actor, &draft).await?)
}

/// Staff: the venue's spaces, for pickers.
#[server(prefix = "/api", endpoint = "venue_spaces")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn venue_spaces() -> Result<Vec<crate::domain::records::Space>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    if !actor.is_staff() {
        return Err(AppError::Forbidden);
    }
    Ok(crate::store::events::spaces(&pool, &actor).await?)
}
