-- Webhooks: an owner registers URLs that are told, by a signed POST, when something happens at
-- the venue (an appointment booked, moved or cancelled; an approval asked for or decided; an
-- inquiry; a document indexed).
--
-- * `secret` signs every delivery (HMAC-SHA256 over `<timestamp>.<body>`, see README "Webhooks").
--   The server must keep it to sign, so it is stored as is, like a provider's API key; the
--   settings page shows it once, when it is made or rolled.
-- * A delivery is written in the same transaction as the change it reports, with its body, and
--   a `webhook` job is queued beside it: the job queue sends it, retries it with back-off, and
--   the delivery keeps its status. Every attempt is a row of `webhook_attempts` (the log).
-- * Replaying a delivery sends the same body (the same `event_id`) again, newly signed.

create table webhooks (
    id          bigint generated always as identity primary key,
    venue_id    bigint not null references venues (id) on delete cascade,
    url         text not null check (length(url) between 8 and 2000),
    description text not null default '' check (length(description) <= 200),
    events      text[] not null check (cardinality(events) > 0 and events <@ array[
                    'appointment.booked', 'appointment.rescheduled', 'appointment.cancelled',
                    'approval.requested', 'approval.decided', 'inquiry.created', 'document.indexed']::text[]),
    secret      text not null check (length(secret) between 32 and 100),
    active      boolean not null default true,
    created_by  bigint references users (id) on delete set null,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);
create index webhooks_venue_idx on webhooks (venue_id) where active;
create trigger webhooks_updated_at before update on webhooks
    for each row execute function set_updated_at();

create table webhook_deliveries (
    id            bigint generated always as identity primary key,
    webhook_id    bigint not null references webhooks (id) on delete cascade,
    venue_id      bigint not null references venues (id) on delete cascade,
    -- The event's name (`appointment.booked`, or `ping` for a test) and its id, the same in every
    -- endpoint's delivery of it and in a replay (receivers use it to ignore repeats).
    event         text not null check (length(event) between 1 and 40),
    event_id      text not null check (length(event_id) between 8 and 40),
    body          jsonb not null,
    status        text not null default 'pending'
                  check (status in ('pending', 'retrying', 'delivered', 'failed')),
    attempts      integer not null default 0,
    last_code     integer,
    last_error    text not null default '' check (length(last_error) <= 500),
    delivered_at  timestamptz,
    -- Each replay bumps it, so its job is a new one (the queue keeps one job per dedupe key).
    replays       integer not null default 0,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);
create index webhook_deliveries_venue_idx on webhook_deliveries (venue_id, created_at desc);
create index webhook_deliveries_hook_idx on webhook_deliveries (webhook_id, created_at desc);
create trigger webhook_deliveries_updated_at before update on webhook_deliveries
    for each row execute function set_updated_at();

create table webhook_attempts (
    id           bigint generated always as identity primary key,
    delivery_id  bigint not null references webhook_deliveries (id) on delete cascade,
    -- The HTTP status the receiver answered, or null when it did not answer (`error` says why).
    code         integer,
    error        text not null default '' check (length(error) <= 500),
    duration_ms  integer not null check (duration_ms >= 0),
    created_at   timestamptz not null default now()
);
create index webhook_attempts_delivery_idx on webhook_attempts (delivery_id, id);
