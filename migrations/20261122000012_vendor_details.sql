-- The vendor form: a contact person, a rate (with what it is per, spelled like services.unit)
-- and notes, beside the company, category, email and phone the table already has.

alter table vendors
    add column contact    text   not null default '' check (length(contact) <= 120),
    add column rate_cents bigint not null default 0 check (rate_cents between 0 and 100000000000),
    add column rate_unit  text   not null default 'flat' check (rate_unit in ('flat', 'per_guest', 'per_hour')),
    add column notes      text   not null default '' check (length(notes) <= 2000);
