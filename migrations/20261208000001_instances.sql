-- Several server processes on one database (scale-out). Each running process is an instance: it
-- registers at start-up with an id of its own choosing and beats every second; one whose beat is
-- older than a few seconds is dead, and whoever notices marks the replies it was writing
-- `interrupted` (and its running tool calls `failed`), and only those.
create table instances (
    id          bigint primary key,
    -- Stable across restarts of the same process slot (CONCIERGE_INSTANCE, else host:port): a
    -- process that starts under a name knows the previous holder of that name is gone.
    name        text not null check (length(name) between 1 and 200),
    started_at  timestamptz not null default now(),
    beat_at     timestamptz not null default now()
);
create index instances_name_idx on instances (name);

-- The instance the current connection works for: each instance's pool sets
-- `concierge.instance` on every connection it opens; other connections (tools, tests) have none.
create function concierge_instance() returns bigint
    language sql stable
    as $$ select nullif(current_setting('concierge.instance', true), '')::bigint $$;

-- Which instance is writing an item (a reply streaming, a tool call running), set by the
-- default on insert. No foreign key: an instance's row may go before the items it wrote are
-- looked at again. The column comes first and its default after, so that rows written before
-- have no writer (a default given with the column would be evaluated once, here, and name the
-- migrating instance for every old row); the first instance to start marks those unfinished.
alter table chat_items add column writer bigint;
alter table chat_items alter column writer set default concierge_instance();
create index chat_items_live_idx on chat_items (writer) where status in ('streaming', 'running');

-- At most one reply streaming per thread, whichever instance takes the send: an everyday send
-- is one statement (`store::chat::turns`), whose check of the thread runs in the statement's
-- snapshot; this index refuses the second of two sends that raced. Duplicates left by a crash,
-- if any, are marked interrupted first (the newest is kept).
update chat_items set status = 'interrupted', error = 'The server restarted while this reply was being written.'
 where status = 'streaming'
   and id not in (select max(id) from chat_items where status = 'streaming' group by thread_id);
create unique index chat_items_one_streaming on chat_items (thread_id) where status = 'streaming';
