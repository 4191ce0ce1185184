//! Agents that act (server only): tools, the registry that hands each agent kind its tool set,
//! the instructions and store context of each kind, and approvals.
//!
//! A tool is a type implementing [`Tool`]: a name, a description, an argument type (deserialised
//! with serde and described by the JSON schema schemars derives from the same type, so the two
//! cannot disagree), an output type, [`ToolError`], the roles allowed to use it, and who approves
//! it before it runs. Model output is untrusted: the raw arguments are checked against the schema
//! ([`schema::validate`]), then deserialised, then the handler checks the actor through the store
//! (which scopes every query to the actor's venue and role). Any failure becomes a tool result
//! `{"error": …}` that the model sees and can recover from.
//!
//! The turn loop that calls the tools lives in `crate::chat` (it owns the thread's stream).

pub mod answer;
pub mod context;
pub mod examples;
pub mod extract;
pub mod ground;
pub mod remote;
pub mod schema;
pub mod tools;

/// Property tests of every parser of outside text (see `fuzz.rs`).
#[cfg(test)]
mod fuzz;

use crate::domain::chat::{AgentKind, Approver, Preview};
use crate::domain::Role;
use crate::store::{Actor, StoreError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use sqlx::pool::PoolConnection;
use sqlx::{PgConnection, PgPool, Postgres, Transaction};
use std::future::Future;
use std::pin::Pin;
use std::sync::LazyLock;
use tokio::sync::{Mutex, MutexGuard};

/// What a tool handler has to work with.
pub struct ToolCx<'a> {
    pub pool: &'a PgPool,
    /// Who the action is performed as: the thread's owner, or (for an action the venue approved)
    /// the staff member who approved it.
    pub actor: &'a Actor,
    /// The event the thread is about (client and event agents).
    pub event_id: Option<i64>,
    /// The thread's model (tools that read text with it); `None` outside a turn.
    pub model: Option<&'a crate::llm::ResolvedModel>,
    /// The person's last message in the turn (what "this email" refers to).
    pub said: Option<&'a str>,
    /// The knowledge base (document search); `None` outside the server (some tests).
    pub knowledge: Option<&'a crate::knowledge::Knowledge>,
    /// The chat thread of the turn (its attachments are searched too).
    pub thread_id: Option<i64>,
    /// The approval's transaction, when an approved action runs: its writes commit with the
    /// decision or not at all (see `crate::chat::approvals`). `None`: each write commits alone.
    pub tx: Option<&'a Mutex<Transaction<'static, Postgres>>>,
    /// The outside tools' client (`remote`); `None` outside the server (some tests).
    pub outside: Option<&'a remote::Outside>,
}

impl ToolCx<'_> {
    /// The event a call is about: the one it names, else the thread's own.
    pub fn event(&self, named: Option<i64>) -> Result<i64, ToolError> {
        named.or(self.event_id).ok_or_else(|| ToolError::Invalid("Name the event (`event_id`).".into()))
    }

    /// Where an action writes: inside the approval's transaction when there is one, else on a
    /// connection of its own. Reads go through `pool`.
    pub async fn writer(&self) -> Result<Writer<'_>, ToolError> {
        Ok(match self.tx {
            Some(tx) => Writer::Approval(tx.lock().await),
            None => Writer::Own(self.pool.acquire().await.map_err(StoreError::from)?),
        })
    }
}

/// A connection for an action's writes (see [`ToolCx::writer`]).
pub enum Writer<'a> {
    Approval(MutexGuard<'a, Transaction<'static, Postgres>>),
    Own(PoolConnection<Postgres>),
}

impl std::ops::Deref for Writer<'_> {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        match self {
            Writer::Approval(tx) => tx,
            Writer::Own(c) => c,
        }
    }
}

impl std::ops::DerefMut for Writer<'_> {
    fn deref_mut(&mut self) -> &mut PgConnection {
        match self {
            Writer::Approval(tx) => &mut *tx,
            Writer::Own(c) => &mut *c,
        }
    }
}

/// Why a tool call did not produce a result. The message is what the model (and the person) sees.
#[derive(Debug, thiserror::Error)]
pub enum ToolError {
    #[error("there is no tool called {0:?}")]
    UnknownTool(String),
    #[error("invalid arguments: {0}")]
    Arguments(String),
    #[error("{0}")]
    Invalid(String),
    #[error("you are not allowed to do this")]
    Forbidden,
    #[error("not found, or not yours to see")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error("the action was rejected{0}")]
    Rejected(String),
    #[error("the tool failed on the server; try again later")]
    Internal(String),
}

impl From<StoreError> for ToolError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => ToolError::NotFound,
            StoreError::Forbidden => ToolError::Forbidden,
            StoreError::Conflict(m) => ToolError::Conflict(m),
            StoreError::Invalid(f) => ToolError::Invalid(f.to_string()),
            StoreError::Db(e) => ToolError::Internal(e.to_string()),
        }
    }
}

impl From<crate::domain::parse::FieldErrors> for ToolError {
    fn from(e: crate::domain::parse::FieldErrors) -> Self {
        ToolError::Invalid(e.to_string())
    }
}

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// One tool. Handlers are associated functions: a tool has no state of its own.
pub trait Tool: Send + Sync + 'static {
    const NAME: &'static str;
    /// What it does, for people ("Add a guest").
    const LABEL: &'static str;
    /// What it does, for the model.
    const DESCRIPTION: &'static str;
    /// Roles whose agents may call it.
    const ROLES: &'static [Role];
    /// Who approves a call before it runs; `None` runs it at once. Tools that change records or
    /// message someone need approval.
    const APPROVAL: Option<Approver>;
    /// It works only with a web search provider configured (`knowledge::web`): offered only then.
    const NEEDS_WEB: bool = false;
    type Args: DeserializeOwned + schemars::JsonSchema + Send + Sync;
    type Output: Serialize + Send;

    /// What the call would do (for the approval card). Must not change anything.
    fn preview(cx: &ToolCx<'_>, args: &Self::Args) -> impl Future<Output = Result<Preview, ToolError>> + Send {
        let _ = (cx, args);
        async { Ok(Preview::default()) }
    }

    fn run(cx: &ToolCx<'_>, args: Self::Args) -> impl Future<Output = Result<Self::Output, ToolError>> + Send;

    /// One line about the output, for people ("12 guests").
    fn summary(out: &Self::Output) -> String;
}

type PreviewFn = for<'a> fn(&'a ToolCx<'a>, &'a Value) -> BoxFuture<'a, Result<Preview, ToolError>>;
type RunFn = for<'a> fn(&'a ToolCx<'a>, &'a Value) -> BoxFuture<'a, Result<(Value, String), ToolError>>;

/// A tool with its types erased, as the registry keeps it.
pub struct ToolEntry {
    pub name: &'static str,
    pub label: &'static str,
    pub description: &'static str,
    pub roles: &'static [Role],
    pub approval: Option<Approver>,
    pub needs_web: bool,
    /// The argument schema, cleaned for every provider (see [`schema::for_type`]).
    pub schema: Value,
    preview: PreviewFn,
    run: RunFn,
    decode: fn(&Value) -> Result<(), ToolError>,
    /// An outside tool's server, name and whole schema (`remote`); `None` for our own.
    remote: Option<Box<remote::RemoteTool>>,
}

/// Deserialises arguments that [`ToolEntry::check`] passed.
fn parse_args<T: Tool>(args: &Value) -> Result<T::Args, ToolError> {
    serde_json::from_value(args.clone()).map_err(|e| ToolError::Arguments(e.to_string()))
}

fn decode_erased<T: Tool>(args: &Value) -> Result<(), ToolError> {
    parse_args::<T>(args).map(|_| ())
}

fn preview_erased<'a, T: Tool>(cx: &'a ToolCx<'a>, args: &'a Value) -> BoxFuture<'a, Result<Preview, ToolError>> {
    Box::pin(async move {
        let args = parse_args::<T>(args)?;
        T::preview(cx, &args).await
    })
}

fn run_erased<'a, T: Tool>(cx: &'a ToolCx<'a>, args: &'a Value) -> BoxFuture<'a, Result<(Value, String), ToolError>> {
    Box::pin(async move {
        let args = parse_args::<T>(args)?;
        let out = T::run(cx, args).await?;
        let summary = T::summary(&out);
        let value = serde_json::to_value(&out).map_err(|e| ToolError::Internal(e.to_string()))?;
        Ok((value, summary))
    })
}

impl ToolEntry {
    pub fn of<T: Tool>() -> Self {
        Self {
            name: T::NAME,
            label: T::LABEL,
            description: T::DESCRIPTION,
            roles: T::ROLES,
            approval: T::APPROVAL,
            needs_web: T::NEEDS_WEB,
            schema: schema::for_type::<T::Args>(),
            preview: preview_erased::<T>,
            run: run_erased::<T>,
            decode: decode_erased::<T>,
            remote: None,
        }
    }

    /// Whether arguments decode into the tool's argument type (what `run` does first). The
    /// property tests hold [`ToolEntry::check`] to it: what the schema passes, the type takes.
    pub fn decodes(&self, args: &Value) -> Result<(), ToolError> {
        match &self.remote {
            Some(r) => r.check(args),
            None => (self.decode)(args),
        }
    }

    /// Checks the arguments (schema, then types) without running anything. An outside tool's
    /// are checked against its server's whole schema.
    pub fn check(&self, args: &Value) -> Result<(), ToolError> {
        match &self.remote {
            Some(r) => r.check(args),
            None => schema::validate(&self.schema, args).map_err(ToolError::Arguments),
        }
    }

    /// An outside tool's part (an MCP server's tool), or `None` for our own.
    pub fn outside(&self) -> Option<&remote::RemoteTool> {
        self.remote.as_deref()
    }

    #[tracing::instrument(name = "tool_preview", skip_all, err(level = "info"), fields(tool = self.name, user_id = cx.actor.user_id, venue_id = cx.actor.venue_id))]
    pub async fn preview(&self, cx: &ToolCx<'_>, args: &Value) -> Result<Preview, ToolError> {
        self.check_role(cx.actor)?;
        self.check(args)?;
        match &self.remote {
            Some(r) => Ok(r.preview(args)),
            None => (self.preview)(cx, args).await,
        }
    }

    /// Runs the tool: checks the role, validates, then calls the handler.
    #[tracing::instrument(name = "tool_call", skip_all, err(level = "info"), fields(tool = self.name, user_id = cx.actor.user_id, venue_id = cx.actor.venue_id))]
    pub async fn run(&self, cx: &ToolCx<'_>, args: &Value) -> Result<(Value, String), ToolError> {
        self.check_role(cx.actor)?;
        self.check(args)?;
        match &self.remote {
            Some(r) => remote::run(cx, r, self.name, args).await,
            None => (self.run)(cx, args).await,
        }
    }

    /// Whether what it needs is configured here (the web tools need a search provider).
    pub fn usable(&self, knowledge: Option<&crate::knowledge::Knowledge>) -> bool {
        !self.needs_web || knowledge.is_some_and(|k| k.web.is_some())
    }

    fn check_role(&self, actor: &Actor) -> Result<(), ToolError> {
        if self.roles.contains(&actor.role) {
            Ok(())
        } else {
            Err(ToolError::Forbidden)
        }
    }

    pub fn spec(&self) -> crate::llm::ToolSpec {
        crate::llm::ToolSpec {
            name: self.name.to_string(),
            description: self.description.to_string(),
            parameters: self.schema.clone(),
        }
    }
}

static REGISTRY: LazyLock<Vec<ToolEntry>> = LazyLock::new(tools::all);

/// Every tool.
pub fn registry() -> &'static [ToolEntry] {
    &REGISTRY
}

pub fn tool(name: &str) -> Option<&'static ToolEntry> {
    REGISTRY.iter().find(|t| t.name == name)
}

/// The tools of an agent kind, as far as the actor's role allows, that need nothing configured
/// (the evals' tool sets).
pub fn tools_for(kind: AgentKind, role: Role) -> Vec<&'static ToolEntry> {
    tools_here(kind, role, None)
}

/// The tools of an agent kind, as far as the actor's role allows and this server has what they
/// need (the web tools: a search provider in `knowledge`).
pub fn tools_here(
    kind: AgentKind,
    role: Role,
    knowledge: Option<&crate::knowledge::Knowledge>,
) -> Vec<&'static ToolEntry> {
    tools::names_for(kind)
        .iter()
        .filter_map(|n| tool(n))
        .filter(|t| t.roles.contains(&role) && t.usable(knowledge))
        .collect()
}

/// The agent kind's instructions.
pub fn instructions(kind: AgentKind) -> &'static str {
    match kind {
        AgentKind::Assistant => {
            "You are the venue's general assistant for its team. Answer questions about the venue, its spaces, \
             services and the member's own events. Use the tools to look things up instead of guessing. For \
             policies, packages, menus, rules and other questions the venue's documents answer, use \
             search_knowledge and cite the passages you use as [1], [2]. Booking, moving or cancelling an \
             appointment waits for the person's confirmation in the chat."
        }
        AgentKind::Client => {
            "You help a client plan their event at the venue. Use the tools to look up the event, its elements, \
             guests and contract; never invent prices or dates. To change an element (add a service, remove one, \
             change a quantity) use request_element_change: the venue approves it. Adding, changing or removing \
             a guest, and a message to the venue's team (message_venue), need the client's confirmation in \
             the chat."
        }
        AgentKind::VenueGeneral => {
            "You help the venue's staff run the business: upcoming events, vendors, tasks, messages and clients. \
             Use the tools to look things up; give dates, names and numbers exactly as the tools return them."
        }
        AgentKind::VenueEvent => {
            "You help the venue's staff run one event. Use the tools to read the event and to act on it: update \
             element statuses, message the client or a vendor, create tasks, update the event's details (its space \
             too). \
             Every change is shown to the staff member for approval before it runs."
        }
    }
}
