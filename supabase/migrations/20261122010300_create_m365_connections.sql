-- Delegated Microsoft 365 connections: one signed-in Microsoft user (tid + oid) connected for a
-- purpose (read or write) in an account. Tokens are JWEs in private.oauth_tokens, never here.
-- An admin connects mailboxes for the whole account (scope 'account', e.g. the help-desk inbox);
-- any agent may connect their own (scope 'personal', seen only by them and the admins).
create table public.m365_connections (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references public.accounts (id) on delete cascade,
  organization_id bigint,
  purpose text not null check (purpose in ('read', 'write')),
  scope text not null default 'account' check (scope in ('account', 'personal')),
  tenant_id uuid not null,
  object_id uuid not null,
  user_principal_name text,
  display_name text,
  granted_scopes text[] not null default '{}',
  status text not null default 'active' check (status in ('active', 'needs_reauth', 'revoked', 'error')),
  status_reason text,
  last_refresh_at timestamptz,
  last_error text,
  failure_count integer not null default 0 check (failure_count >= 0),
  connected_by uuid references auth.users (id) on delete set null,
  connected_at timestamptz not null default now(),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (account_id, tenant_id, object_id, purpose),
  unique (account_id, id),
  foreign key (account_id, organization_id) references public.organizations (account_id, id) on delete set null (organization_id)
);
create index m365_connections_account_organization on public.m365_connections (account_id, organization_id);
create index m365_connections_connected_by on public.m365_connections (connected_by);

comment on column public.m365_connections.status_reason is
  'Why a connection needs attention, in words (e.g. the refresh token expired from inactivity).';

alter table public.m365_connections enable row level security;
create policy "m365_connections: members read" on public.m365_connections
  for select to authenticated
  using (account_id in (select authz.account_ids('admin'))
         or (account_id in (select authz.account_ids('viewer'))
             and (scope = 'account' or connected_by = (select auth.uid()))));
-- Connections are created by oauth-callback (service role) after Microsoft's consent.
-- Admins change any connection; agents only the ones they connected; viewers none.
create policy "m365_connections: admins or their connector change" on public.m365_connections
  for update to authenticated
  using (account_id in (select authz.account_ids('admin'))
         or (connected_by = (select auth.uid()) and account_id in (select authz.account_ids('agent'))))
  with check (account_id in (select authz.account_ids('admin'))
         or (connected_by = (select auth.uid()) and account_id in (select authz.account_ids('agent'))));
create policy "m365_connections: admins or their connector remove" on public.m365_connections
  for delete to authenticated
  using (account_id in (select authz.account_ids('admin'))
         or (connected_by = (select auth.uid()) and account_id in (select authz.account_ids('agent'))));

create trigger m365_connections_touch_updated_at before update on public.m365_connections
  for each row execute function private.touch_updated_at();

create table private.oauth_tokens (
  connection_id uuid primary key,
  account_id uuid not null,
  access_token_jwe text not null,   -- tokens are JWTs of several KB: text, never varchar(n)
  refresh_token_jwe text,
  expires_at timestamptz not null,
  -- when the scheduled refresh should next touch it: before expiry, and at least weekly so the
  -- refresh token never dies of 90 days' inactivity; pushed back after a failed attempt
  next_refresh_at timestamptz not null,
  refreshed_at timestamptz,
  rotation integer not null default 0,
  updated_at timestamptz not null default now(),
  foreign key (account_id, connection_id) references public.m365_connections (account_id, id) on delete cascade
);
create index oauth_tokens_next_refresh_at on private.oauth_tokens (next_refresh_at);
create index oauth_tokens_account_connection on private.oauth_tokens (account_id, connection_id);
alter table private.oauth_tokens enable row level security;
revoke all on private.oauth_tokens from public, anon, authenticated;
grant select, insert, update, delete on private.oauth_tokens to service_role;
