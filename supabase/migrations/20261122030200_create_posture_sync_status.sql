-- Where each organization's posture datasets stand: when the data served was fetched, how the last
-- refresh ended and why, the backoff after refused credentials, and the lease that keeps one
-- refresh of a dataset running at a time across function instances.
create table public.m365_sync_status (
  organization_id bigint not null,
  dataset text not null check (dataset in ('compliance', 'mfa', 'licenses', 'secure-score', 'users', 'user-details')),
  account_id uuid not null,
  -- how the last refresh ended (null: none has ended yet)
  status text check (status in ('ok', 'unlicensed', 'forbidden', 'throttled', 'error')),
  error text,
  -- what the data lacks though the refresh succeeded (e.g. concealed report names)
  warnings text[] not null default '{}',
  row_count integer check (row_count >= 0),
  -- when the data now served was fetched (a failed refresh leaves it)
  fetched_at timestamptz,
  attempted_at timestamptz,
  -- refused credentials: failures in a row, and no scheduled refresh before retry_after
  failures integer not null default 0 check (failures >= 0),
  retry_after timestamptz,
  -- a refresh holds the dataset until then
  refreshing_until timestamptz,
  primary key (organization_id, dataset),
  foreign key (account_id, organization_id) references public.organizations (account_id, id) on delete cascade
);
create index m365_sync_status_account_organization on public.m365_sync_status (account_id, organization_id);
select private.apply_cache_read_policy('public.m365_sync_status');
