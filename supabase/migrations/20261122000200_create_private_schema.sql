-- `private` holds what the Data API must never expose: the job queue, tokens, secrets and the
-- functions only workers call. It is not in the exposed schemas and the API roles cannot enter it.
create schema if not exists private;
revoke all on schema private from public, anon, authenticated;
grant usage on schema private to service_role;
alter default privileges in schema private revoke execute on functions from public;
