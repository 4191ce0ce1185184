-- The venue's own catalogue and the people it works with.
--
-- * `spaces`: the rooms and grounds an event can book.
-- * `services`: what the venue sells, with a price in cents (money is always integer cents).
-- * `clients` and `vendors` are venue-scoped records that exist before anyone logs in; when one
--   accepts an invite, `user_id` links the record to their account (role client / vendor).

create table spaces (
    id          bigint generated always as identity primary key,
    venue_id    bigint not null references venues (id) on delete cascade,
    name        text not null check (length(name) between 1 and 120),
    capacity    integer not null check (capacity > 0),
    description text not null default '',
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    unique (venue_id, name)
);
create trigger spaces_updated_at before update on spaces
    for each row execute function set_updated_at();

create table services (
    id          bigint generated always as identity primary key,
    venue_id    bigint not null references venues (id) on delete cascade,
    name        text not null check (length(name) between 1 and 120),
    category    text not null check (category in ('venue', 'catering', 'beverage', 'decor', 'music', 'staffing', 'other')),
    unit        text not null check (unit in ('flat', 'per_guest', 'per_hour')),
    price_cents bigint not null check (price_cents >= 0),
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    unique (venue_id, name)
);
create trigger services_updated_at before update on services
    for each row execute function set_updated_at();

create table clients (
    id         bigint generated always as identity primary key,
    venue_id   bigint not null references venues (id) on delete cascade,
    user_id    bigint references users (id) on delete set null,
    name       text not null check (length(name) between 1 and 120),
    email      text not null default '',
    phone      text not null default '',
    notes      text not null default '',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index clients_venue_idx on clients (venue_id);
create unique index clients_user_key on clients (venue_id, user_id) where user_id is not null;
create trigger clients_updated_at before update on clients
    for each row execute function set_updated_at();

create table vendors (
    id         bigint generated always as identity primary key,
    venue_id   bigint not null references venues (id) on delete cascade,
    user_id    bigint references users (id) on delete set null,
    name       text not null check (length(name) between 1 and 120),
    category   text not null check (category in ('florist', 'caterer', 'photographer', 'music', 'decor', 'rentals', 'other')),
    email      text not null default '',
    phone      text not null default '',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create index vendors_venue_idx on vendors (venue_id);
create unique index vendors_user_key on vendors (venue_id, user_id) where user_id is not null;
create trigger vendors_updated_at before update on vendors
    for each row execute function set_updated_at();

-- An invite is a single-use link: the token (only its digest is kept) sets the password of a new
-- account and creates the membership. `client_id` / `vendor_id` link the new account to an
-- existing record when the role is client / vendor.
create table invites (
    token_hash  bytea primary key,
    venue_id    bigint not null references venues (id) on delete cascade,
    role        text not null check (role in ('staff', 'client', 'vendor')),
    email       text not null check (length(email) between 3 and 254),
    name        text not null check (length(name) between 1 and 120),
    client_id   bigint references clients (id) on delete cascade,
    vendor_id   bigint references vendors (id) on delete cascade,
    invited_by  bigint not null references users (id) on delete cascade,
    expires_at  timestamptz not null,
    accepted_at timestamptz,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    check (role <> 'client' or client_id is not null),
    check (role <> 'vendor' or vendor_id is not null)
);
create index invites_venue_idx on invites (venue_id, created_at desc);
create trigger invites_updated_at before update on invites
    for each row execute function set_updated_at();
