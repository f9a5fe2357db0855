-- Who did what to connections, credentials and members. Append-only: written by the service,
-- read by admins, kept 90 days.
create table public.audit_log (
  id bigint generated always as identity primary key,
  account_id uuid not null references public.accounts (id) on delete cascade,
  actor_user_id uuid references auth.users (id) on delete set null,
  action text not null,
  target_type text not null,
  target_id text,
  details jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);
create index audit_log_account_created on public.audit_log (account_id, created_at desc);
create index audit_log_actor_user_id on public.audit_log (actor_user_id);
create index audit_log_created_at on public.audit_log (created_at);

alter table public.audit_log enable row level security;
create policy "audit_log: admins read" on public.audit_log
  for select to authenticated using (account_id in (select authz.account_ids('admin')));
