-- The job queue. pg_cron, webhooks and people enqueue; Edge Function workers claim with
-- FOR UPDATE SKIP LOCKED, so any number of instances drain it side by side.
-- A job's kind is the slug of the function that runs it ('health', 'sync-emails', ...).
create table private.jobs (
  id bigint generated always as identity primary key,
  kind text not null check (kind ~ '^[a-z][a-z0-9-]*$'),
  dedup_key text,
  account_id uuid,
  payload jsonb not null default '{}'::jsonb,
  status text not null default 'queued' check (status in ('queued', 'running', 'done', 'dead')),
  attempts integer not null default 0 check (attempts >= 0),
  max_attempts integer not null default 5 check (max_attempts > 0),
  run_after timestamptz not null default now(),
  locked_by text,
  locked_until timestamptz,
  -- set when the same work is asked for while it runs: the job goes round once more when it ends
  rerun boolean not null default false,
  checkpoint jsonb,
  result jsonb,
  last_error text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  finished_at timestamptz
);

comment on table private.jobs is
  'Background work for Edge Function workers. Statuses: queued -> running -> done, or back to queued '
  'with backoff, or dead after max_attempts (last_error kept).';

-- One live job per key: cron, a webhook and "sync now" never run the same work twice at once.
create unique index jobs_live_dedup_key on private.jobs (dedup_key) where status in ('queued', 'running');
create index jobs_claimable on private.jobs (kind, run_after) where status = 'queued';
create index jobs_leased on private.jobs (kind, locked_until) where status = 'running';
create index jobs_finished on private.jobs (finished_at) where status in ('done', 'dead');
create index jobs_account_id on private.jobs (account_id);

-- Only workers (service role) touch the queue; RLS stays on as a second lock.
alter table private.jobs enable row level security;
revoke all on private.jobs from public, anon, authenticated;
grant select, insert, update, delete on private.jobs to service_role;

-- Exponential backoff with jitter: 30 s, 1 min, 2 min ... capped at 1 h, each scaled by 50-100 %
-- so that jobs failing together do not retry together.
create function private.job_backoff(attempt integer) returns interval
language sql volatile set search_path = ''
as $$
  select least(interval '1 hour', interval '30 seconds' * power(2, greatest(attempt, 1) - 1))
         * (0.5 + random() * 0.5)
$$;

-- Enqueue work. With a dedup_key, a live job with that key absorbs the request: a queued one is
-- pulled forward to the earlier run_after, a running one is marked to run once more when it ends.
create function private.enqueue_job(
  kind text,
  dedup_key text default null,
  payload jsonb default '{}'::jsonb,
  account_id uuid default null,
  run_after timestamptz default now(),
  max_attempts integer default 5
) returns bigint
language sql volatile set search_path = ''
as $$
  insert into private.jobs as j (kind, dedup_key, payload, account_id, run_after, max_attempts)
  values (kind, dedup_key, coalesce(payload, '{}'::jsonb), account_id, coalesce(run_after, now()), max_attempts)
  on conflict (dedup_key) where status in ('queued', 'running') do update
    set run_after = case when j.status = 'queued' then least(j.run_after, excluded.run_after) else j.run_after end,
        rerun = j.rerun or j.status = 'running',
        updated_at = now()
  returning j.id
$$;

-- Claim up to `batch` due jobs of a kind for one worker, leased until now() + lease. A running job
-- whose lease ran out belongs to a worker that died: it is claimed again, or dead-lettered when it
-- has used its last attempt.
create function private.claim_jobs(
  kind text,
  worker text,
  batch integer default 1,
  lease interval default interval '5 minutes'
) returns setof private.jobs
language plpgsql volatile set search_path = ''
as $$
declare
  claim_kind alias for kind;
begin
  with lost as (
    select j.id from private.jobs j
    where j.kind = claim_kind and j.status = 'running' and j.locked_until < now()
      and j.attempts >= j.max_attempts
    for update skip locked
  )
  update private.jobs j
     set status = 'dead', finished_at = now(), updated_at = now(), locked_by = null, locked_until = null,
         last_error = 'worker stopped during the final attempt'
           || coalesce(' (last error: ' || j.last_error || ')', '')
    from lost where j.id = lost.id;

  return query
  with queued as (
    select j.id, j.run_after as due_at from private.jobs j
    where j.kind = claim_kind and j.status = 'queued' and j.run_after <= now()
    order by j.run_after, j.id
    limit batch
    for update skip locked
  ), expired as (
    select j.id, j.locked_until as due_at from private.jobs j
    where j.kind = claim_kind and j.status = 'running' and j.locked_until < now()
      and j.attempts < j.max_attempts
    order by j.locked_until, j.id
    limit batch
    for update skip locked
  ), due as (
    select id from (select * from queued union all select * from expired) d
    order by due_at, id
    limit batch
  )
  update private.jobs j
     set status = 'running', attempts = j.attempts + 1, locked_by = worker,
         locked_until = now() + lease, updated_at = now()
    from due where j.id = due.id
  returning j.*;
end
$$;

-- Finish a job. Only the worker holding the lease may (a worker whose lease expired is fenced out).
create function private.complete_job(id bigint, worker text, result jsonb default null)
returns boolean
language sql volatile set search_path = ''
as $$
  update private.jobs j
     set status = case when j.rerun then 'queued' else 'done' end,
         result = complete_job.result,
         last_error = null,
         checkpoint = null,
         attempts = case when j.rerun then 0 else j.attempts end,
         run_after = case when j.rerun then now() else j.run_after end,
         finished_at = case when j.rerun then null else now() end,
         rerun = false, locked_by = null, locked_until = null, updated_at = now()
   where j.id = complete_job.id and j.locked_by = worker and j.status = 'running'
  returning true
$$;

-- Record a failure: retry after `retry_after` (e.g. Graph's Retry-After) or the backoff, or
-- dead-letter after the last attempt. Returns the job's new status.
create function private.fail_job(id bigint, worker text, error text, retry_after interval default null)
returns text
language sql volatile set search_path = ''
as $$
  update private.jobs j
     set status = case when j.attempts >= j.max_attempts then 'dead' else 'queued' end,
         last_error = left(error, 2000),
         run_after = case when j.attempts >= j.max_attempts then j.run_after
                          else now() + coalesce(retry_after, private.job_backoff(j.attempts)) end,
         finished_at = case when j.attempts >= j.max_attempts then now() end,
         rerun = false, locked_by = null, locked_until = null, updated_at = now()
   where j.id = fail_job.id and j.locked_by = worker and j.status = 'running'
  returning j.status
$$;

-- Hand an unfinished job back (the worker's time budget ran out) with its checkpoint. Running out
-- of time is not a failure, so the attempt is given back.
create function private.release_job(id bigint, worker text, checkpoint jsonb default null)
returns boolean
language sql volatile set search_path = ''
as $$
  update private.jobs j
     set status = 'queued', run_after = now(), attempts = greatest(j.attempts - 1, 0),
         checkpoint = coalesce(release_job.checkpoint, j.checkpoint),
         locked_by = null, locked_until = null, updated_at = now()
   where j.id = release_job.id and j.locked_by = worker and j.status = 'running'
  returning true
$$;

-- Finished jobs are history; keep a week of it (dead jobs too, so their errors can be read).
create function private.purge_finished_jobs(older_than interval default interval '7 days')
returns integer
language sql volatile set search_path = ''
as $$
  with gone as (
    delete from private.jobs where status in ('done', 'dead') and finished_at < now() - older_than
    returning 1
  )
  select count(*)::integer from gone
$$;

-- What the queue looks like now, per kind: what health checks record and dashboards watch.
create function private.queue_stats() returns jsonb
language sql stable set search_path = ''
as $$
  select coalesce(jsonb_object_agg(kind, stats), '{}'::jsonb) from (
    select kind, jsonb_build_object(
      'queued', count(*) filter (where status = 'queued'),
      'due', count(*) filter (where status = 'queued' and run_after <= now()),
      'running', count(*) filter (where status = 'running'),
      'dead', count(*) filter (where status = 'dead'),
      'oldest_due_seconds', coalesce(extract(epoch from now() - min(run_after)
        filter (where status = 'queued' and run_after <= now()))::integer, 0)
    ) as stats
    from private.jobs group by kind
  ) per_kind
$$;

revoke all on function private.job_backoff(integer), private.enqueue_job(text, text, jsonb, uuid, timestamptz, integer),
  private.claim_jobs(text, text, integer, interval), private.complete_job(bigint, text, jsonb),
  private.fail_job(bigint, text, text, interval), private.release_job(bigint, text, jsonb),
  private.purge_finished_jobs(interval), private.queue_stats() from public, anon, authenticated;
grant execute on function private.job_backoff(integer), private.enqueue_job(text, text, jsonb, uuid, timestamptz, integer),
  private.claim_jobs(text, text, integer, interval), private.complete_job(bigint, text, jsonb),
  private.fail_job(bigint, text, text, interval), private.release_job(bigint, text, jsonb),
  private.purge_finished_jobs(interval), private.queue_stats() to service_role;
