-- Outside tools: an owner connects MCP servers (Streamable HTTP) at /settings/tools, lists their
-- tools and turns each on for chosen agent kinds with an approval policy.
--
-- * `headers` are sent with every request to the server (an `Authorization` header, an API key):
--   the server must send them, so they are stored as they are, like a provider's API key; the
--   settings page shows their names only.
-- * A tool is stored as the server last listed it. `exposed` is the name the agents call it by
--   (`<server>__<tool>`, unique in the venue); `input_schema` is the server's JSON Schema, used
--   whole to check a call's arguments. `problem` says why it cannot be turned on (a schema that
--   does not compile, or is too large), and such a tool is never offered.
-- * `agents` empty: turned off. `policy`: who approves each call (`requester`: the person in the
--   chat, `venue`: the venue's staff) or `auto` (runs at once). New tools wait for the person.

create table mcp_servers (
    id          bigint generated always as identity primary key,
    venue_id    bigint not null references venues (id) on delete cascade,
    name        text not null check (name ~ '^[a-z0-9][a-z0-9_-]{0,29}$'),
    url         text not null check (length(url) between 8 and 2000),
    headers     jsonb not null default '[]' check (jsonb_typeof(headers) = 'array'),
    active      boolean not null default true,
    listed_at   timestamptz,
    last_error  text not null default '' check (length(last_error) <= 500),
    created_by  bigint references users (id) on delete set null,
    created_at  timestamptz not null default now(),
    unique (venue_id, name)
);

create table mcp_tools (
    id           bigint generated always as identity primary key,
    server_id    bigint not null references mcp_servers (id) on delete cascade,
    venue_id     bigint not null references venues (id) on delete cascade,
    name         text not null check (length(name) between 1 and 128),
    exposed      text not null check (exposed ~ '^[a-zA-Z0-9_-]{1,64}$'),
    description  text not null default '' check (length(description) <= 1000),
    input_schema jsonb not null,
    problem      text not null default '' check (length(problem) <= 300),
    agents       text[] not null default '{}' check (agents <@ array['assistant', 'client', 'venue_general', 'venue_event']::text[]),
    policy       text not null default 'requester' check (policy in ('requester', 'venue', 'auto')),
    unique (server_id, name),
    unique (venue_id, exposed)
);
create index mcp_tools_venue_idx on mcp_tools (venue_id) where cardinality(agents) > 0;
