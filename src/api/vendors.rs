//! The venue's vendor directory (staff).

use super::AppError;
use crate::domain::model::VendorEntry;
use crate::domain::parse::VendorForm;
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "vendor_directory")]
pub async fn vendor_directory() -> Result<Vec<VendorEntry>, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    Ok(crate::store::vendors::directory(&pool, &actor).await?)
}

#[server(prefix = "/api", endpoint = "create_vendor")]
pub async fn create_vendor(form: VendorForm) -> Result<VendorEntry, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    if !actor.is_staff() {
        return Err(AppError::Forbidden);
    }
    let draft = form.parse()?;
    Ok(crate::store::vendors::create(&pool, &actor, &draft).await?)
}
