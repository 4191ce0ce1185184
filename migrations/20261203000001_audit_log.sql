-- The venue's audit log (issue 15): append-only. Names are copied, not referenced, so that an
-- entry outlives the member, and no foreign key can cascade a delete into it.
create table audit_log (
    id bigint generated always as identity primary key,
    venue_id bigint not null,
    at timestamptz not null default now(),
    actor_id bigint,
    actor_name text not null default '',
    action text not null,
    category text not null,
    target text not null default '',
    detail jsonb not null default '{}',
    ip text not null default ''
);
create index audit_log_venue_idx on audit_log (venue_id, id desc);

create function audit_log_append_only() returns trigger language plpgsql as $$
begin
    raise exception 'the audit log is append-only';
end $$;
create trigger audit_log_no_change before update or delete on audit_log
    for each row execute function audit_log_append_only();
create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_append_only();
