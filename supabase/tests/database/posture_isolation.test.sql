-- Account isolation for the posture cache (snapshots, Secure Score history, users, user details,
-- devices, sync status): another account can neither read nor change nor add rows; members read
-- their own; no one but the service writes (not even an owner); anon sees nothing; the queue
-- functions are the service's.
begin;
select plan(60);

insert into auth.users (id, email, aud, role) values
  ('a1000000-0000-4000-8000-0000000000a1', 'owner@a.test', 'authenticated', 'authenticated'),
  ('a1000000-0000-4000-8000-0000000000a3', 'viewer@a.test', 'authenticated', 'authenticated'),
  ('b1000000-0000-4000-8000-0000000000b1', 'owner@b.test', 'authenticated', 'authenticated');
insert into public.accounts (id, name) values
  ('aaaaaaaa-1111-4000-8000-000000000000', 'Account A'), ('bbbbbbbb-1111-4000-8000-000000000000', 'Account B');
insert into public.account_members (account_id, user_id, role) values
  ('aaaaaaaa-1111-4000-8000-000000000000', 'a1000000-0000-4000-8000-0000000000a1', 'owner'),
  ('aaaaaaaa-1111-4000-8000-000000000000', 'a1000000-0000-4000-8000-0000000000a3', 'viewer'),
  ('bbbbbbbb-1111-4000-8000-000000000000', 'b1000000-0000-4000-8000-0000000000b1', 'owner');
insert into public.organizations (id, account_id, organization_name) values
  (900001, 'aaaaaaaa-1111-4000-8000-000000000000', 'A client'),
  (900002, 'bbbbbbbb-1111-4000-8000-000000000000', 'B client');

-- One row of every cache table for each account's organization.
create function pg_temp.fill(org bigint, account uuid, person uuid) returns void language sql as $$
  insert into public.m365_mfa_snapshots (organization_id, account_id, percentage, status, total_users, mfa_enabled,
    mfa_disabled, mfa_registered, conditional_access, security_defaults, per_user_mfa, registration_source,
    recommendation, description, measurement_date)
  values (org, account, 50, 'Partially Compliant', 2, 1, 1, 1, 1, 0, 0, 'report', 'r', 'd', now());
  insert into public.m365_license_snapshots (organization_id, account_id, total_users, basic_count, standard_count,
    premium_count, others_count, license_details, snapshot_date)
  values (org, account, 2, 0, 0, 1, 0, '[]', now());
  insert into public.m365_compliance_snapshots (organization_id, account_id, title, status, score_percentage,
    total_policies, breakdown, policies, checked_at)
  values (org, account, 't', 'Compliant', 100, 0, '{}', '[]', now());
  insert into public.m365_secure_score_history (organization_id, score_date, account_id, current_score, max_score,
    percentage, active_user_count, licensed_user_count, created_date_time, top_improvement_actions,
    all_improvement_actions, completed_actions)
  values (org, current_date, account, 1, 2, 50, 1, 1, now(), '[]', '[]', '[]');
  insert into public.m365_users (organization_id, user_id, account_id, position, status, mfa_enabled,
    user_principal_name, last_synced)
  values (org, person, account, 0, 'Active', true, 'x@y.test', now());
  insert into public.m365_user_details (organization_id, user_id, account_id, licenses, authentication_methods,
    groups, last_updated)
  values (org, person, account, '{}', '{}', '{}', now());
  insert into public.m365_user_devices (organization_id, user_id, device_id, account_id, position, last_synced)
  values (org, person, 'device-1', account, 0, now());
  insert into public.m365_sync_status (organization_id, dataset, account_id, status, fetched_at)
  values (org, 'mfa', account, 'ok', now());
$$;
select pg_temp.fill(900001, 'aaaaaaaa-1111-4000-8000-000000000000', 'aaaaaaaa-2222-4000-8000-000000000001');
select pg_temp.fill(900002, 'bbbbbbbb-1111-4000-8000-000000000000', 'bbbbbbbb-2222-4000-8000-000000000001');

create temp table cache_tables (name text);
insert into cache_tables values ('m365_mfa_snapshots'), ('m365_license_snapshots'), ('m365_compliance_snapshots'),
  ('m365_secure_score_history'), ('m365_users'), ('m365_user_details'), ('m365_user_devices'), ('m365_sync_status');
grant select on cache_tables to authenticated, anon;

create function pg_temp.login(uid text) returns void language sql as $$
  select set_config('role', 'authenticated', true),
         set_config('request.jwt.claims', json_build_object('sub', uid, 'role', 'authenticated')::text, true)
$$;
create function pg_temp.rows(statement text) returns integer language plpgsql as $$
declare n integer;
begin
  execute statement;
  get diagnostics n = row_count;
  return n;
end $$;
create function pg_temp.visible(tbl text, account text) returns integer language plpgsql as $$
declare n integer;
begin
  execute format('select count(*) from public.%I where account_id = %L', tbl, account) into n;
  return n;
end $$;
-- The SQLSTATE a statement fails with, or 'ok'.
create function pg_temp.refusal(statement text) returns text language plpgsql as $$
begin
  execute statement;
  return 'ok';
exception when others then
  return sqlstate;
end $$;

-- ------------------------------------------------------------------ B against A
select pg_temp.login('b1000000-0000-4000-8000-0000000000b1');
select is(pg_temp.visible(name, 'aaaaaaaa-1111-4000-8000-000000000000'), 0, name || ': B cannot read A')
  from cache_tables order by name;
select is(pg_temp.refusal(format('update public.%I set account_id = account_id where account_id = %L', name,
    'aaaaaaaa-1111-4000-8000-000000000000')), '42501', name || ': B cannot update A')
  from cache_tables order by name;
select is(pg_temp.refusal(format('delete from public.%I where account_id = %L', name,
    'aaaaaaaa-1111-4000-8000-000000000000')), '42501', name || ': B cannot delete A')
  from cache_tables order by name;
select is(pg_temp.refusal(format('insert into public.%I (account_id) values (%L)', name,
    'aaaaaaaa-1111-4000-8000-000000000000')), '42501', name || ': B cannot insert into A')
  from cache_tables order by name;
select is(pg_temp.visible(name, 'bbbbbbbb-1111-4000-8000-000000000000'), 1, name || ': B reads its own')
  from cache_tables order by name;

-- ------------------------------------------------------------------ inside A
select pg_temp.login('a1000000-0000-4000-8000-0000000000a3'); -- viewer
select is(pg_temp.visible(name, 'aaaaaaaa-1111-4000-8000-000000000000'), 1, name || ': a viewer reads the cache')
  from cache_tables order by name;
select pg_temp.login('a1000000-0000-4000-8000-0000000000a1'); -- owner
select is(pg_temp.refusal(format('update public.%I set account_id = account_id', name)), '42501',
    name || ': not even an owner writes the cache (the service does)')
  from cache_tables order by name;

-- ------------------------------------------------------------------ anon and the queue functions
select set_config('role', 'anon', true), set_config('request.jwt.claims', '', true);
select is((select count(*)::int from public.m365_mfa_snapshots), 0, 'anon: no snapshots');
select is((select count(*)::int from public.m365_users), 0, 'anon: no users');
select pg_temp.login('a1000000-0000-4000-8000-0000000000a1');
select throws_ok($$select private.schedule_posture_refresh()$$, '42501', null, 'members cannot run the fan-out');
select throws_ok($$select private.enqueue_posture_refresh(900001)$$, '42501', null, 'members cannot queue refreshes');

select * from finish();
rollback;
