-- Thumbs up or down on a reply, with an optional comment, by the thread's owner (the person the
-- reply was written for). One rating per reply: rating again replaces it; clearing sets null.
alter table chat_items
    add column rating smallint check (rating in (-1, 1)),
    add column rating_comment text not null default '' check (length(rating_comment) <= 1000),
    add column rated_at timestamptz;
-- Ratings are read by venue and day (insights), through the thread.
create index chat_items_rated_idx on chat_items (rated_at) where rating is not null;
