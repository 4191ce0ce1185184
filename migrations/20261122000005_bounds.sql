-- Upper bounds on money and quantities, so no total computed from them can overflow a bigint
-- (10^11 cents = $1,000,000,000 per price; quantities are already at most 100,000).
alter table services add constraint services_price_bound check (price_cents <= 100000000000);
alter table elements add constraint elements_price_bound check (price_cents <= 100000000000);
alter table contract_line_items add constraint contract_line_items_price_bound check (unit_price_cents <= 100000000000);
alter table payment_milestones add constraint payment_milestones_amount_bound check (amount_cents <= 100000000000);

-- A venue's time zone must be one Postgres knows: "today" on the dashboard is computed with it.
create function is_time_zone(tz text) returns boolean
language plpgsql stable as $$
begin
    perform now() at time zone tz;
    return true;
exception when others then
    return false;
end;
$$;
alter table venues add constraint venues_timezone_valid check (is_time_zone(timezone));
