-- Cached people of a customer organization: the user list, each user's details and their managed
-- devices. Details and devices join the list by the Graph user id (user_id), never by a row id, as
-- the seeds warn; a user removed from the list takes their details and devices along.
create table public.m365_users (
  organization_id bigint not null,
  -- the Graph user id
  user_id uuid not null,
  account_id uuid not null,
  -- the list's order (by display name), so a read returns exactly what was fetched
  position integer not null check (position >= 0),
  display_name text,
  email text,
  department text,
  -- the job title, as the seeds' dashboards show it
  role text,
  status text not null check (status in ('Active', 'Disabled')),
  -- an MFA method is registered (not the same as MFA being required: see m365_mfa_snapshots)
  mfa_enabled boolean not null,
  user_principal_name text not null,
  user_type text,
  last_synced timestamptz not null,
  primary key (organization_id, user_id),
  foreign key (account_id, organization_id) references public.organizations (account_id, id) on delete cascade
);
create index m365_users_account_organization on public.m365_users (account_id, organization_id);
select private.apply_cache_read_policy('public.m365_users');

create table public.m365_user_details (
  organization_id bigint not null,
  user_id uuid not null,
  account_id uuid not null,
  licenses text[] not null,
  -- usage from Microsoft 365's reports (30 days); null when the report has no row for the person
  -- or conceals names
  mailbox_size_mb double precision,
  mailbox_quota_mb double precision,
  mailbox_usage_percentage double precision,
  mailbox_items_count integer,
  mailbox_archived_items_count integer,
  onedrive_size_mb double precision,
  onedrive_quota_mb double precision,
  onedrive_usage_percentage double precision,
  onedrive_files_count integer,
  teams_calls_minutes_last_30_days integer,
  teams_meetings_count_last_30_days integer,
  teams_messages_count_last_30_days integer,
  email_sent_count_last_30_days integer,
  documents_edited_last_30_days integer,
  -- Identity Protection's level (Entra ID P2), null without it
  risk_level text,
  -- sign-in logs (Entra ID P1), null without them
  sign_in_attempts_last_30_days integer,
  blocked_sign_in_attempts integer,
  authentication_methods text[] not null,
  last_password_change timestamptz,
  last_sign_in timestamptz,
  groups text[] not null,
  last_updated timestamptz not null,
  primary key (organization_id, user_id),
  foreign key (account_id, organization_id) references public.organizations (account_id, id) on delete cascade,
  foreign key (organization_id, user_id) references public.m365_users (organization_id, user_id) on delete cascade
);
create index m365_user_details_account_organization on public.m365_user_details (account_id, organization_id);
select private.apply_cache_read_policy('public.m365_user_details');

create table public.m365_user_devices (
  organization_id bigint not null,
  user_id uuid not null,
  -- the Intune managed device id
  device_id text not null,
  account_id uuid not null,
  position integer not null check (position >= 0),
  device_name text,
  -- the operating system (Windows, iOS, Android, macOS)
  device_type text,
  compliance_state text,
  last_synced timestamptz not null,
  primary key (organization_id, user_id, device_id),
  foreign key (account_id, organization_id) references public.organizations (account_id, id) on delete cascade,
  foreign key (organization_id, user_id) references public.m365_users (organization_id, user_id) on delete cascade
);
create index m365_user_devices_account_organization on public.m365_user_devices (account_id, organization_id);
select private.apply_cache_read_policy('public.m365_user_devices');
