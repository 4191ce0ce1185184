-- People: accounts, venues, who belongs where, and the server-side session store.
--
-- Design notes
-- * Every row that belongs to a business carries `venue_id`; every store query filters on it.
-- * A person has one account (`users`) and a role per venue (`memberships`). The role decides
--   what they may reach: owner and staff run the venue, a client sees their own events, a vendor
--   the events they are assigned to.
-- * Session tokens and invite tokens are never stored: only their SHA-256 digests are, so a leaked
--   database does not leak live sessions.
-- * `updated_at` is maintained by one trigger function shared by every table.

create function set_updated_at() returns trigger
language plpgsql as $$
begin
    new.updated_at = now();
    return new;
end;
$$;

create table users (
    id            bigint generated always as identity primary key,
    email         text not null check (length(email) between 3 and 254 and position('@' in email) > 1),
    name          text not null check (length(name) between 1 and 120),
    -- PHC string of an Argon2id hash.
    password_hash text not null,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);
-- Emails are unique regardless of case.
create unique index users_email_key on users (lower(email));
create trigger users_updated_at before update on users
    for each row execute function set_updated_at();

create table venues (
    id         bigint generated always as identity primary key,
    name       text not null check (length(name) between 1 and 120),
    timezone   text not null default 'UTC',
    address    text not null default '',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);
create trigger venues_updated_at before update on venues
    for each row execute function set_updated_at();

create table memberships (
    id         bigint generated always as identity primary key,
    user_id    bigint not null references users (id) on delete cascade,
    venue_id   bigint not null references venues (id) on delete cascade,
    role       text not null check (role in ('owner', 'staff', 'client', 'vendor')),
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    unique (user_id, venue_id)
);
create index memberships_venue_idx on memberships (venue_id, role);
create trigger memberships_updated_at before update on memberships
    for each row execute function set_updated_at();

create table sessions (
    -- SHA-256 of the random token held in the HttpOnly cookie.
    token_hash   bytea primary key,
    user_id      bigint not null references users (id) on delete cascade,
    venue_id     bigint not null references venues (id) on delete cascade,
    expires_at   timestamptz not null,
    last_seen_at timestamptz not null default now(),
    created_at   timestamptz not null default now(),
    updated_at   timestamptz not null default now()
);
create index sessions_user_idx on sessions (user_id);
create index sessions_expires_idx on sessions (expires_at);
create trigger sessions_updated_at before update on sessions
    for each row execute function set_updated_at();

-- Every login attempt, kept for throttling: too many failures for one email (or from one address)
-- in a window and further attempts are refused before the password is even checked.
create table login_attempts (
    id           bigint generated always as identity primary key,
    email        text not null,
    remote_addr  text not null default '',
    succeeded    boolean not null,
    attempted_at timestamptz not null default now()
);
create index login_attempts_email_idx on login_attempts (lower(email), attempted_at desc);
create index login_attempts_addr_idx on login_attempts (remote_addr, attempted_at desc);
