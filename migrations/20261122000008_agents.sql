-- Agents that act: tool calls as thread items, approvals, and embed tokens.
--
-- * A tool call is a `chat_items` row of kind `tool_call`; its `data` holds the call (tool,
--   arguments, result, and the approval when one is needed). Its status moves
--   running → done / failed, or awaiting_approval → (approved: running → done / failed) / rejected.
-- * `approvals` is the durable record of an action waiting for a person: the thread's owner
--   (`approver = 'requester'`) or the venue's staff (`approver = 'venue'`, the approval queue; a
--   client's agent asking for an element change). It survives reloads and restarts: the chat
--   card and the queue both read it.
-- * `embed_tokens` let an owner put one member's agent chat in an iframe on another site: the
--   token is signed and expires; revoking sets `revoked_at` and the signature no longer counts.

alter table chat_items drop constraint chat_items_status_check;
alter table chat_items add constraint chat_items_status_check
    check (status in ('streaming', 'done', 'stopped', 'failed', 'interrupted', 'running', 'awaiting_approval', 'rejected'));

-- Dashboard panels open the member's latest thread for an agent and scope.
create index chat_threads_scope_idx on chat_threads (owner_id, agent_kind, event_id, last_activity_at desc);

create table approvals (
    id           bigint generated always as identity primary key,
    venue_id     bigint not null references venues (id) on delete cascade,
    thread_id    bigint not null references chat_threads (id) on delete cascade,
    item_id      bigint not null unique references chat_items (id) on delete cascade,
    event_id     bigint references events (id) on delete cascade,
    tool         text not null check (length(tool) between 1 and 64),
    arguments    jsonb not null,
    preview      jsonb not null,
    requested_by bigint not null references users (id) on delete cascade,
    approver     text not null check (approver in ('requester', 'venue')),
    status       text not null default 'pending' check (status in ('pending', 'approved', 'rejected', 'failed')),
    decided_by   bigint references users (id) on delete set null,
    decided_at   timestamptz,
    note         text not null default '' check (length(note) <= 1000),
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    check ((status = 'pending') = (decided_at is null))
);
-- The venue's queue: pending first, oldest first.
create index approvals_queue_idx on approvals (venue_id, approver, status, created_at);
create trigger approvals_updated_at before update on approvals
    for each row execute function set_updated_at();

create table embed_tokens (
    id          bigint generated always as identity primary key,
    venue_id    bigint not null references venues (id) on delete cascade,
    created_by  bigint references users (id) on delete set null,
    -- The member the embedded chat acts as (their threads, their permissions).
    user_id     bigint not null references users (id) on delete cascade,
    agent_kind  text not null check (agent_kind in ('assistant', 'client', 'venue_general', 'venue_event')),
    event_id    bigint references events (id) on delete cascade,
    label       text not null check (length(label) between 1 and 120),
    expires_at  timestamptz not null,
    revoked_at  timestamptz,
    created_at  timestamptz not null default now()
);
create index embed_tokens_venue_idx on embed_tokens (venue_id, created_at desc);

-- Signing key for embed tokens, made once per database.
create table server_keys (
    name       text primary key,
    secret     bytea not null check (length(secret) >= 32),
    created_at timestamptz not null default now()
);

-- A session opened by an embed token ends with it (revoked, or the token deleted).
alter table sessions add column embed_token_id bigint references embed_tokens (id) on delete cascade;
create index sessions_embed_idx on sessions (embed_token_id) where embed_token_id is not null;
