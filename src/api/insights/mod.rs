//! Owners' insights: the numbers (`crate::store::insights`), charts drawn from them on the
//! server, and the price table.

#[cfg(feature = "ssr")]
mod charts;

use super::AppError;
use crate::domain::insights::Insights;
use leptos::prelude::*;

/// The venue's insights over the last `days` days (7, 30 or 90). Owners only.
#[server(prefix = "/api", endpoint = "insights")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info"), fields(days = days)))]
pub async fn get_insights(days: i32) -> Result<Insights, AppError> {
    let (actor, pool) = super::ssr::actor_and_pool()?;
    if !crate::domain::insights::PERIODS.contains(&days) {
        return Err(AppError::invalid("days", "Choose 7, 30 or 90 days."));
    }
    let mut insights = crate::store::insights::insights(&pool, &actor, days).await?;
    insights.charts = charts::draw(&insights);
    Ok(insights)
}

/// Sets what a model costs the venue, in dollars per million tokens read and written.
#[server(prefix = "/api", endpoint = "set_model_price")]
#[cfg_attr(feature = "ssr", tracing::instrument(skip_all, err(level = "info")))]
pub async fn set_model_price(model: String, prompt: String, completion: String) -> Result<(), AppError> {
    use crate::domain::insights::parse_price;
    let (actor, pool) = super::ssr::actor_and_pool()?;
    let model = model.trim().to_string();
    if model.is_empty() || model.chars().count() > 200 {
        return Err(AppError::invalid("model", "Name the model (at most 200 characters)."));
    }
    let bad = "A price in dollars per million tokens, like 0.15.";
    let prompt = parse_price(&prompt).ok_or_else(|| AppError::invalid("prompt", bad))?;
    let completion = parse_price(&completion).ok_or_else(|| AppError::invalid("completion", bad))?;
    let price = crate::domain::insights::ModelPrice {
        model,
        prompt_cents_per_million: prompt,
        completion_cents_per_million: completion,
    };
    crate::store::insights::set_price(&pool, &actor, &price).await?;
    Ok(())
}
