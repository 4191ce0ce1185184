-- Notifications by email: each note has a kind, and each member chooses, per kind, whether it
-- also comes by email (SMTP when configured, else the venue's outbox). No row: bell only.
alter table notifications add column kind text not null default 'general'
    check (kind in ('general', 'deliverables', 'approvals', 'automations', 'reminders'));

create table notification_prefs (
    user_id    bigint not null references users (id) on delete cascade,
    venue_id   bigint not null references venues (id) on delete cascade,
    kind       text not null check (kind in ('deliverables', 'approvals', 'automations', 'reminders')),
    email      boolean not null,
    updated_at timestamptz not null default now(),
    primary key (user_id, venue_id, kind)
);
