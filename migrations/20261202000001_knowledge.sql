-- The knowledge base: documents, their passages (chunks) with full-text and vector indexes, and
-- the knowledge version of each venue.
--
-- * A document belongs to a venue and has an audience: `staff` (owners and staff), `clients`
--   (every client of the venue, and staff), `vendors` (every vendor, and staff), `event` (that
--   event's client and assigned vendors, and staff) or `thread` (a file attached in one chat
--   thread: its owner only). Staff never see another member's thread attachments.
-- * The original file is kept in the object store under `object_key`; the row keeps its size and
--   SHA-256. Replacing a document bumps `version` and re-indexes it; its old chunks are replaced
--   in the same transaction as the new ones, so a search never sees both or neither.
-- * `status` moves queued → extracting → embedding → ready, or failed with `error`.
-- * A chunk keeps its heading path, page and character offsets into the extracted text, a
--   generated `tsvector` (GIN-indexed) for full-text search, and its embedding: 384 float32
--   values, little-endian, in a bytea (Debian 12 has no pgvector; the vectors are ranked in Rust).
-- * `venues.knowledge_version` changes with every change that could change a search's answer
--   (chunks written, a document enabled, disabled, moved to another audience or deleted), so an
--   in-memory vector cache knows when to reload.

alter table venues add column knowledge_version bigint not null default 0;
-- Set once the demo venue's documents were loaded, so that deleting them does not bring them back.
alter table venues add column demo_documents_loaded boolean not null default false;

create table documents (
    id          bigint generated always as identity primary key,
    venue_id    bigint not null references venues (id) on delete cascade,
    title       text not null check (length(title) between 1 and 200),
    filename    text not null default '' check (length(filename) <= 255),
    format      text not null check (format in ('markdown', 'text', 'html', 'pdf', 'docx', 'csv', 'image')),
    media_type  text not null default '' check (length(media_type) <= 100),
    audience    text not null check (audience in ('staff', 'clients', 'vendors', 'event', 'thread')),
    event_id    bigint references events (id) on delete cascade,
    thread_id   bigint references chat_threads (id) on delete cascade,
    version     integer not null default 1 check (version >= 1),
    byte_size   bigint not null check (byte_size >= 0),
    sha256      bytea not null,
    object_key  text not null,
    status      text not null default 'queued'
                check (status in ('queued', 'extracting', 'embedding', 'ready', 'failed')),
    error       text check (length(error) <= 1000),
    enabled     boolean not null default true,
    chunk_count integer not null default 0,
    page_count  integer,
    -- The extracted text, kept for the document page and for re-chunking without the original.
    body        text not null default '',
    uploaded_by bigint references users (id) on delete set null,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    check ((audience = 'event') = (event_id is not null)),
    check ((audience = 'thread') = (thread_id is not null)),
    foreign key (venue_id, event_id) references events (venue_id, id)
);
create trigger documents_updated_at before update on documents
    for each row execute function set_updated_at();
create index documents_venue_idx on documents (venue_id, updated_at desc);
create index documents_thread_idx on documents (thread_id) where thread_id is not null;

create table document_chunks (
    id          bigint generated always as identity primary key,
    document_id bigint not null references documents (id) on delete cascade,
    venue_id    bigint not null references venues (id) on delete cascade,
    ordinal     integer not null,
    heading     text not null default '',
    page        integer,
    char_start  integer not null,
    char_end    integer not null,
    content     text not null,
    tsv         tsvector generated always as (to_tsvector('english', heading || ' ' || content)) stored,
    embedding   bytea,
    created_at  timestamptz not null default now(),
    unique (document_id, ordinal),
    check (char_end >= char_start),
    check (embedding is null or length(embedding) = 384 * 4)
);
create index document_chunks_tsv_idx on document_chunks using gin (tsv);
create index document_chunks_venue_idx on document_chunks (venue_id);

-- Replies that cite documents keep their citations in `chat_items.data` ({"citations": [...]}),
-- like tool calls keep theirs; nothing to add to the chat tables.
