-- Chat attachments are documents of audience `thread`. A file attached in the composer is
-- uploaded before its message is sent (and before a new chat's thread exists): it waits with no
-- thread, readable only by the person who uploaded it, until the message that carries it binds it
-- to the thread. Unsent uploads are swept after a day (with their originals).
--
-- The message lists its attachments in `chat_items.data` ({"attachments": [...]}), like a reply
-- lists its citations; an edit of the message keeps them.

do $$
declare c text;
begin
    select conname into c from pg_constraint
     where conrelid = 'documents'::regclass and contype = 'c'
       and pg_get_constraintdef(oid) like '%audience = ''thread''%thread_id IS NOT NULL%';
    if c is not null then
        execute format('alter table documents drop constraint %I', c);
    end if;
end $$;

alter table documents add constraint documents_thread_only_attachments
    check (thread_id is null or audience = 'thread');

create index documents_pending_idx on documents (created_at)
    where audience = 'thread' and thread_id is null;
