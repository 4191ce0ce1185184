//! `/mcp`: the agents' tools for any MCP host (Model Context Protocol, Streamable HTTP, by the
//! official SDK `rmcp`), authenticated by an API key.
//!
//! * Every request carries the key (`Authorization: Bearer ck_…`); [`authenticate`] refuses one
//!   without a live key (401) before the protocol is spoken, and hands the key's member to the
//!   handler through the request's extensions (rmcp passes each request's `http::request::Parts`
//!   to the handler, on every JSON-RPC message).
//! * The tools are the key's agents' (as its member's role allows; only the reading ones for a key
//!   that may not act), with the schemas the models get. They run as the member, under the same
//!   checks as in the chat: another client's or venue's record is refused by the tool itself.
//! * An action is not done: it waits for a person in the key's thread of the member's chat (or the
//!   venue's approval queue), and the result says so, with the link.
//! * Each call counts against the member's message rate, as a chat message does.
//! * Stateless (no MCP session kept in memory, JSON answers): any process of several on one
//!   database answers any request.

use super::actor::{api_key_caller, KeyRefused};
use crate::chat::{key_tools, DirectOutcome, ThroughKey};
use crate::state::{AppState, NotAdmitted};
use crate::store::api_keys::KeyGrant;
use crate::store::Actor;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Router;
use rmcp::model::{
    CallToolRequestParams, CallToolResponse, CallToolResult, ContentBlock, Implementation, JsonObject, ListToolsResult,
    PaginatedRequestParams, ServerCapabilities, ServerConfig, Tool,
};
use rmcp::service::{RequestContext, RoleServer};
use rmcp::transport::streamable_http_server::session::never::NeverSessionManager;
use rmcp::transport::streamable_http_server::{StreamableHttpServerConfig, StreamableHttpService};
use rmcp::{ErrorData, ServerHandler};
use serde_json::{json, Value};
use std::sync::Arc;

/// Bytes of one request at most.
const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Bytes of a tool's result passed back at most (a long guest list is cut, and says so).
const MAX_RESULT_BYTES: usize = 64 * 1024;

/// The `/mcp` route.
pub fn routes(state: AppState) -> Router<AppState> {
    // Hosts are not checked (rmcp's default allows only loopback names): every request needs an
    // API key, which a DNS-rebinding page does not have.
    let config = StreamableHttpServerConfig::default()
        .with_legacy_session_mode(false)
        .with_json_response(true)
        .disable_allowed_hosts()
        .with_max_request_body_bytes(MAX_BODY_BYTES);
    let handler = Tools { state: state.clone() };
    let service =
        StreamableHttpService::new(move || Ok(handler.clone()), Arc::new(NeverSessionManager::default()), config);
    Router::new().nest_service("/mcp", service).layer(axum::middleware::from_fn_with_state(state, authenticate))
}

/// The member a request comes from, as the handler finds it.
#[derive(Clone, Debug)]
struct Caller {
    actor: Actor,
    grant: KeyGrant,
}

/// Refuses a request without a live API key (401, with the reason); else passes the key's member on.
async fn authenticate(State(state): State<AppState>, mut req: Request, next: axum::middleware::Next) -> Response {
    match api_key_caller(&state, req.headers()).await {
        Ok((actor, grant)) => {
            tracing::debug!(key_id = grant.id, "MCP request");
            req.extensions_mut().insert(Caller { actor, grant });
            next.run(req).await
        }
        Err(refused) => {
            let (status, message) = match refused {
                KeyRefused::Missing => (StatusCode::UNAUTHORIZED, "No API key: send `Authorization: Bearer ck_…`."),
                KeyRefused::Invalid => (StatusCode::UNAUTHORIZED, "The API key is wrong, revoked or expired."),
                KeyRefused::Failed => (StatusCode::INTERNAL_SERVER_ERROR, "Something went wrong on our side."),
            };
            let mut res = (status, axum::Json(json!({"error": message}))).into_response();
            res.headers_mut()
                .insert(axum::http::header::WWW_AUTHENTICATE, axum::http::HeaderValue::from_static("Bearer"));
            res
        }
    }
}

#[derive(Clone)]
struct Tools {
    state: AppState,
}

fn caller(ctx: &RequestContext<RoleServer>) -> Result<Caller, ErrorData> {
    ctx.extensions
        .get::<axum::http::request::Parts>()
        .and_then(|p| p.extensions.get::<Caller>())
        .cloned()
        .ok_or_else(|| ErrorData::internal_error("the request carried no API key", None))
}

fn text(s: impl Into<String>) -> Vec<ContentBlock> {
    vec![ContentBlock::text(s.into())]
}

impl Tools {
    fn offered(&self, c: &Caller) -> Vec<&'static crate::agent::ToolEntry> {
        key_tools(&c.actor, &c.grant.agents, c.grant.may_act, &self.state.knowledge)
    }

    fn describe(t: &crate::agent::ToolEntry) -> Tool {
        let schema: JsonObject = match &t.schema {
            Value::Object(m) => m.clone(),
            _ => JsonObject::new(),
        };
        let mut description = t.description.to_string();
        if t.approval.is_some() {
            description.push_str(" Not done at once: it waits for a person's approval.");
        }
        Tool::new(t.name, description, Arc::new(schema))
    }

    /// What an outcome tells the client.
    fn outcome(&self, outcome: DirectOutcome) -> CallToolResult {
        match outcome {
            DirectOutcome::Ran { result, summary } => {
                let body = serde_json::to_string_pretty(&result).unwrap_or_default();
                let mut shown = crate::domain::text::clip_bytes(&body, MAX_RESULT_BYTES).to_string();
                if shown.len() < body.len() {
                    shown.push_str("\n… (cut: the result is longer than 64 KB; ask for less)");
                }
                let mut blocks = text(shown);
                if !summary.is_empty() {
                    blocks.insert(0, ContentBlock::text(summary));
                }
                CallToolResult::success(blocks)
            }
            DirectOutcome::Pending { approval_id, summary, thread_id, by_venue } => {
                let base = self.state.config.public_url.trim_end_matches('/');
                let (who, link) = if by_venue {
                    ("the venue's staff approve it", format!("{base}/approvals"))
                } else {
                    ("you approve it in your chat", format!("{base}/chat/{thread_id}"))
                };
                let line = format!(
                    "Pending approval: {summary}. Nothing is done until {who}: {link} (approval {approval_id})."
                );
                CallToolResult::success(text(line))
            }
        }
    }
}

impl ServerHandler for Tools {
    fn get_info(&self) -> ServerConfig {
        ServerConfig::new(ServerCapabilities::builder().enable_tools().build())
            .with_server_info(Implementation::new("concierge", env!("CARGO_PKG_VERSION")))
            .with_instructions(
                "The tools of a venue's Concierge agents, as the API key's member: their events, guests, \
                 vendors, appointments, messages and documents, as far as they may see them. Tools that change \
                 something do not act at once: they wait for a person's approval, and say where.",
            )
    }

    async fn list_tools(
        &self,
        _request: Option<PaginatedRequestParams>,
        ctx: RequestContext<RoleServer>,
    ) -> Result<ListToolsResult, ErrorData> {
        let c = caller(&ctx)?;
        Ok(ListToolsResult::with_all_items(self.offered(&c).into_iter().map(Self::describe).collect()))
    }

    async fn call_tool(
        &self,
        request: CallToolRequestParams,
        ctx: RequestContext<RoleServer>,
    ) -> Result<CallToolResponse, ErrorData> {
        let c = caller(&ctx)?;
        let Some(tool) = self.offered(&c).into_iter().find(|t| t.name == request.name) else {
            let name: String = request.name.chars().take(64).collect();
            return Err(ErrorData::invalid_params(format!("This key has no tool `{name}`."), None));
        };
        tracing::info!(key_id = c.grant.id, tool = tool.name, "MCP tool call");
        if let Err(e) = self.state.admit_turn(&c.actor, None).await {
            return match e {
                NotAdmitted::Limited(l) => Ok(CallToolResult::error(text(l.message)).into()),
                NotAdmitted::Store(e) => {
                    tracing::error!(error = %e, "quota check failed");
                    Err(ErrorData::internal_error("Something went wrong on our side.", None))
                }
            };
        }
        let args = Value::Object(request.arguments.unwrap_or_default());
        let key = ThroughKey { id: c.grant.id, name: &c.grant.name };
        let result = match self.state.chat.direct_call(&c.actor, key, tool, args).await {
            Ok(Ok(outcome)) => self.outcome(outcome),
            Ok(Err(refused)) => CallToolResult::error(text(refused.to_string())),
            Err(crate::chat::ChatError::Store(crate::store::StoreError::Conflict(m))) => CallToolResult::error(text(m)),
            Err(e) => {
                tracing::error!(error = %e, "MCP call failed");
                return Err(ErrorData::internal_error("Something went wrong on our side.", None));
            }
        };
        if let Err(e) = crate::store::api_keys::record_use(&self.state.pool, c.grant.id, 0).await {
            tracing::error!(error = %e, "API key use not recorded");
        }
        Ok(result.into())
    }
}
