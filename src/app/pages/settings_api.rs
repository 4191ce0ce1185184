//! `/settings/api` (every member): their API keys for the OpenAI-compatible API.

use crate::app::common::{Loading, ToLogin};
use crate::app::settings::api_keys::ApiKeys;
use crate::app::UserResource;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ApiSettingsPage() -> impl IntoView {
    let user = expect_context::<UserResource>();
    view! {
        <Title text="API keys" />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match user.await {
                    Ok(Some(user)) => view! { <ApiKeys user /> }.into_any(),
                    _ => view! { <ToLogin /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
