-- Waking a worker: pg_cron never does the work itself, it calls the worker function over HTTP with
-- pg_net, the URL and the secret key read from Vault (Supabase's documented pattern). Set them once:
--   select vault.create_secret('https://<project-ref>.supabase.co', 'project_url');
--   select vault.create_secret('<sb_secret_... key>', 'project_secret_key');
create function private.wake_worker(slug text, body jsonb default '{}'::jsonb) returns bigint
language plpgsql volatile set search_path = ''
as $$
declare
  base_url text := (select decrypted_secret from vault.decrypted_secrets where name = 'project_url');
  secret_key text := (select decrypted_secret from vault.decrypted_secrets where name = 'project_secret_key');
begin
  if base_url is null or secret_key is null then
    raise exception 'cannot wake worker "%": Vault secrets project_url and project_secret_key must be set', slug;
  end if;
  return net.http_post(
    url := rtrim(base_url, '/') || '/functions/v1/' || slug,
    body := coalesce(body, '{}'::jsonb),
    headers := jsonb_build_object('Content-Type', 'application/json', 'apikey', secret_key),
    -- a worker answers once its time budget is spent (see _shared/jobs.ts)
    timeout_milliseconds := 120000
  );
end
$$;

-- Wake the worker of every kind that has due work: retries whose backoff ended, jobs handed back
-- when a time budget ran out, and jobs whose worker died (lease expired).
create function private.wake_due_workers() returns integer
language sql volatile set search_path = ''
as $$
  select count(private.wake_worker(kind))::integer from (
    select distinct kind from private.jobs
    where (status = 'queued' and run_after <= now()) or (status = 'running' and locked_until < now())
  ) due
$$;

revoke all on function private.wake_worker(text, jsonb), private.wake_due_workers() from public, anon, authenticated;
grant execute on function private.wake_worker(text, jsonb), private.wake_due_workers() to service_role;
