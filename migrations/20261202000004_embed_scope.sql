-- Embed sessions are their own kind (issue 15): a session opened by an embed token reaches only
-- its token's agent and event, and is never taken as a member's own session.
--
-- * `internal`: an owner's or staff member's chat may be embedded only by a token marked so
--   (a public iframe must not become staff access by mistake).
-- * `allowed_origins`: the sites that may frame the chat (`Content-Security-Policy:
--   frame-ancestors`), e.g. `https://harborhall.example`; empty means this server's own pages only.
alter table embed_tokens
    add column internal        boolean not null default false,
    add column allowed_origins text[]  not null default '{}'
        check (cardinality(allowed_origins) <= 10);
