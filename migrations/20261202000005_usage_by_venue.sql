-- Daily token quotas (issue 15) sum a venue's usage since midnight on every new turn.
create index llm_usage_venue_idx on llm_usage (venue_id, created_at);
