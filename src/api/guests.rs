//! Guest lists: staff and the event's own client edit them.

use super::AppError;
use crate::domain::model::Guest;
use crate::domain::parse::GuestForm;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "list_guests")]
pub async fn list_guests(event_id: i64) -> Result<Vec<Guest>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::guests::list(&pool, &actor, super::ssr::id(event_id)?).await?)
}

#[server(prefix = "/api", endpoint = "add_guest")]
pub async fn add_guest(event_id: i64, form: GuestForm) -> Result<Guest, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let draft = form.parse()?;
    Ok(crate::store::guests::add(&pool, &actor, super::ssr::id(event_id)?, &draft).await?)
}

#[server(prefix = "/api", endpoint = "update_guest")]
pub async fn update_guest(event_id: i64, guest_id: i64, form: GuestForm) -> Result<Guest, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let draft = form.parse()?;
    Ok(crate::store::guests::update(&pool, &actor, super::ssr::id(event_id)?, super::ssr::id(guest_id)?, &draft)
        .await?)
}

#[server(prefix = "/api", endpoint = "set_rsvp")]
pub async fn set_rsvp(event_id: i64, guest_id: i64, rsvp: String) -> Result<(), AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let rsvp = crate::domain::parse::rsvp(&rsvp)?;
    Ok(crate::store::guests::set_rsvp(&pool, &actor, super::ssr::id(event_id)?, super::ssr::id(guest_id)?, rsvp)
        .await?)
}

#[server(prefix = "/api", endpoint = "remove_guest")]
pub async fn remove_guest(event_id: i64, guest_id: i64) -> Result<(), AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::guests::remove(&pool, &actor, super::ssr::id(event_id)?, super::ssr::id(guest_id)?).await?)
}
