-- App-only Microsoft 365 credentials, one set per organization (client credentials grant against
-- the customer's tenant). The client secret itself is a JWE in private.m365_credential_secrets:
-- this table holds only what a dashboard may show.
create table public.m365_credentials (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null,
  organization_id bigint not null unique,
  tenant_id uuid not null,
  client_id uuid not null,
  credential_status text not null default 'unverified'
    check (credential_status in ('unverified', 'valid', 'invalid', 'expired', 'error')),
  last_token_refresh timestamptz,
  last_error text,
  secret_updated_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  -- the organization must be the same account's
  foreign key (account_id, organization_id) references public.organizations (account_id, id) on delete cascade
);
create index m365_credentials_account_organization on public.m365_credentials (account_id, organization_id);

select private.apply_account_policies('public.m365_credentials');

create trigger m365_credentials_touch_updated_at before update on public.m365_credentials
  for each row execute function private.touch_updated_at();

create table private.m365_credential_secrets (
  credential_id uuid primary key references public.m365_credentials (id) on delete cascade,
  client_secret_jwe text not null, -- JWE dir/A256GCM; header binds it to this credential_id
  updated_at timestamptz not null default now()
);
alter table private.m365_credential_secrets enable row level security;
revoke all on private.m365_credential_secrets from public, anon, authenticated;
grant select, insert, update, delete on private.m365_credential_secrets to service_role;
