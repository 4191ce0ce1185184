-- Events and everything planned inside one.
--
-- * An event belongs to a venue and to one client; `space_id` is optional while inquiring.
-- * Elements are the parts of an event (menu items, decor, music...), each with a status and a
--   price in cents; a client asks for changes through `element_change_requests`.
-- * Guests carry RSVP, dietary needs and party size (the guest plus companions).
-- * `event_vendors` assigns vendors to events; a vendor sees only the events it is assigned to.

create table events (
    id           bigint generated always as identity primary key,
    venue_id     bigint not null references venues (id) on delete cascade,
    client_id    bigint not null references clients (id) on delete restrict,
    space_id     bigint references spaces (id) on delete set null,
    title        text not null check (length(title) between 1 and 160),
    event_date   date not null,
    start_time   time,
    end_time     time,
    guest_count  integer not null default 0 check (guest_count between 0 and 100000),
    budget_cents bigint not null default 0 check (budget_cents between 0 and 100000000000),
    status       text not null default 'inquiry'
                 check (status in ('inquiry', 'tentative', 'confirmed', 'completed', 'cancelled')),
    notes        text not null default '',
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now()
);
-- The dashboard lists a venue's events by date; a client's page lists their own.
create index events_venue_date_idx on events (venue_id, event_date);
create index events_client_idx on events (client_id);
create trigger events_updated_at before update on events
    for each row execute function set_updated_at();

create table elements (
    id          bigint generated always as identity primary key,
    event_id    bigint not null references events (id) on delete cascade,
    category    text not null check (category in ('menu', 'beverage', 'decor', 'floral', 'music', 'photography', 'rentals', 'other')),
    name        text not null check (length(name) between 1 and 160),
    description text not null default '',
    quantity    integer not null default 1 check (quantity between 0 and 100000),
    price_cents bigint not null default 0 check (price_cents >= 0),
    status      text not null default 'proposed'
                check (status in ('proposed', 'requested', 'approved', 'confirmed', 'declined')),
    vendor_id   bigint references vendors (id) on delete set null,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now()
);
create index elements_event_idx on elements (event_id, category);
create trigger elements_updated_at before update on elements
    for each row execute function set_updated_at();

create table element_change_requests (
    id           bigint generated always as identity primary key,
    event_id     bigint not null references events (id) on delete cascade,
    element_id   bigint references elements (id) on delete cascade,
    requested_by bigint not null references users (id) on delete cascade,
    description  text not null check (length(description) between 1 and 2000),
    status       text not null default 'pending' check (status in ('pending', 'accepted', 'rejected')),
    resolved_by  bigint references users (id) on delete set null,
    resolved_at  timestamptz,
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now()
);
create index element_change_requests_event_idx on element_change_requests (event_id, status);
create trigger element_change_requests_updated_at before update on element_change_requests
    for each row execute function set_updated_at();

create table guests (
    id         bigint generated always as identity primary key,
    event_id   bigint not null references events (id) on delete cascade,
    name       text not null check (length(name) between 1 and 120),
    email      text not null default '' check (length(email) <= 254),
    party_size integer not null default 1 check (party_size between 1 and 20),
    rsvp       text not null default 'pending' check (rsvp in ('pending', 'yes', 'no', 'maybe')),
    dietary    text not null default '' check (length(dietary) <= 500),
    notes      text not null default '' check (length(notes) <= 2000),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index guests_event_idx on guests (event_id, name);
create trigger guests_updated_at before update on guests
    for each row execute function set_updated_at();

create table event_vendors (
    event_id   bigint not null references events (id) on delete cascade,
    vendor_id  bigint not null references vendors (id) on delete cascade,
    service    text not null default '' check (length(service) <= 200),
    status     text not null default 'invited' check (status in ('invited', 'confirmed', 'declined')),
    arrival    time,
    notes      text not null default '',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (event_id, vendor_id)
);
-- A vendor's own list of events.
create index event_vendors_vendor_idx on event_vendors (vendor_id);
create trigger event_vendors_updated_at before update on event_vendors
    for each row execute function set_updated_at();
