-- What each model costs a venue, for the owners' insights: cents per million tokens read
-- (prompt) and written (completion). A model without a row costs nothing (the embedded one).
create table model_prices (
    venue_id                     bigint not null references venues (id) on delete cascade,
    model                        text not null check (length(model) between 1 and 200),
    prompt_cents_per_million     bigint not null default 0 check (prompt_cents_per_million between 0 and 100000000),
    completion_cents_per_million bigint not null default 0 check (completion_cents_per_million between 0 and 100000000),
    updated_at                   timestamptz not null default now(),
    primary key (venue_id, model)
);
