-- Chat with agents: threads, their items, token usage, and hosted model providers.
--
-- * A thread belongs to one user in one venue; nobody else reads it (not even the owner of the
--   venue). `agent_kind` and `event_id` say which agent answers and over what scope.
-- * Items form a tree: each item's parent is the item before it. Editing an earlier user
--   message or regenerating a reply adds a sibling, so old branches stay reachable;
--   `leaf_item_id` is the tip of the branch the thread currently shows.
-- * `status` of an assistant item is `streaming` while a server task writes it (its text is
--   flushed in batches), then `done`, `stopped` (by the person), `failed` (the provider failed)
--   or `interrupted` (the server stopped while writing; fixed up at start-up).
-- * Usage rows outlive their thread: deleting a chat does not erase what it cost.

create table chat_threads (
    id               bigint generated always as identity primary key,
    venue_id         bigint not null references venues (id) on delete cascade,
    owner_id         bigint not null references users (id) on delete cascade,
    agent_kind       text not null default 'assistant'
                     check (agent_kind in ('assistant', 'client', 'venue_general', 'venue_event')),
    event_id         bigint references events (id) on delete cascade,
    model            text not null check (length(model) between 1 and 200),
    title            text not null default 'New chat' check (length(title) between 1 and 120),
    title_source     text not null default 'default' check (title_source in ('default', 'model', 'fallback', 'user')),
    pinned           boolean not null default false,
    archived         boolean not null default false,
    leaf_item_id     bigint,
    item_count       integer not null default 0,
    last_activity_at timestamptz not null default now(),
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    foreign key (venue_id, event_id) references events (venue_id, id)
);
-- The sidebar: one user's threads, pinned first, then by activity (keyset pagination).
create index chat_threads_owner_idx on chat_threads (owner_id, archived, pinned desc, last_activity_at desc, id desc);
create index chat_threads_title_search_idx on chat_threads using gin (to_tsvector('english', title));
create trigger chat_threads_updated_at before update on chat_threads
    for each row execute function set_updated_at();

create table chat_items (
    id                bigint generated always as identity primary key,
    thread_id         bigint not null references chat_threads (id) on delete cascade,
    parent_id         bigint references chat_items (id) on delete cascade,
    kind              text not null check (kind in ('user', 'assistant', 'tool_call', 'approval', 'error')),
    status            text not null default 'done'
                      check (status in ('streaming', 'done', 'stopped', 'failed', 'interrupted')),
    content           text not null default '' check (length(content) <= 200000),
    data              jsonb,
    error             text,
    model             text,
    prompt_tokens     integer check (prompt_tokens >= 0),
    completion_tokens integer check (completion_tokens >= 0),
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    search            tsvector generated always as (to_tsvector('english', content)) stored
);
create index chat_items_thread_idx on chat_items (thread_id, id);
create index chat_items_parent_idx on chat_items (thread_id, parent_id, id);
create index chat_items_search_idx on chat_items using gin (search);
create index chat_items_streaming_idx on chat_items (id) where status = 'streaming';
create trigger chat_items_updated_at before update on chat_items
    for each row execute function set_updated_at();

alter table chat_threads
    add constraint chat_threads_leaf_fk foreign key (leaf_item_id) references chat_items (id) on delete set null;

create table llm_usage (
    id                bigint generated always as identity primary key,
    venue_id          bigint not null references venues (id) on delete cascade,
    user_id           bigint not null references users (id) on delete cascade,
    thread_id         bigint references chat_threads (id) on delete set null,
    item_id           bigint references chat_items (id) on delete set null,
    purpose           text not null check (purpose in ('reply', 'title')),
    model             text not null,
    prompt_tokens     integer not null check (prompt_tokens >= 0),
    completion_tokens integer not null check (completion_tokens >= 0),
    created_at        timestamptz not null default now()
);
create index llm_usage_user_idx on llm_usage (user_id, created_at);

-- Hosted providers a venue's owner configured on the settings page. The key never leaves the
-- server: pages show only whether one is set.
create table llm_providers (
    id         bigint generated always as identity primary key,
    venue_id   bigint not null references venues (id) on delete cascade,
    name       text not null check (name ~ '^[a-z0-9][a-z0-9-]{0,29}$'),
    kind       text not null check (kind in ('openai', 'anthropic', 'gemini')),
    base_url   text not null check (base_url ~ '^https?://' and length(base_url) <= 300),
    api_key    text not null default '' check (length(api_key) <= 500),
    models     text[] not null check (cardinality(models) between 1 and 20),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (venue_id, name)
);
create trigger llm_providers_updated_at before update on llm_providers
    for each row execute function set_updated_at();
