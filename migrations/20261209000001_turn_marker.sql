-- A turn with tool calls writes several items (a reply, its tool calls, the next reply). Between
-- one item's end and the next one's start nothing in the thread is `streaming` or `running`, so
-- the store alone would say the turn is over: a watcher arriving on another instance in those
-- milliseconds was told so, and a send could slip in. The writer marks the thread when an item
-- ends with more of the turn to come (in the same statement as that end), and clears the mark
-- when the next item starts or the turn ends. A mark counts only while its writer beats and for
-- a few seconds at most (the gaps are milliseconds), so a mark left behind by a fault never
-- holds a thread.
alter table chat_threads add column turn_writer bigint, add column turn_marked_at timestamptz;
-- The sweep clears the marks of dead instances every second.
create index chat_threads_turn_writer_idx on chat_threads (turn_writer) where turn_writer is not null;

-- The living instance whose turn in thread `t` is between two items, if any: its mark is younger
-- than `mark_secs` and it beat within `alive_secs` (the callers pass `store::instances`'
-- TURN_MARK_SECS and DEAD_AFTER_SECS).
create function concierge_turn_writer(t bigint, alive_secs double precision, mark_secs double precision)
    returns bigint
    language sql stable
    as $$
        select c.turn_writer from chat_threads c join instances n on n.id = c.turn_writer
         where c.id = t and c.turn_marked_at > now() - make_interval(secs => mark_secs)
           and n.beat_at >= now() - make_interval(secs => alive_secs)
    $$;

-- Whether a reply is being written in thread `t`: an item streaming or running, or a living
-- writer's turn between two items.
create function concierge_thread_busy(t bigint, alive_secs double precision, mark_secs double precision)
    returns boolean
    language sql stable
    as $$
        select exists (select 1 from chat_items where thread_id = t and status in ('streaming', 'running'))
            or concierge_turn_writer(t, alive_secs, mark_secs) is not null
    $$;
