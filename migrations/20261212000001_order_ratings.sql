-- The person who ordered a deliverable (or whom an automation ordered it for) rates the result:
-- 1 (useful) or -1 (not useful); null until they do. The queue page sums them per specialist.
alter table studio_orders add column rating smallint check (rating in (-1, 1));
