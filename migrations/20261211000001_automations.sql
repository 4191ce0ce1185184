-- Automations: agent runs (or specialist orders) on a schedule or on the venue's business events.
--
-- A trigger is either time-based (`schedule`: days of the week and a local time, in the venue's
-- time zone; `event_approaching`: each event `days_before` days ahead) or a business event
-- (`appointment_booked`, `inquiry_created`, `approval_decided`, `document_indexed`), fired inside
-- the transaction of the change it reports, next to the webhooks.
create table automations (
    id            bigint generated always as identity primary key,
    venue_id      bigint not null references venues (id) on delete cascade,
    name          text not null check (length(name) between 1 and 80),
    trigger       text not null check (trigger in ('schedule', 'event_approaching', 'appointment_booked',
                                                   'inquiry_created', 'approval_decided', 'document_indexed')),
    -- `schedule`: a bit per weekday (1 = Monday … 64 = Sunday) and the local time.
    weekdays      smallint not null default 0 check (weekdays between 0 and 127),
    at_time       time,
    -- `event_approaching`: how many days before the event.
    days_before   integer check (days_before between 0 and 365),
    -- What a run does: an agent turn (`agent`: assistant, venue_general, venue_event) or an order
    -- from a specialist (`specialist`: its slug).
    action        text not null check (action in ('agent', 'specialist')),
    agent_kind    text check (agent_kind in ('assistant', 'venue_general', 'venue_event')),
    specialist    text,
    instructions  text not null check (length(instructions) between 1 and 4000),
    paused        boolean not null default false,
    -- A run acts as this person (a staff member); its thread and approvals are theirs.
    created_by    bigint not null references users (id) on delete cascade,
    -- `schedule`: the next slot it fires at.
    next_run_at   timestamptz,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now(),
    check (trigger <> 'schedule' or (weekdays > 0 and at_time is not null)),
    check (trigger <> 'event_approaching' or days_before is not null),
    check ((action = 'agent') = (agent_kind is not null)),
    check ((action = 'specialist') = (specialist is not null))
);
create index automations_venue_idx on automations (venue_id, id);
create index automations_due_idx on automations (next_run_at) where trigger = 'schedule' and not paused;
create trigger automations_updated_at before update on automations
    for each row execute function set_updated_at();

-- Every firing of an automation. `fire_key` names what fired it (a local time slot, an event, an
-- appointment…), unique per automation: a slot or a business event fires it once, however many
-- workers or retries see it. `subject` is what the trigger reported (the webhook's data).
create table automation_runs (
    id             bigint generated always as identity primary key,
    automation_id  bigint not null references automations (id) on delete cascade,
    venue_id       bigint not null references venues (id) on delete cascade,
    fire_key       text not null,
    -- What fired it, for people ("Inquiry: Lumen Labs Annual Gala", "Monday, Dec 7 at 8:00").
    fired_by       text not null default '',
    subject        jsonb not null default '{}',
    event_id       bigint references events (id) on delete set null,
    status         text not null default 'queued'
                   check (status in ('queued', 'running', 'done', 'waiting', 'failed')),
    -- The person it acts as (the automation's, when it fired): every attempt runs as them.
    acts_as        bigint references users (id) on delete cascade,
    thread_id      bigint references chat_threads (id) on delete set null,
    order_id       bigint references studio_orders (id) on delete set null,
    output         text not null default '' check (length(output) <= 20000),
    error          text not null default '',
    job_id         bigint references jobs (id) on delete set null,
    started_at     timestamptz,
    finished_at    timestamptz,
    created_at     timestamptz not null default now(),
    unique (automation_id, fire_key)
);
create index automation_runs_automation_idx on automation_runs (automation_id, created_at desc);
