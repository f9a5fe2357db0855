-- Every Microsoft call we make (Graph and the identity platform), for monitoring: what, how long,
-- what came back. Paths are stored without query strings; nothing secret is ever written here.
create table public.api_call_logs (
  id bigint generated always as identity primary key,
  account_id uuid not null references public.accounts (id) on delete cascade,
  connection_id uuid,
  organization_id bigint,
  service text not null check (service in ('graph', 'identity')),
  method text not null,
  path text not null,
  status integer,
  duration_ms integer not null,
  request_id text,
  throttled boolean not null default false,
  retry_after_seconds numeric,
  error_code text,
  created_at timestamptz not null default now(),
  foreign key (account_id, connection_id) references public.m365_connections (account_id, id)
    on delete set null (connection_id),
  foreign key (account_id, organization_id) references public.organizations (account_id, id)
    on delete set null (organization_id)
);
create index api_call_logs_account_created on public.api_call_logs (account_id, created_at desc);
create index api_call_logs_account_connection on public.api_call_logs (account_id, connection_id);
create index api_call_logs_account_organization on public.api_call_logs (account_id, organization_id);

alter table public.api_call_logs enable row level security;
-- Written by the service only; members read their account's log.
create policy "api_call_logs: members read" on public.api_call_logs
  for select to authenticated using (account_id in (select authz.account_ids('viewer')));
