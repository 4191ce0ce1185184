//! The venue's vendor directory (staff).

use super::AppError;
use crate::domain::forms::VendorForm;
use crate::domain::records::VendorEntry;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "vendor_directory")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn vendor_directory() -> Result<Vec<VendorEntry>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::vendors::directory(&pool, &actor).await?)
}

#[server(prefix = "/api", endpoint = "create_vendor")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn create_vendor(form: VendorForm) -> Result<VendorEntry, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    if !actor.is_staff() {
        return Err(AppError::Forbidden);
    }
    let draft = form.parse()?;
    Ok(crate::store::vendors::create(&pool, &actor, &draft).await?)
}
