-- The tenant posture cache (the seeds' table names): per customer organization, the newest MFA,
-- licence and compliance snapshot, and a daily Secure Score history. Edge Function workers write
-- them with the service role; members of the account read them. Column meanings are in README
-- ("Posture cache"). Lists the dashboard shows as they are are `json`, which keeps their keys in
-- order (jsonb would sort them).

-- Cache tables: members read; only the service writes (no insert/update/delete policy, and no
-- table privileges for the API roles beyond select).
create function private.apply_cache_read_policy(tbl regclass) returns void
language plpgsql set search_path = ''
as $$
declare
  name text := (select c.relname from pg_catalog.pg_class c where c.oid = tbl);
begin
  execute format('alter table %s enable row level security', tbl);
  execute format(
    'create policy %I on %s for select to authenticated using (account_id in (select authz.account_ids(%L)))',
    name || ': members read', tbl, 'viewer');
  execute format('revoke insert, update, delete, truncate on %s from anon, authenticated', tbl);
end
$$;
revoke all on function private.apply_cache_read_policy(regclass) from public, anon, authenticated;

create table public.m365_mfa_snapshots (
  organization_id bigint primary key,
  account_id uuid not null,
  -- share of enabled member accounts that must use MFA, 0-100
  percentage double precision not null check (percentage between 0 and 100),
  status text not null check (status in ('Compliant', 'Partially Compliant', 'Not Compliant', 'Not Measured')),
  total_users integer not null check (total_users >= 0),
  mfa_enabled integer not null check (mfa_enabled >= 0),
  mfa_disabled integer not null check (mfa_disabled >= 0),
  -- per reason, each counted on its own (a person can have several)
  mfa_registered integer not null check (mfa_registered >= 0),
  conditional_access integer not null check (conditional_access >= 0),
  security_defaults integer not null check (security_defaults >= 0),
  per_user_mfa integer not null check (per_user_mfa >= 0),
  -- where mfa_registered came from: the registration report (Entra ID P1) or each user's methods
  registration_source text not null check (registration_source in ('report', 'methods')),
  recommendation text not null,
  description text not null,
  measurement_date timestamptz not null,
  foreign key (account_id, organization_id) references public.organizations (account_id, id) on delete cascade
);
create index m365_mfa_snapshots_account_organization on public.m365_mfa_snapshots (account_id, organization_id);
select private.apply_cache_read_policy('public.m365_mfa_snapshots');

create table public.m365_license_snapshots (
  organization_id bigint primary key,
  account_id uuid not null,
  total_users integer not null check (total_users >= 0),
  -- units in use per bucket, classified by SKU GUID
  basic_count integer not null check (basic_count >= 0),
  standard_count integer not null check (standard_count >= 0),
  premium_count integer not null check (premium_count >= 0),
  others_count integer not null check (others_count >= 0),
  license_details json not null check (json_typeof(license_details) = 'array'),
  snapshot_date timestamptz not null,
  foreign key (account_id, organization_id) references public.organizations (account_id, id) on delete cascade
);
create index m365_license_snapshots_account_organization on public.m365_license_snapshots (account_id, organization_id);
select private.apply_cache_read_policy('public.m365_license_snapshots');

create table public.m365_compliance_snapshots (
  organization_id bigint primary key,
  account_id uuid not null,
  title text not null,
  status text not null check (status in ('Compliant', 'Partially Compliant', 'Not Compliant', 'Not Measured')),
  score_percentage double precision not null check (score_percentage between 0 and 100),
  total_policies integer not null check (total_policies >= 0),
  breakdown json not null check (json_typeof(breakdown) = 'object'),
  policies json not null check (json_typeof(policies) = 'array'),
  checked_at timestamptz not null,
  foreign key (account_id, organization_id) references public.organizations (account_id, id) on delete cascade
);
create index m365_compliance_snapshots_account_organization
  on public.m365_compliance_snapshots (account_id, organization_id);
select private.apply_cache_read_policy('public.m365_compliance_snapshots');

-- One row per organization and Secure Score day: history is kept, reads take the newest.
create table public.m365_secure_score_history (
  organization_id bigint not null,
  score_date date not null,
  account_id uuid not null,
  current_score double precision not null check (current_score >= 0),
  max_score double precision not null check (max_score >= 0),
  percentage double precision not null check (percentage between 0 and 100),
  active_user_count integer not null check (active_user_count >= 0),
  licensed_user_count integer not null check (licensed_user_count >= 0),
  -- Graph's createdDateTime of the score
  created_date_time timestamptz not null,
  top_improvement_actions json not null check (json_typeof(top_improvement_actions) = 'array'),
  all_improvement_actions json not null check (json_typeof(all_improvement_actions) = 'array'),
  completed_actions json not null check (json_typeof(completed_actions) = 'array'),
  primary key (organization_id, score_date),
  foreign key (account_id, organization_id) references public.organizations (account_id, id) on delete cascade
);
create index m365_secure_score_history_account_organization
  on public.m365_secure_score_history (account_id, organization_id);
select private.apply_cache_read_policy('public.m365_secure_score_history');
