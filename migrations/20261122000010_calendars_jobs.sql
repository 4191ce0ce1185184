-- Calendar feeds, notifications, a job queue and appointment reminders.
--
-- * A calendar feed is a private URL (`/calendar/feed/<token>.ics`) for one user or one
--   resource. Only the token's SHA-256 is kept; revoking sets `revoked_at`, and at most one feed
--   per user or resource is live at a time.
-- * `jobs` is the background queue: a worker claims a due job with `for update skip locked` and a
--   lease (`locked_until`), does the work and marks the job done in the same transaction. A
--   worker that dies mid-job leaves the lease to expire and the job is picked up again
--   (at-least-once); a job's effect and its `done_at` commit together, so it is never done twice.
-- * `appointment_reminders` records each reminder sent: one per appointment and time
--   (`sequence`), enforced by its primary key even if two workers raced past a lease.

alter table appointment_types
    add column reminder_minutes integer not null default 1440 check (reminder_minutes between 0 and 43200);

create table calendar_feeds (
    id          bigint generated always as identity primary key,
    venue_id    bigint not null references venues (id) on delete cascade,
    user_id     bigint references users (id) on delete cascade,
    resource_id bigint references resources (id) on delete cascade,
    token_hash  bytea not null unique,
    created_by  bigint references users (id) on delete set null,
    created_at  timestamptz not null default now(),
    revoked_at  timestamptz,
    last_used_at timestamptz,
    check ((user_id is null) <> (resource_id is null))
);
create unique index calendar_feeds_user_live on calendar_feeds (venue_id, user_id) where revoked_at is null and user_id is not null;
create unique index calendar_feeds_resource_live on calendar_feeds (resource_id) where revoked_at is null and resource_id is not null;

create table notifications (
    id         bigint generated always as identity primary key,
    venue_id   bigint not null references venues (id) on delete cascade,
    user_id    bigint not null references users (id) on delete cascade,
    body       text not null check (length(body) between 1 and 2000),
    link       text not null default '' check (length(link) <= 500),
    created_at timestamptz not null default now(),
    read_at    timestamptz
);
create index notifications_user_idx on notifications (user_id, created_at desc);

create table jobs (
    id           bigint generated always as identity primary key,
    kind         text not null check (length(kind) between 1 and 60),
    payload      jsonb not null default '{}',
    -- Enqueuing the same key twice keeps the first job.
    dedupe_key   text unique,
    run_at       timestamptz not null default now(),
    attempts     integer not null default 0,
    max_attempts integer not null default 5 check (max_attempts between 1 and 100),
    locked_until timestamptz,
    last_error   text,
    done_at      timestamptz,
    created_at   timestamptz not null default now()
);
create index jobs_due_idx on jobs (run_at) where done_at is null;

create table appointment_reminders (
    appointment_id bigint not null references appointments (id) on delete cascade,
    sequence       integer not null,
    notification_id bigint references notifications (id) on delete set null,
    sent_at        timestamptz not null default now(),
    primary key (appointment_id, sequence)
);
