-- Password resets by emailed link (issue 15), and the mail a server without SMTP keeps for the
-- venue's owners to pass on (the outbox page).
create table password_resets (
    id bigint generated always as identity primary key,
    user_id bigint not null references users(id) on delete cascade,
    token_hash bytea not null unique,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    used_at timestamptz
);
create index password_resets_user_idx on password_resets (user_id, created_at);

create table outbox (
    id bigint generated always as identity primary key,
    venue_id bigint not null references venues(id) on delete cascade,
    to_email text not null,
    to_name text not null default '',
    subject text not null,
    body text not null,
    created_at timestamptz not null default now(),
    -- Set when SMTP took it; null while it waits for an owner to pass it on.
    sent_at timestamptz,
    -- Why SMTP refused it, when it did.
    error text not null default ''
);
create index outbox_venue_idx on outbox (venue_id, id desc);
