-- Connection housekeeping on pg_cron:
--   hourly   token refresh: one de-duplicated job per connection whose refresh is due (tokens
--            expiring within REFRESH_WINDOW_HOURS, or untouched for a week), then wake the worker;
--   daily    one-time OAuth states gone 24 hours after they expired or were used;
--   daily    audit_log kept 90 days.
create function private.schedule_token_refresh() returns integer
language plpgsql volatile set search_path = ''
as $$
declare
  queued integer;
begin
  select count(private.enqueue_job('refresh-token', 'refresh-token:' || t.connection_id,
           jsonb_build_object('connection_id', t.connection_id), t.account_id))
    into queued
  from private.oauth_tokens t join public.m365_connections c on c.id = t.connection_id
  where c.status = 'active' and t.next_refresh_at <= now();
  if queued > 0 then
    perform private.wake_worker('refresh-token');
  end if;
  return queued;
end
$$;

create function private.purge_oauth_states() returns integer
language sql volatile set search_path = ''
as $$
  with gone as (
    delete from private.oauth_states
    where coalesce(used_at, expires_at) < now() - interval '24 hours'
    returning 1
  )
  select count(*)::integer from gone
$$;

create function private.purge_audit_log(older_than interval default interval '90 days') returns integer
language sql volatile set search_path = ''
as $$
  with gone as (delete from public.audit_log where created_at < now() - older_than returning 1)
  select count(*)::integer from gone
$$;

revoke all on function private.schedule_token_refresh(), private.purge_oauth_states(),
  private.purge_audit_log(interval) from public, anon, authenticated;
grant execute on function private.schedule_token_refresh(), private.purge_oauth_states(),
  private.purge_audit_log(interval) to service_role;

select cron.schedule('refresh-tokens', '7 * * * *', $$select private.schedule_token_refresh()$$);
select cron.schedule('purge-oauth-states', '23 3 * * *', $$select private.purge_oauth_states()$$);
select cron.schedule('purge-audit-log', '29 3 * * *', $$select private.purge_audit_log()$$);
