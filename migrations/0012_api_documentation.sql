-- An API product's "Documentation" (issue 16, SPEC §9): the OpenAPI document as uploaded (checked
-- first), one per product. `version` counts the product's uploads (for people); `digest` is the
-- SHA-256 of `source`, which a rendered reference is cached by; `operations` is the table of
-- contents the product page shows, as JSON. 2097152 bytes: MAX_DOCUMENT_BYTES.
create table api_documents (
    product_id text primary key references api_products (id) on delete cascade,
    version bigint not null,
    file_name text not null check (length(file_name) between 1 and 255),
    openapi_version text not null,
    title text not null,
    api_version text not null,
    operations text not null,
    source text not null,
    digest text not null check (length(digest) = 64),
    size_bytes bigint not null check (size_bytes between 1 and 2097152),
    uploaded_at bigint not null,
    uploaded_by text references users (id) on delete set null
);
