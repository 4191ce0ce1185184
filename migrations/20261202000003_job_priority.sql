-- A job someone is waiting for (a file attached in a chat, whose reply waits for its index) goes
-- ahead of background work (a batch of venue documents, reminders) that is due at the same time.
alter table jobs add column priority smallint not null default 0;
drop index jobs_due_idx;
create index jobs_due_idx on jobs (priority desc, run_at, id) where done_at is null;
