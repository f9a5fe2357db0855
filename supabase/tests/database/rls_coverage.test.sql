-- Guards for tables yet to come: every table in an exposed or private schema has RLS on, every
-- public table is scoped to an account, and every public table has policies for reading.
begin;
select plan(4);

select is_empty($$
  select n.nspname || '.' || c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p') and n.nspname in ('public', 'private') and not c.relrowsecurity
$$, 'every table in public and private has row-level security enabled');

select is_empty($$
  select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p') and n.nspname = 'public' and c.relname <> 'accounts'
    and not exists (select from pg_attribute a where a.attrelid = c.oid and a.attname = 'account_id' and not a.attisdropped)
$$, 'every public table carries account_id');

select is_empty($$
  select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
  where c.relkind in ('r', 'p') and n.nspname = 'public'
    and not exists (select from pg_policies p where p.schemaname = 'public' and p.tablename = c.relname
                    and p.cmd in ('SELECT', 'ALL'))
$$, 'every public table has a read policy (else members could not see their own rows)');

select is_empty($$
  select p.tablename || ': ' || p.policyname from pg_policies p
  where p.schemaname = 'public' and ('anon' = any(p.roles) or 'public' = any(p.roles))
$$, 'no policy grants anything to anon');

select * from finish();
rollback;
