//! Which model a turn uses (the one asked for, else the thread's, else the venue's default), the
//! tools it may offer, and the venue's providers behind the catalog (cached for a few seconds).

use super::{ChatError, Hub};
use crate::agent::ToolEntry;
use crate::domain::chat::{AgentKind, ProviderInput};
use crate::domain::Role;
use crate::llm::catalog::HostedConfig;
use crate::llm::{Catalog, ResolvedModel};
use crate::store::chat::{self as store, ProviderRow};
use crate::store::{Actor, StoreError};
use std::time::Duration;

/// How long a venue's provider list is reused before it is read again.
const CATALOG_TTL: Duration = Duration::from_secs(5);

impl Hub {
    /// The models the actor's venue can use.
    pub async fn catalog(&self, venue_id: i64) -> Result<Catalog, ChatError> {
        let cached = {
            let map = self.venue_providers.lock().unwrap_or_else(|p| p.into_inner());
            map.get(&venue_id).filter(|(at, _)| at.elapsed() < CATALOG_TTL).map(|(_, v)| v.clone())
        };
        let venue = match cached {
            Some(v) => v,
            None => {
                let v: Vec<_> = store::venue_providers(&self.pool, venue_id).await?.into_iter().map(hosted).collect();
                let mut map = self.venue_providers.lock().unwrap_or_else(|p| p.into_inner());
                map.insert(venue_id, (std::time::Instant::now(), v.clone()));
                v
            }
        };
        Ok(self.llm.catalog(venue_id, &venue))
    }

    /// The model a thread or turn uses in the venue: `requested` when given (a model the venue
    /// cannot use is an error), else `current` (the thread's model) while the venue can still
    /// use it, else the venue's default.
    pub async fn resolve_model(
        &self,
        venue_id: i64,
        requested: Option<&str>,
        current: Option<&str>,
    ) -> Result<ResolvedModel, ChatError> {
        let catalog = self.catalog(venue_id).await?;
        match requested {
            Some(m) => catalog.resolve(m).ok_or_else(|| ChatError::UnknownModel(m.to_string())),
            None => catalog.resolve_or_default(current).ok_or(ChatError::NoModel),
        }
    }

    /// The environment's providers and the venue's own (keys included: server only), the venue's
    /// with their ids.
    pub async fn providers(&self, venue_id: i64) -> Result<Vec<(Option<i64>, HostedConfig)>, ChatError> {
        let env = self.llm.env_providers().iter().map(|p| (None, p.clone()));
        let venue = store::venue_providers(&self.pool, venue_id).await?.into_iter().map(|r| (Some(r.id), hosted(r)));
        Ok(env.chain(venue).collect())
    }

    /// Which private hosts the addresses a venue saves (providers, webhooks) may reach.
    pub fn outbound(&self) -> &crate::security::outbound::OutboundPolicy {
        self.llm.outbound()
    }

    /// Adds a provider to the actor's venue (owners); its models are offered at once.
    /// Its base URL must not point into a private or local network (the outbound guard), unless
    /// the operator allowed that host.
    pub async fn add_provider(&self, actor: &Actor, provider: &ProviderInput) -> Result<i64, ChatError> {
        if actor.role != Role::Owner {
            return Err(StoreError::Forbidden.into());
        }
        if let Err(refused) = self.llm.outbound().check_url(&provider.base_url).await {
            return Err(StoreError::field("base_url", &refused.to_string()).into());
        }
        let id = store::add_provider(&self.pool, actor, provider).await?;
        self.providers_changed(actor.venue_id);
        Ok(id)
    }

    /// Removes one of the venue's providers (owners); its models are no longer offered.
    pub async fn remove_provider(&self, actor: &Actor, id: i64) -> Result<(), ChatError> {
        store::delete_provider(&self.pool, actor, id).await?;
        self.providers_changed(actor.venue_id);
        Ok(())
    }

    /// Forgets a venue's cached providers (after one was added or removed), here and on every
    /// other instance.
    fn providers_changed(&self, venue_id: i64) {
        self.forget_providers(venue_id);
        self.cluster.publish(crate::cluster::Signal::Providers { venue: venue_id });
    }

    /// Forgets a venue's cached providers here.
    pub(super) fn forget_providers(&self, venue_id: i64) {
        self.venue_providers.lock().unwrap_or_else(|p| p.into_inner()).remove(&venue_id);
    }
}

impl Hub {
    /// The tools a turn offers the model: its agent's for the person's role, then the outside
    /// tools (the venue's MCP servers') turned on for the agent; none when the model cannot call
    /// tools.
    /// `read_only`: only the tools that need no approval (they read, or draft a form the person
    /// then submits).
    /// The web tools only when the knowledge base has a search provider.
    pub(super) async fn offered_tools(
        &self,
        model: &ResolvedModel,
        agent: AgentKind,
        actor: &Actor,
        read_only: bool,
    ) -> Vec<&'static ToolEntry> {
        if !model.info.supports_tools {
            return Vec::new();
        }
        let mut tools = crate::agent::tools_here(agent, actor.role, Some(&self.knowledge));
        tools.extend(crate::agent::remote::enabled_for(&self.outside, &self.pool, actor.venue_id, agent).await);
        if read_only {
            tools.retain(|t| t.approval.is_none());
        }
        tools
    }
}

/// A venue's stored provider as the models layer takes it.
/// The studio's runs write with the venue's default model.
impl crate::studio::Models for Hub {
    fn default_model(&self, venue_id: i64) -> futures_util::future::BoxFuture<'_, Option<ResolvedModel>> {
        Box::pin(async move { self.resolve_model(venue_id, None, None).await.ok() })
    }
}

fn hosted(row: ProviderRow) -> HostedConfig {
    HostedConfig { name: row.name, kind: row.kind, base_url: row.base_url, api_key: row.api_key, models: row.models }
}
