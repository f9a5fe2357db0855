-- Tenancy: an account is the SaaS customer (an MSP, a help-desk company); account_members maps
-- Supabase users to accounts with a role. Every other table carries account_id, and every policy
-- asks one helper which accounts the caller belongs to, at which role.

create table public.accounts (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(trim(name)) between 1 and 200),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create table public.account_members (
  account_id uuid not null references public.accounts (id) on delete cascade,
  user_id uuid not null references auth.users (id) on delete cascade,
  role text not null check (role in ('owner', 'admin', 'agent', 'viewer')),
  created_at timestamptz not null default now(),
  primary key (account_id, user_id)
);
create index account_members_user_id on public.account_members (user_id);

comment on table public.account_members is
  'Who belongs to an account, and as what: owner > admin > agent > viewer. The seeds call it platform_users.';

-- The helper lives in its own schema: callable by policies, not exposed through the Data API.
create schema authz;
grant usage on schema authz to anon, authenticated, service_role;

create function authz.role_rank(role text) returns integer
language sql immutable set search_path = ''
as $$
  select case role when 'owner' then 4 when 'admin' then 3 when 'agent' then 2 when 'viewer' then 1 else 0 end
$$;

-- The accounts in which the caller holds at least `min_role`. Policies use it as
-- `account_id in (select authz.account_ids('agent'))`, which Postgres evaluates once per query.
-- security definer: it must read account_members past that table's own RLS.
create function authz.account_ids(min_role text default 'viewer') returns setof uuid
language sql stable security definer set search_path = ''
as $$
  select m.account_id from public.account_members m
  where m.user_id = (select auth.uid())
    and authz.role_rank(m.role) >= authz.role_rank(min_role)
$$;

revoke all on function authz.role_rank(text), authz.account_ids(text) from public;
grant execute on function authz.role_rank(text), authz.account_ids(text) to authenticated, service_role;

alter table public.accounts enable row level security;
alter table public.account_members enable row level security;

create policy "accounts: members read" on public.accounts
  for select to authenticated using (id in (select authz.account_ids('viewer')));
create policy "accounts: admins rename" on public.accounts
  for update to authenticated
  using (id in (select authz.account_ids('admin')))
  with check (id in (select authz.account_ids('admin')));
create policy "accounts: owners delete" on public.accounts
  for delete to authenticated using (id in (select authz.account_ids('owner')));
-- No insert policy: accounts are created by public.create_account, which also makes the owner.

create policy "account_members: members read" on public.account_members
  for select to authenticated using (account_id in (select authz.account_ids('viewer')));
-- Admins manage members; only owners hand out or take away ownership.
create policy "account_members: admins add" on public.account_members
  for insert to authenticated
  with check (account_id in (select authz.account_ids(case when role = 'owner' then 'owner' else 'admin' end)));
create policy "account_members: admins change" on public.account_members
  for update to authenticated
  using (account_id in (select authz.account_ids(case when role = 'owner' then 'owner' else 'admin' end)))
  with check (account_id in (select authz.account_ids(case when role = 'owner' then 'owner' else 'admin' end)));
create policy "account_members: admins remove" on public.account_members
  for delete to authenticated
  using (account_id in (select authz.account_ids(case when role = 'owner' then 'owner' else 'admin' end)));

-- The common shape of an account-scoped table's policies: members from `reader` up read, from
-- `writer` up add and change, from `remover` up remove. Tables with other rules write their own.
create function private.apply_account_policies(
  tbl regclass,
  reader text default 'viewer',
  writer text default 'admin',
  remover text default null
) returns void
language plpgsql set search_path = ''
as $$
declare
  name text := (select c.relname from pg_catalog.pg_class c where c.oid = tbl);
  readers text := format('account_id in (select authz.account_ids(%L))', reader);
  writers text := format('account_id in (select authz.account_ids(%L))', writer);
  removers text := format('account_id in (select authz.account_ids(%L))', coalesce(remover, writer));
begin
  execute format('alter table %s enable row level security', tbl);
  execute format('create policy %I on %s for select to authenticated using (%s)', name || ': ' || reader || 's read', tbl, readers);
  execute format('create policy %I on %s for insert to authenticated with check (%s)', name || ': ' || writer || 's add', tbl, writers);
  execute format('create policy %I on %s for update to authenticated using (%s) with check (%s)',
    name || ': ' || writer || 's change', tbl, writers, writers);
  execute format('create policy %I on %s for delete to authenticated using (%s)',
    name || ': ' || coalesce(remover, writer) || 's remove', tbl, removers);
end
$$;
revoke all on function private.apply_account_policies(regclass, text, text, text) from public, anon, authenticated;

-- An account never loses its last owner (deleting the account itself is fine).
create function private.keep_an_owner() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if old.role = 'owner'
     and (tg_op = 'DELETE' or new.role <> 'owner')
     and exists (select from public.accounts a where a.id = old.account_id)
     and not exists (select from public.account_members m
                     where m.account_id = old.account_id and m.role = 'owner' and m.user_id <> old.user_id) then
    raise exception 'an account must keep at least one owner' using errcode = '23514';
  end if;
  return coalesce(new, old);
end
$$;
create trigger account_members_keep_an_owner
  before update or delete on public.account_members
  for each row execute function private.keep_an_owner();

-- Create an account with the caller as its owner, in one step.
create function authz.create_account(name text) returns uuid
language plpgsql security definer set search_path = ''
as $$
declare
  caller uuid := (select auth.uid());
  account uuid;
begin
  if caller is null then
    raise exception 'sign in to create an account' using errcode = '42501';
  end if;
  insert into public.accounts (name) values (create_account.name) returning id into account;
  insert into public.account_members (account_id, user_id, role) values (account, caller, 'owner');
  return account;
end
$$;
revoke all on function authz.create_account(text) from public;
grant execute on function authz.create_account(text) to authenticated;

-- updated_at, kept by the database rather than by every writer.
create function private.touch_updated_at() returns trigger
language plpgsql set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end
$$;
create trigger accounts_touch_updated_at before update on public.accounts
  for each row execute function private.touch_updated_at();
