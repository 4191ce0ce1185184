-- Guest lists imported from a spreadsheet. Every guest an import added points at it, so the
-- whole import can be undone at once (guests added by hand are never touched).

create table guest_imports (
    id             bigint generated always as identity primary key,
    event_id       bigint not null references events (id) on delete cascade,
    created_by     bigint references users (id) on delete set null,
    rows_imported  integer not null check (rows_imported >= 0),
    rows_rejected  integer not null check (rows_rejected >= 0),
    created_at     timestamptz not null default now(),
    undone_at      timestamptz
);
create index guest_imports_event_idx on guest_imports (event_id, created_at desc);

alter table guests add column import_id bigint references guest_imports (id) on delete set null;
create index guests_import_idx on guests (import_id) where import_id is not null;
