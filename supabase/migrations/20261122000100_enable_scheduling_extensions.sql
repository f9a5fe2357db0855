-- pg_cron drives every schedule; pg_net lets a schedule call an Edge Function.
create extension if not exists pg_cron with schema pg_catalog;

-- pg_net is an extension on Supabase. The Docker-free local stack has no such package and provides
-- the same `net` functions instead (local/shims.sql), so create it only where it exists.
do $$
begin
  if exists (select from pg_available_extensions where name = 'pg_net') then
    create extension if not exists pg_net with schema extensions;
  end if;
end
$$;
