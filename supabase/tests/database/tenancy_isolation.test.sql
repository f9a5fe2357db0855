-- Account isolation for the tenancy and connection tables: a member of account B can neither read
-- nor change account A's rows; roles inside an account hold; anon sees nothing; `private` is shut.
-- Positive controls (A's own members succeed) show each refusal is RLS, not a broken fixture.
begin;
select plan(76);

-- ------------------------------------------------------------------ fixtures (as postgres)
insert into auth.users (id, email, aud, role) values
  ('a0000000-0000-4000-8000-000000000001', 'owner@a.test', 'authenticated', 'authenticated'),
  ('a0000000-0000-4000-8000-000000000002', 'admin@a.test', 'authenticated', 'authenticated'),
  ('a0000000-0000-4000-8000-000000000003', 'agent@a.test', 'authenticated', 'authenticated'),
  ('a0000000-0000-4000-8000-000000000004', 'viewer@a.test', 'authenticated', 'authenticated'),
  ('b0000000-0000-4000-8000-000000000001', 'owner@b.test', 'authenticated', 'authenticated');
insert into public.accounts (id, name) values
  ('aaaaaaaa-0000-4000-8000-000000000000', 'Account A'),
  ('bbbbbbbb-0000-4000-8000-000000000000', 'Account B');
insert into public.account_members (account_id, user_id, role) values
  ('aaaaaaaa-0000-4000-8000-000000000000', 'a0000000-0000-4000-8000-000000000001', 'owner'),
  ('aaaaaaaa-0000-4000-8000-000000000000', 'a0000000-0000-4000-8000-000000000002', 'admin'),
  ('aaaaaaaa-0000-4000-8000-000000000000', 'a0000000-0000-4000-8000-000000000003', 'agent'),
  ('aaaaaaaa-0000-4000-8000-000000000000', 'a0000000-0000-4000-8000-000000000004', 'viewer'),
  ('bbbbbbbb-0000-4000-8000-000000000000', 'b0000000-0000-4000-8000-000000000001', 'owner');
insert into public.organizations (id, account_id, organization_name) values
  (9001, 'aaaaaaaa-0000-4000-8000-000000000000', 'A client'),
  (9002, 'aaaaaaaa-0000-4000-8000-000000000000', 'A client without credentials'),
  (9003, 'bbbbbbbb-0000-4000-8000-000000000000', 'B client');
insert into public.m365_credentials (id, account_id, organization_id, tenant_id, client_id) values
  ('aaaaaaaa-0000-4000-8000-0000000000c1', 'aaaaaaaa-0000-4000-8000-000000000000',
   9001, gen_random_uuid(), gen_random_uuid()),
  ('bbbbbbbb-0000-4000-8000-0000000000c1', 'bbbbbbbb-0000-4000-8000-000000000000',
   9003, gen_random_uuid(), gen_random_uuid());
insert into private.m365_credential_secrets (credential_id, client_secret_jwe) values
  ('aaaaaaaa-0000-4000-8000-0000000000c1', 'jwe-a'), ('bbbbbbbb-0000-4000-8000-0000000000c1', 'jwe-b');
insert into public.m365_connections (id, account_id, purpose, tenant_id, object_id, connected_by) values
  ('aaaaaaaa-0000-4000-8000-0000000000e1', 'aaaaaaaa-0000-4000-8000-000000000000', 'read',
   gen_random_uuid(), gen_random_uuid(), 'a0000000-0000-4000-8000-000000000003'),
  ('bbbbbbbb-0000-4000-8000-0000000000e1', 'bbbbbbbb-0000-4000-8000-000000000000', 'read',
   gen_random_uuid(), gen_random_uuid(), 'b0000000-0000-4000-8000-000000000001');
-- An agent's own mailbox: seen by them and the admins, not by the rest of the account.
insert into public.m365_connections (id, account_id, purpose, scope, tenant_id, object_id, connected_by) values
  ('aaaaaaaa-0000-4000-8000-0000000000e2', 'aaaaaaaa-0000-4000-8000-000000000000', 'write', 'personal',
   gen_random_uuid(), gen_random_uuid(), 'a0000000-0000-4000-8000-000000000003');
insert into private.oauth_tokens (connection_id, account_id, access_token_jwe, expires_at, next_refresh_at) values
  ('aaaaaaaa-0000-4000-8000-0000000000e1', 'aaaaaaaa-0000-4000-8000-000000000000', 'jwe', now(), now()),
  ('bbbbbbbb-0000-4000-8000-0000000000e1', 'bbbbbbbb-0000-4000-8000-000000000000', 'jwe', now(), now());
insert into private.oauth_states (state_hash, account_id, requested_by, purpose, scope, code_verifier_jwe, nonce, redirect_to)
values ('hash-a', 'aaaaaaaa-0000-4000-8000-000000000000', 'a0000000-0000-4000-8000-000000000001', 'read', 'account', 'jwe', 'n',
        'https://app.test/done');
insert into public.api_call_logs (account_id, service, method, path, status, duration_ms) values
  ('aaaaaaaa-0000-4000-8000-000000000000', 'graph', 'GET', '/v1.0/me', 200, 12),
  ('bbbbbbbb-0000-4000-8000-000000000000', 'graph', 'GET', '/v1.0/me', 200, 12);
insert into public.audit_log (account_id, action, target_type) values
  ('aaaaaaaa-0000-4000-8000-000000000000', 'connection.created', 'm365_connection'),
  ('bbbbbbbb-0000-4000-8000-000000000000', 'connection.created', 'm365_connection');

-- Act as a signed-in user, exactly as db.asUser does (and PostgREST).
create function pg_temp.login(uid text) returns void language sql as $$
  select set_config('role', 'authenticated', true),
         set_config('request.jwt.claims', json_build_object('sub', uid, 'role', 'authenticated')::text, true)
$$;
create function pg_temp.logout() returns void language sql as $$
  select set_config('role', 'postgres', true), set_config('request.jwt.claims', '', true)
$$;
-- Rows a statement really touched (RLS filters updates and deletes silently).
create function pg_temp.touched(statement text) returns integer language plpgsql as $$
declare n integer;
begin
  execute statement;
  get diagnostics n = row_count;
  return n;
end $$;

-- ------------------------------------------------------------------ B's owner against A's rows
select pg_temp.login('b0000000-0000-4000-8000-000000000001');

select is((select count(*)::int from public.accounts where id = 'aaaaaaaa-0000-4000-8000-000000000000'), 0, 'accounts: B cannot read A');
select is(pg_temp.touched($$update public.accounts set name = 'pwned' where id = 'aaaaaaaa-0000-4000-8000-000000000000'$$), 0, 'accounts: B cannot update A');
select is(pg_temp.touched($$delete from public.accounts where id = 'aaaaaaaa-0000-4000-8000-000000000000'$$), 0, 'accounts: B cannot delete A');
select throws_ok($$insert into public.accounts (id, name) values (gen_random_uuid(), 'direct')$$, '42501', null, 'accounts: nobody inserts directly (create_account only)');

select is((select count(*)::int from public.account_members where account_id = 'aaaaaaaa-0000-4000-8000-000000000000'), 0, 'account_members: B cannot read A');
select is(pg_temp.touched($$update public.account_members set role = 'viewer' where account_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$), 0, 'account_members: B cannot update A');
select is(pg_temp.touched($$delete from public.account_members where account_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$), 0, 'account_members: B cannot delete A');
select throws_ok($$insert into public.account_members values ('aaaaaaaa-0000-4000-8000-000000000000', 'b0000000-0000-4000-8000-000000000001', 'owner')$$, '42501', null, 'account_members: B cannot join A');

select is((select count(*)::int from public.organizations where account_id = 'aaaaaaaa-0000-4000-8000-000000000000'), 0, 'organizations: B cannot read A');
select is(pg_temp.touched($$update public.organizations set industry = 'x' where account_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$), 0, 'organizations: B cannot update A');
select is(pg_temp.touched($$delete from public.organizations where account_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$), 0, 'organizations: B cannot delete A');
select throws_ok($$insert into public.organizations (account_id, organization_name) values ('aaaaaaaa-0000-4000-8000-000000000000', 'x')$$, '42501', null, 'organizations: B cannot insert into A');

select is((select count(*)::int from public.m365_credentials where account_id = 'aaaaaaaa-0000-4000-8000-000000000000'), 0, 'm365_credentials: B cannot read A');
select is(pg_temp.touched($$update public.m365_credentials set credential_status = 'valid' where account_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$), 0, 'm365_credentials: B cannot update A');
select is(pg_temp.touched($$delete from public.m365_credentials where account_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$), 0, 'm365_credentials: B cannot delete A');
select throws_ok($$insert into public.m365_credentials (account_id, organization_id, tenant_id, client_id) values ('aaaaaaaa-0000-4000-8000-000000000000', 9001, gen_random_uuid(), gen_random_uuid())$$, '42501', null, 'm365_credentials: B cannot insert into A');
select throws_ok($$insert into public.m365_credentials (account_id, organization_id, tenant_id, client_id) values ('bbbbbbbb-0000-4000-8000-000000000000', 9002, gen_random_uuid(), gen_random_uuid())$$, '23503', null, 'm365_credentials: B cannot attach credentials to A''s organization under its own account');

select is((select count(*)::int from public.m365_connections where account_id = 'aaaaaaaa-0000-4000-8000-000000000000'), 0, 'm365_connections: B cannot read A');
select is(pg_temp.touched($$update public.m365_connections set status = 'revoked' where account_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$), 0, 'm365_connections: B cannot update A');
select is(pg_temp.touched($$delete from public.m365_connections where account_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$), 0, 'm365_connections: B cannot delete A');
select throws_ok($$insert into public.m365_connections (account_id, purpose, tenant_id, object_id) values ('aaaaaaaa-0000-4000-8000-000000000000', 'read', gen_random_uuid(), gen_random_uuid())$$, '42501', null, 'm365_connections: B cannot insert into A');

select is((select count(*)::int from public.api_call_logs where account_id = 'aaaaaaaa-0000-4000-8000-000000000000'), 0, 'api_call_logs: B cannot read A');
select is(pg_temp.touched($$update public.api_call_logs set status = 500 where account_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$), 0, 'api_call_logs: B cannot update A');
select is(pg_temp.touched($$delete from public.api_call_logs where account_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$), 0, 'api_call_logs: B cannot delete A');
select throws_ok($$insert into public.api_call_logs (account_id, service, method, path, duration_ms) values ('aaaaaaaa-0000-4000-8000-000000000000', 'graph', 'GET', '/x', 1)$$, '42501', null, 'api_call_logs: B cannot insert into A');

select is((select count(*)::int from public.audit_log where account_id = 'aaaaaaaa-0000-4000-8000-000000000000'), 0, 'audit_log: B cannot read A');
select is(pg_temp.touched($$update public.audit_log set action = 'x' where account_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$), 0, 'audit_log: B cannot update A');
select is(pg_temp.touched($$delete from public.audit_log where account_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$), 0, 'audit_log: B cannot delete A');
select throws_ok($$insert into public.audit_log (account_id, action, target_type) values ('aaaaaaaa-0000-4000-8000-000000000000', 'x', 'y')$$, '42501', null, 'audit_log: B cannot insert into A');

-- B still sees its own rows: the refusals above are isolation, not an empty fixture.
select is((select count(*)::int from public.m365_connections), 1, 'B sees exactly its own connection');
select is((select count(*)::int from public.api_call_logs), 1, 'B sees exactly its own call log');

-- ------------------------------------------------------------------ roles inside account A
select pg_temp.login('a0000000-0000-4000-8000-000000000004'); -- viewer
select is((select count(*)::int from public.m365_connections), 1, 'a viewer reads the account''s connections, not an agent''s personal one');
select is(pg_temp.touched($$update public.m365_connections set status = 'revoked'$$), 0, 'a viewer cannot change a connection');
select is(pg_temp.touched($$delete from public.m365_connections$$), 0, 'a viewer cannot remove a connection');
select is(pg_temp.touched($$update public.organizations set industry = 'x'$$), 0, 'a viewer cannot change organizations');
select is(pg_temp.touched($$update public.m365_credentials set credential_status = 'valid'$$), 0, 'a viewer cannot change credentials');
select is((select count(*)::int from public.audit_log), 0, 'a viewer cannot read the audit log');
select throws_ok($$insert into public.organizations (account_id, organization_name) values ('aaaaaaaa-0000-4000-8000-000000000000', 'x')$$, '42501', null, 'a viewer cannot add organizations');

select pg_temp.login('a0000000-0000-4000-8000-000000000003'); -- agent who connected the mailbox
select is(pg_temp.touched($$update public.m365_connections set status_reason = 'checked' where id = 'aaaaaaaa-0000-4000-8000-0000000000e1'$$), 1, 'an agent may change the connection they made');
select is((select count(*)::int from public.m365_connections), 2, 'an agent sees the account''s connections and their own personal one');
select is(pg_temp.touched($$update public.organizations set industry = 'x'$$), 0, 'an agent cannot change organizations');
select throws_ok($$insert into public.account_members values ('aaaaaaaa-0000-4000-8000-000000000000', 'b0000000-0000-4000-8000-000000000001', 'viewer')$$, '42501', null, 'an agent cannot add members');

select pg_temp.login('a0000000-0000-4000-8000-000000000002'); -- admin
select is(pg_temp.touched($$update public.organizations set industry = 'Legal'$$), 2, 'an admin changes organizations');
select is(pg_temp.touched($$update public.m365_connections set status_reason = 'admin checked'$$), 2, 'an admin sees and changes every connection of the account, personal ones too');
select is((select count(*)::int from public.audit_log), 1, 'an admin reads the audit log');
select lives_ok($$insert into public.account_members values ('aaaaaaaa-0000-4000-8000-000000000000', 'b0000000-0000-4000-8000-000000000001', 'viewer')$$, 'an admin adds a member');
select throws_ok($$update public.account_members set role = 'owner' where user_id = 'b0000000-0000-4000-8000-000000000001' and account_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$, '42501', null, 'an admin cannot make an owner');
select is(pg_temp.touched($$delete from public.account_members where user_id = 'a0000000-0000-4000-8000-000000000001'$$), 0, 'an admin cannot remove the owner');
select is(pg_temp.touched($$delete from public.account_members where user_id = 'b0000000-0000-4000-8000-000000000001' and account_id = 'aaaaaaaa-0000-4000-8000-000000000000'$$), 1, 'an admin removes a member');
select is(pg_temp.touched($$delete from public.accounts$$), 0, 'an admin cannot delete the account');

select pg_temp.login('a0000000-0000-4000-8000-000000000001'); -- owner
select throws_ok($$delete from public.account_members where user_id = 'a0000000-0000-4000-8000-000000000001'$$, '23514', 'an account must keep at least one owner', 'the last owner cannot leave');
select lives_ok($$update public.account_members set role = 'owner' where user_id = 'a0000000-0000-4000-8000-000000000002'$$, 'an owner makes another owner');
select lives_ok($$update public.account_members set role = 'admin' where user_id = 'a0000000-0000-4000-8000-000000000001'$$, 'then may step down');

select pg_temp.login('b0000000-0000-4000-8000-000000000001');
select isnt(authz.create_account('B2'), null, 'a signed-in user creates an account');
select is((select role from public.account_members m join public.accounts a on a.id = m.account_id where a.name = 'B2'),
  'owner', 'and owns it');

-- ------------------------------------------------------------------ anon sees nothing
select pg_temp.logout();
set local role anon;
select is_empty('select 1 from public.accounts', 'anon: accounts');
select is_empty('select 1 from public.account_members', 'anon: account_members');
select is_empty('select 1 from public.organizations', 'anon: organizations');
select is_empty('select 1 from public.m365_credentials', 'anon: m365_credentials');
select is_empty('select 1 from public.m365_connections', 'anon: m365_connections');
select is_empty('select 1 from public.api_call_logs', 'anon: api_call_logs');
select is_empty('select 1 from public.audit_log', 'anon: audit_log');
select throws_ok($$select authz.create_account('anon')$$, '42501', null, 'anon cannot create accounts');

-- ------------------------------------------------------------------ private is shut
select throws_ok('select * from private.oauth_tokens', '42501', null, 'anon: private.oauth_tokens');
select throws_ok('select * from private.oauth_states', '42501', null, 'anon: private.oauth_states');
select throws_ok('select * from private.m365_credential_secrets', '42501', null, 'anon: private.m365_credential_secrets');
select throws_ok('select * from private.jobs', '42501', null, 'anon: private.jobs');
reset role;
select pg_temp.login('a0000000-0000-4000-8000-000000000001');
select throws_ok('select * from private.oauth_tokens', '42501', null, 'authenticated: private.oauth_tokens');
select throws_ok('select * from private.oauth_states', '42501', null, 'authenticated: private.oauth_states');
select throws_ok('select * from private.m365_credential_secrets', '42501', null, 'authenticated: private.m365_credential_secrets');
select throws_ok('select * from private.jobs', '42501', null, 'authenticated: private.jobs');
select throws_ok($$delete from private.oauth_tokens$$, '42501', null, 'authenticated cannot delete tokens');
select throws_ok($$select private.enqueue_job('refresh-token')$$, '42501', null, 'authenticated cannot call private functions');

-- ------------------------------------------------------------------ nothing of A was touched
select pg_temp.logout();
select is((select name from public.accounts where id = 'aaaaaaaa-0000-4000-8000-000000000000'), 'Account A', 'A''s account is intact');
select is((select count(*)::int from public.m365_connections where account_id = 'aaaaaaaa-0000-4000-8000-000000000000' and status = 'active'), 2, 'A''s connections are intact');
select is((select count(*)::int from public.api_call_logs where account_id = 'aaaaaaaa-0000-4000-8000-000000000000'), 1, 'A''s call log is intact');

select * from finish();
rollback;
