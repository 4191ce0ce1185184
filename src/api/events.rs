//! The event workspace: overview, elements, vendors, contract.

use super::AppError;
use crate::domain::model::{Contract, ElementsView, EventOverview, EventVendor};
use crate::domain::parse::EventForm;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "event_overview")]
pub async fn get_event_overview(event_id: i64) -> Result<EventOverview, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::events::overview(&pool, &actor, super::ssr::id(event_id)?).await?)
}

#[server(prefix = "/api", endpoint = "update_event")]
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
pub async fn event_elements(event_id: i64) -> Result<ElementsView, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::elements::list(&pool, &actor, super::ssr::id(event_id)?).await?)
}

#[server(prefix = "/api", endpoint = "set_element_status")]
pub async fn set_element_status(event_id: i64, element_id: i64, status: String) -> Result<(), AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let status = crate::domain::parse::element_status(&status)?;
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
pub async fn event_vendors(event_id: i64) -> Result<Vec<EventVendor>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::events::vendors(&pool, &actor, super::ssr::id(event_id)?).await?)
}

#[server(prefix = "/api", endpoint = "event_contract")]
pub async fn event_contract(event_id: i64) -> Result<Option<Contract>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::contracts::for_event(&pool, &actor, super::ssr::id(event_id)?).await?)
}

/// Staff record a new client's inquiry; returns the new event's id.
#[server(prefix = "/api", endpoint = "create_inquiry")]
pub async fn create_inquiry(form: crate::domain::parse::InquiryForm) -> Result<i64, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    if !actor.is_staff() {
        return Err(AppError::Forbidden);
    }
    let today = crate::store::venue::today(&pool, &actor).await?;
    let draft = form.parse(today)?;
    Ok(crate::store::events::create_inquiry(&pool, &actor, &draft).await?)
}

/// Staff: the venue's spaces, for pickers.
#[server(prefix = "/api", endpoint = "venue_spaces")]
pub async fn venue_spaces() -> Result<Vec<crate::domain::model::Space>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    if !actor.is_staff() {
        return Err(AppError::Forbidden);
    }
    Ok(crate::store::events::spaces(&pool, &actor).await?)
}
