-- Scheduling: appointment types, resources with working hours, appointments.
--
-- * Hours are wall-clock times in the venue's time zone (`venues.timezone`), per weekday, with
--   date overrides (closed, extra hours, time off). Appointments are stored in UTC.
-- * An appointment blocks each of its resources for `block`: its time plus the type's buffers
--   before and after. No double booking, enforced here and not only in code: an exclusion
--   constraint (btree_gist) refuses two active blocks of one resource that overlap, however the
--   two bookings arrive.
-- * `idempotency_key` makes a retried booking request return the first booking instead of
--   making a second one.

create extension if not exists btree_gist;

create table appointment_types (
    id                     bigint generated always as identity primary key,
    venue_id               bigint not null references venues (id) on delete cascade,
    name                   text not null check (length(name) between 1 and 120),
    description            text not null default '' check (length(description) <= 2000),
    duration_minutes       integer not null check (duration_minutes between 5 and 1440),
    buffer_before_minutes  integer not null default 0 check (buffer_before_minutes between 0 and 480),
    buffer_after_minutes   integer not null default 0 check (buffer_after_minutes between 0 and 480),
    min_notice_minutes     integer not null default 0 check (min_notice_minutes between 0 and 525600),
    min_change_notice_minutes integer not null default 0 check (min_change_notice_minutes between 0 and 525600),
    price_cents            bigint not null default 0 check (price_cents between 0 and 100000000),
    -- Who may book it themselves: staff always; clients when `clients_may_book`.
    clients_may_book       boolean not null default true,
    active                 boolean not null default true,
    created_at             timestamptz not null default now(),
    updated_at             timestamptz not null default now(),
    unique (venue_id, name)
);
create trigger appointment_types_updated_at before update on appointment_types
    for each row execute function set_updated_at();

create table resources (
    id         bigint generated always as identity primary key,
    venue_id   bigint not null references venues (id) on delete cascade,
    kind       text not null check (kind in ('staff', 'room', 'equipment')),
    name       text not null check (length(name) between 1 and 120),
    user_id    bigint references users (id) on delete set null,
    space_id   bigint references spaces (id) on delete set null,
    active     boolean not null default true,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (venue_id, name)
);
create trigger resources_updated_at before update on resources
    for each row execute function set_updated_at();

-- Which resources a type needs (all of them, at once).
create table appointment_type_resources (
    type_id     bigint not null references appointment_types (id) on delete cascade,
    resource_id bigint not null references resources (id) on delete cascade,
    primary key (type_id, resource_id)
);

create table resource_hours (
    id          bigint generated always as identity primary key,
    resource_id bigint not null references resources (id) on delete cascade,
    weekday     smallint not null check (weekday between 1 and 7), -- ISO: 1 = Monday
    start_time  time not null,
    end_time    time not null, -- 00:00 means midnight at the end of the day
    check (end_time > start_time or end_time = '00:00')
);
create index resource_hours_idx on resource_hours (resource_id, weekday);

create table resource_overrides (
    id          bigint generated always as identity primary key,
    resource_id bigint not null references resources (id) on delete cascade,
    day         date not null,
    kind        text not null check (kind in ('closed', 'extra', 'off')),
    start_time  time,
    end_time    time,
    note        text not null default '' check (length(note) <= 500),
    check ((kind = 'closed') = (start_time is null and end_time is null)),
    check (kind = 'closed' or end_time > start_time or end_time = '00:00')
);
create index resource_overrides_idx on resource_overrides (resource_id, day);

create table appointments (
    id                  bigint generated always as identity primary key,
    venue_id            bigint not null references venues (id) on delete cascade,
    type_id             bigint not null references appointment_types (id) on delete restrict,
    client_id           bigint references clients (id) on delete set null,
    event_id            bigint references events (id) on delete set null,
    booked_by           bigint references users (id) on delete set null,
    starts_at           timestamptz not null,
    ends_at             timestamptz not null,
    status              text not null default 'booked' check (status in ('booked', 'cancelled', 'completed', 'no_show')),
    cancellation_reason text not null default '' check (length(cancellation_reason) <= 1000),
    notes               text not null default '' check (length(notes) <= 2000),
    -- Bumped on every reschedule (the iCalendar SEQUENCE).
    sequence            integer not null default 0,
    idempotency_key     text check (length(idempotency_key) between 8 and 100),
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    check (ends_at > starts_at),
    unique (venue_id, idempotency_key)
);
create index appointments_venue_time_idx on appointments (venue_id, starts_at);
create index appointments_client_idx on appointments (client_id, starts_at);
create trigger appointments_updated_at before update on appointments
    for each row execute function set_updated_at();

-- Each resource an appointment holds, for the span it blocks. Cancelled appointments release
-- their resources (`active = false`).
create table appointment_resources (
    appointment_id bigint not null references appointments (id) on delete cascade,
    resource_id    bigint not null references resources (id) on delete restrict,
    block          tstzrange not null check (not isempty(block)),
    active         boolean not null default true,
    primary key (appointment_id, resource_id),
    constraint no_double_booking exclude using gist (resource_id with =, block with &&) where (active)
);

-- Reschedules and cancellations, with who did them and why.
create table appointment_changes (
    id             bigint generated always as identity primary key,
    appointment_id bigint not null references appointments (id) on delete cascade,
    changed_by     bigint references users (id) on delete set null,
    kind           text not null check (kind in ('rescheduled', 'cancelled', 'status')),
    old_starts_at  timestamptz,
    new_starts_at  timestamptz,
    reason         text not null default '' check (length(reason) <= 1000),
    created_at     timestamptz not null default now()
);
create index appointment_changes_idx on appointment_changes (appointment_id, created_at);
