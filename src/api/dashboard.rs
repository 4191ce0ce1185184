//! The dashboard.

use super::AppError;
use crate::domain::records::Dashboard;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "dashboard")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn get_dashboard() -> Result<Dashboard, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::dashboard::load(&pool, &actor).await?)
}
