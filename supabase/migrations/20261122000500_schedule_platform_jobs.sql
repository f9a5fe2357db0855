-- Platform schedules. Each enqueues work (de-duplicated) and wakes its worker; none does the work.
create function private.schedule_health_check() returns bigint
language plpgsql volatile set search_path = ''
as $$
begin
  perform private.enqueue_job('health', dedup_key => 'health');
  return private.wake_worker('health');
end
$$;

revoke all on function private.schedule_health_check() from public, anon, authenticated;
grant execute on function private.schedule_health_check() to service_role;

select cron.schedule('health-check', '* * * * *', $$select private.schedule_health_check()$$);
select cron.schedule('wake-due-workers', '* * * * *', $$select private.wake_due_workers()$$);
select cron.schedule('purge-finished-jobs', '17 3 * * *', $$select private.purge_finished_jobs()$$);
