-- A row that points at another row of the venue must point within its own venue. The code
-- checks this where it writes; these composite foreign keys make the database refuse it too,
-- whoever writes (agent tools included). Each parent gets a unique (venue_id, id) to point at.
-- The existing single-column keys keep their delete actions; these only check (NO ACTION).

alter table clients add constraint clients_venue_id_id_key unique (venue_id, id);
alter table spaces add constraint spaces_venue_id_id_key unique (venue_id, id);
alter table vendors add constraint vendors_venue_id_id_key unique (venue_id, id);
alter table events add constraint events_venue_id_id_key unique (venue_id, id);

alter table events
    add constraint events_client_same_venue foreign key (venue_id, client_id) references clients (venue_id, id),
    add constraint events_space_same_venue foreign key (venue_id, space_id) references spaces (venue_id, id);
alter table tasks
    add constraint tasks_event_same_venue foreign key (venue_id, event_id) references events (venue_id, id);
alter table message_threads
    add constraint message_threads_event_same_venue foreign key (venue_id, event_id) references events (venue_id, id),
    add constraint message_threads_vendor_same_venue foreign key (venue_id, vendor_id) references vendors (venue_id, id);
alter table invites
    add constraint invites_client_same_venue foreign key (venue_id, client_id) references clients (venue_id, id),
    add constraint invites_vendor_same_venue foreign key (venue_id, vendor_id) references vendors (venue_id, id);
