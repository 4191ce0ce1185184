-- A turn with tool calls writes several items (a reply, its tool calls, the next reply). Between
-- one item's end and the next one's start nothing in the thread is `streaming` or `running`, so
-- the store alone would say the turn is over: a watcher arriving on another instance in those
-- milliseconds was told so, and a send could slip in. The writer marks the thread when an item
-- ends with more of the turn to come (in the same statement as that end), and clears the mark
-- when the next item starts or the turn ends. A mark counts only while its writer beats and for
-- a few seconds at most (the gaps are milliseconds), so a mark left behind by a fault never
-- holds a thread.
alter table chat_threads add column turn_writer bigint, add column turn_marked_at timestamptz;

-- Whether a reply is being written in thread `t`: an item streaming or running, or the thread
-- between two items of a turn whose writer lives.
create function concierge_thread_busy(t bigint) returns boolean
    language sql stable
    as $$
        select exists (select 1 from chat_items where thread_id = t and status in ('streaming', 'running'))
            or exists (select 1 from chat_threads c join instances n on n.id = c.turn_writer
                        where c.id = t and c.turn_marked_at > now() - interval '10 seconds'
                          and n.beat_at >= now() - interval '5 seconds')
    $$;
