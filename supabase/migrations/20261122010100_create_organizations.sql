-- Organizations: an account's own clients (an MSP's customers). App-only Microsoft 365
-- credentials and the posture cache belong to an organization. Columns as in the seeds.
create table public.organizations (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references public.accounts (id) on delete cascade,
  organization_name text not null check (length(trim(organization_name)) between 1 and 200),
  domain text check (domain ~ '^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$'),
  industry text,
  organization_size text,
  status text not null default 'active' check (status in ('active', 'inactive', 'onboarding', 'offboarded')),
  ninjaone_org_id text,
  connect_secure_id text,
  autotask_id text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (account_id, id)
);
create index organizations_account_id on public.organizations (account_id);

select private.apply_account_policies('public.organizations');

create trigger organizations_touch_updated_at before update on public.organizations
  for each row execute function private.touch_updated_at();
