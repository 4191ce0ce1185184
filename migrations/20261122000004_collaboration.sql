-- Contracts, tasks and messages: the work around an event.
--
-- * One contract per event, with ordered line items and payment milestones (integer cents).
-- * Tasks belong to the venue, optionally to an event, optionally assigned to a member.
-- * Message threads are per event and per audience: `client` threads are between the venue and
--   the event's client, `vendor` threads between the venue and one vendor, `internal` threads
--   are staff only. Who may read a thread follows from its kind.

create table contracts (
    id         bigint generated always as identity primary key,
    event_id   bigint not null unique references events (id) on delete cascade,
    status     text not null default 'draft' check (status in ('draft', 'sent', 'signed', 'void')),
    terms      text not null default '',
    signed_at  timestamptz,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create trigger contracts_updated_at before update on contracts
    for each row execute function set_updated_at();

create table contract_line_items (
    id               bigint generated always as identity primary key,
    contract_id      bigint not null references contracts (id) on delete cascade,
    position         integer not null default 0,
    description      text not null check (length(description) between 1 and 300),
    quantity         integer not null default 1 check (quantity between 0 and 100000),
    unit_price_cents bigint not null check (unit_price_cents >= 0),
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now()
);
create index contract_line_items_contract_idx on contract_line_items (contract_id, position);
create trigger contract_line_items_updated_at before update on contract_line_items
    for each row execute function set_updated_at();

create table payment_milestones (
    id           bigint generated always as identity primary key,
    contract_id  bigint not null references contracts (id) on delete cascade,
    label        text not null check (length(label) between 1 and 200),
    due_date     date not null,
    amount_cents bigint not null check (amount_cents >= 0),
    paid_at      timestamptz,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now()
);
create index payment_milestones_contract_idx on payment_milestones (contract_id, due_date);
create trigger payment_milestones_updated_at before update on payment_milestones
    for each row execute function set_updated_at();

create table tasks (
    id           bigint generated always as identity primary key,
    venue_id     bigint not null references venues (id) on delete cascade,
    event_id     bigint references events (id) on delete cascade,
    title        text not null check (length(title) between 1 and 200),
    description  text not null default '' check (length(description) <= 4000),
    assignee_id  bigint references users (id) on delete set null,
    due_date     date,
    status       text not null default 'open' check (status in ('open', 'in_progress', 'done')),
    created_by   bigint references users (id) on delete set null,
    completed_at timestamptz,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now()
);
-- The dashboard's pending tasks, and an event's task tab.
create index tasks_venue_pending_idx on tasks (venue_id, due_date) where status <> 'done';
create index tasks_event_idx on tasks (event_id);
create trigger tasks_updated_at before update on tasks
    for each row execute function set_updated_at();

create table message_threads (
    id         bigint generated always as identity primary key,
    venue_id   bigint not null references venues (id) on delete cascade,
    event_id   bigint references events (id) on delete cascade,
    kind       text not null check (kind in ('client', 'vendor', 'internal')),
    vendor_id  bigint references vendors (id) on delete cascade,
    subject    text not null check (length(subject) between 1 and 200),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    check ((kind = 'vendor') = (vendor_id is not null))
);
create index message_threads_event_idx on message_threads (event_id);
create index message_threads_venue_idx on message_threads (venue_id, updated_at desc);
create trigger message_threads_updated_at before update on message_threads
    for each row execute function set_updated_at();

create table messages (
    id         bigint generated always as identity primary key,
    thread_id  bigint not null references message_threads (id) on delete cascade,
    author_id  bigint references users (id) on delete set null,
    body       text not null check (length(body) between 1 and 10000),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index messages_thread_idx on messages (thread_id, created_at);
create trigger messages_updated_at before update on messages
    for each row execute function set_updated_at();
