-- One-time OAuth states: what oauth-authorize promised and oauth-callback must check. The state
-- itself is only stored hashed; the PKCE verifier is a JWE bound to the row.
create table private.oauth_states (
  id uuid primary key default gen_random_uuid(),
  state_hash text not null unique,  -- sha256 (base64url) of the state sent to Microsoft
  account_id uuid not null references public.accounts (id) on delete cascade,
  requested_by uuid not null references auth.users (id) on delete cascade,
  purpose text not null check (purpose in ('read', 'write')),
  scope text not null check (scope in ('account', 'personal')),
  organization_id bigint,
  code_verifier_jwe text not null,
  nonce text not null,
  redirect_to text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null default now() + interval '10 minutes',
  used_at timestamptz,
  foreign key (account_id, organization_id) references public.organizations (account_id, id) on delete cascade
);
create index oauth_states_expires_at on private.oauth_states (expires_at);
create index oauth_states_account_organization on private.oauth_states (account_id, organization_id);
create index oauth_states_requested_by on private.oauth_states (requested_by);
alter table private.oauth_states enable row level security;
revoke all on private.oauth_states from public, anon, authenticated;
grant select, insert, update, delete on private.oauth_states to service_role;
