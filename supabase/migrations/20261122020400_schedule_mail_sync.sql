-- Every 15 minutes: one de-duplicated sync job per enabled mailbox, then wake the worker. "Sync
-- now" enqueues the same job (same key), so a person and the schedule never sync a mailbox twice
-- at once.
create function private.enqueue_mail_sync(mailbox uuid) returns bigint
language sql volatile set search_path = ''
as $$
  select private.enqueue_job('sync-emails', 'sync-emails:' || m.id, jsonb_build_object('mailbox_id', m.id), m.account_id)
  from public.mailboxes m where m.id = mailbox and m.enabled
$$;

create function private.schedule_mail_sync() returns integer
language plpgsql volatile set search_path = ''
as $$
declare
  queued integer;
begin
  select count(private.enqueue_mail_sync(m.id)) into queued
  from public.mailboxes m join public.m365_connections c on c.id = m.connection_id
  where m.enabled and c.status = 'active';
  if queued > 0 then
    perform private.wake_worker('sync-emails');
  end if;
  return queued;
end
$$;

revoke all on function private.enqueue_mail_sync(uuid), private.schedule_mail_sync() from public, anon, authenticated;
grant execute on function private.enqueue_mail_sync(uuid), private.schedule_mail_sync() to service_role;

select cron.schedule('sync-mailboxes', '*/15 * * * *', $$select private.schedule_mail_sync()$$);
