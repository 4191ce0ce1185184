-- API keys: a member lets another tool (an OpenAI SDK, a chat front end, an agent host) talk to
-- their agents as them, over `/v1` (OpenAI's chat API) and `/mcp`.
--
-- * The key is shown once; the table keeps its SHA-256 (`key_hash`) and its first characters
--   (`prefix`), so people can tell their keys apart.
-- * A key reaches the agent kinds it lists (`agents`), and the raw models (plain completions, no
--   tools) only when `raw_models`. A key that may not act (`may_act` false) is offered only the
--   tools that read; one that may act proposes actions that wait for a person as in the chat.
-- * Every key expires; revoking sets `revoked_at` and the key stops working at once.
-- * `last_used_at`, `requests` and `tokens` are what the settings page shows of its use; the
--   tokens themselves are recorded in `llm_usage` like every other reply's (purpose `api` for a
--   raw model's completion).

create table api_keys (
    id           bigint generated always as identity primary key,
    venue_id     bigint not null references venues (id) on delete cascade,
    user_id      bigint not null references users (id) on delete cascade,
    name         text not null check (length(name) between 1 and 80),
    prefix       text not null check (length(prefix) between 4 and 16),
    key_hash     bytea not null unique check (length(key_hash) = 32),
    agents       text[] not null
                 check (agents <@ array['assistant', 'client', 'venue_general', 'venue_event']::text[]),
    raw_models   boolean not null default false,
    may_act      boolean not null default false,
    expires_at   timestamptz not null,
    revoked_at   timestamptz,
    last_used_at timestamptz,
    requests     bigint not null default 0,
    tokens       bigint not null default 0,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    check (cardinality(agents) > 0 or raw_models)
);
create index api_keys_venue_idx on api_keys (venue_id, user_id, created_at desc);
create trigger api_keys_updated_at before update on api_keys
    for each row execute function set_updated_at();

-- Threads written through a key (a completion's, or the one where an MCP client's actions wait
-- for approval), so that the key's MCP thread is found again.
alter table chat_threads add column api_key_id bigint references api_keys (id) on delete set null;
create index chat_threads_api_key_idx on chat_threads (api_key_id) where api_key_id is not null;

alter table llm_usage drop constraint llm_usage_purpose_check;
alter table llm_usage add constraint llm_usage_purpose_check check (purpose in ('reply', 'title', 'api'));
