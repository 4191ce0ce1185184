-- The studio: deliverables ordered from named specialists, produced on the job queue.
--
-- The built-in specialists (Proposal Writer, Timeline Planner…) are defined in code
-- (`domain::studio::BUILTIN`). A venue's row with a built-in's slug replaces that specialist's
-- name, role and instructions for the venue (an owner's edit; deleting the row restores the
-- default); a row with any other slug is the venue's own specialist.
create table specialists (
    id           bigint generated always as identity primary key,
    venue_id     bigint not null references venues (id) on delete cascade,
    slug         text not null check (slug ~ '^[a-z0-9][a-z0-9-]{0,59}$'),
    name         text not null check (length(name) between 1 and 80),
    role         text not null check (length(role) between 1 and 200),
    instructions text not null check (length(instructions) between 1 and 6000),
    needs_event  boolean not null default false,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now(),
    unique (venue_id, slug)
);
create trigger specialists_updated_at before update on specialists
    for each row execute function set_updated_at();

-- An order: what was asked of whom, and where it stands. The specialist's name and instructions
-- are copied in when it is placed, so that an edit later does not change an order under way.
-- `partial` holds the text generated so far while it runs (the page shows it); `feedback` what
-- the person asked to change for the next version.
create table studio_orders (
    id               bigint generated always as identity primary key,
    venue_id         bigint not null references venues (id) on delete cascade,
    specialist       text not null,
    specialist_name  text not null,
    instructions     text not null,
    ordered_by       bigint not null references users (id) on delete cascade,
    event_id         bigint references events (id) on delete cascade,
    brief            text not null default '' check (length(brief) <= 4000),
    priority         text not null default 'normal' check (priority in ('high', 'normal', 'low')),
    status           text not null default 'queued'
                     check (status in ('queued', 'running', 'ready', 'approved', 'failed', 'cancelled')),
    step             text not null default '',
    partial          text not null default '',
    feedback         text not null default '' check (length(feedback) <= 4000),
    error            text not null default '',
    attempts         integer not null default 0,
    job_id           bigint references jobs (id) on delete set null,
    approved_version integer,
    shared           boolean not null default false,
    started_at       timestamptz,
    finished_at      timestamptz,
    created_at       timestamptz not null default now(),
    updated_at       timestamptz not null default now(),
    -- Only an approved deliverable of an event is shared with the event's client.
    check (not shared or (approved_version is not null and event_id is not null))
);
create index studio_orders_venue_idx on studio_orders (venue_id, created_at desc);
create index studio_orders_event_idx on studio_orders (event_id) where shared;
create trigger studio_orders_updated_at before update on studio_orders
    for each row execute function set_updated_at();

-- Every version of a deliverable: generated (with the model and its tokens) or edited by hand.
create table studio_versions (
    id                bigint generated always as identity primary key,
    order_id          bigint not null references studio_orders (id) on delete cascade,
    number            integer not null check (number >= 1),
    body              text not null check (length(body) <= 100000),
    source            text not null check (source in ('generated', 'edited')),
    feedback          text not null default '',
    author_id         bigint references users (id) on delete set null,
    model             text not null default '',
    prompt_tokens     integer not null default 0,
    completion_tokens integer not null default 0,
    duration_ms       integer not null default 0,
    created_at        timestamptz not null default now(),
    unique (order_id, number)
);
