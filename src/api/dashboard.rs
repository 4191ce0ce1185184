//! The dashboard.

use super::AppError;
use crate::domain::model::Dashboard;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "dashboard")]
pub async fn get_dashboard() -> Result<Dashboard, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::dashboard::load(&pool, &actor).await?)
}
