-- Email templates an admin edited (Settings > Email > Templates). A kind without a row uses the
-- default shipped with Portico; "Reset to default" deletes the row.
create table email_templates (
    kind text primary key,
    subject text not null,
    text_body text not null,
    html_body text not null,
    updated_by text references users (id) on delete set null,
    updated_at bigint not null
);
