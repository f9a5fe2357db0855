-- Posture refreshes go through the job queue: a job per organization and dataset kind
-- (cache-write-all, cache-write-mfa, ...), de-duplicated, so the nightly schedule, a stale read and
-- an admin never refresh the same thing twice at once. The nightly fan-out spreads the
-- organizations over a window (jitter), skipping those whose credentials were refused and have not
-- changed since; workers pick the jobs up as they fall due (wake-due-workers, every minute).
create function private.enqueue_posture_refresh(
  organization bigint,
  dataset text default 'all',
  run_after timestamptz default now()
) returns bigint
language sql volatile set search_path = ''
as $$
  select private.enqueue_job('cache-write-' || dataset, 'cache-write-' || dataset || ':' || o.id,
           jsonb_build_object('organization_id', o.id), o.account_id, run_after)
  from public.organizations o
  where o.id = organization
    and dataset in ('all', 'compliance', 'mfa', 'licenses', 'secure-score', 'users', 'user-details')
$$;

-- Refused credentials back an organization off until they change or the backoff ends.
create function private.posture_backed_off(organization bigint) returns boolean
language sql stable set search_path = ''
as $$
  select exists (
    select from public.m365_sync_status s join public.m365_credentials c on c.organization_id = s.organization_id
    where s.organization_id = organization and s.retry_after > now()
      and s.attempted_at > coalesce(c.secret_updated_at, '-infinity'::timestamptz)
  )
$$;

create function private.schedule_posture_refresh(spread interval default interval '3 hours')
returns integer
language sql volatile set search_path = ''
as $$
  select count(private.enqueue_posture_refresh(o.id, 'all', now() + random() * spread))::integer
  from public.organizations o join public.m365_credentials c on c.organization_id = o.id
  where o.status <> 'offboarded' and not private.posture_backed_off(o.id)
$$;

revoke all on function private.enqueue_posture_refresh(bigint, text, timestamptz),
  private.posture_backed_off(bigint), private.schedule_posture_refresh(interval)
  from public, anon, authenticated;
grant execute on function private.enqueue_posture_refresh(bigint, text, timestamptz),
  private.posture_backed_off(bigint), private.schedule_posture_refresh(interval) to service_role;

select cron.schedule('refresh-posture', '0 2 * * *', $$select private.schedule_posture_refresh()$$);
