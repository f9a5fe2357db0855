-- Account isolation for the help-desk tables (mailboxes, tickets, messages, links), the roles
-- inside an account, ticket numbering, and what anon and the private counter show.
begin;
select plan(45);

insert into auth.users (id, email, aud, role) values
  ('a1000000-0000-4000-8000-0000000000a1', 'owner@a.test', 'authenticated', 'authenticated'),
  ('a1000000-0000-4000-8000-0000000000a2', 'agent@a.test', 'authenticated', 'authenticated'),
  ('a1000000-0000-4000-8000-0000000000a3', 'viewer@a.test', 'authenticated', 'authenticated'),
  ('b1000000-0000-4000-8000-0000000000b1', 'owner@b.test', 'authenticated', 'authenticated');
insert into public.accounts (id, name) values
  ('aaaaaaaa-1111-4000-8000-000000000000', 'Account A'), ('bbbbbbbb-1111-4000-8000-000000000000', 'Account B');
insert into public.account_members (account_id, user_id, role) values
  ('aaaaaaaa-1111-4000-8000-000000000000', 'a1000000-0000-4000-8000-0000000000a1', 'owner'),
  ('aaaaaaaa-1111-4000-8000-000000000000', 'a1000000-0000-4000-8000-0000000000a2', 'agent'),
  ('aaaaaaaa-1111-4000-8000-000000000000', 'a1000000-0000-4000-8000-0000000000a3', 'viewer'),
  ('bbbbbbbb-1111-4000-8000-000000000000', 'b1000000-0000-4000-8000-0000000000b1', 'owner');
insert into public.m365_connections (id, account_id, purpose, tenant_id, object_id) values
  ('aaaaaaaa-1111-4000-8000-0000000000c1', 'aaaaaaaa-1111-4000-8000-000000000000', 'read', gen_random_uuid(), gen_random_uuid()),
  ('bbbbbbbb-1111-4000-8000-0000000000c1', 'bbbbbbbb-1111-4000-8000-000000000000', 'read', gen_random_uuid(), gen_random_uuid());
insert into public.mailboxes (id, account_id, connection_id, address) values
  ('aaaaaaaa-1111-4000-8000-0000000000d1', 'aaaaaaaa-1111-4000-8000-000000000000', 'aaaaaaaa-1111-4000-8000-0000000000c1', 'support@a.test'),
  ('bbbbbbbb-1111-4000-8000-0000000000d1', 'bbbbbbbb-1111-4000-8000-000000000000', 'bbbbbbbb-1111-4000-8000-0000000000c1', 'support@b.test');
insert into public.helpdesk_tickets (id, account_id, mailbox_id, subject) values
  ('aaaaaaaa-1111-4000-8000-0000000000e1', 'aaaaaaaa-1111-4000-8000-000000000000', 'aaaaaaaa-1111-4000-8000-0000000000d1', 'A1'),
  ('aaaaaaaa-1111-4000-8000-0000000000e2', 'aaaaaaaa-1111-4000-8000-000000000000', 'aaaaaaaa-1111-4000-8000-0000000000d1', 'A2'),
  ('bbbbbbbb-1111-4000-8000-0000000000e1', 'bbbbbbbb-1111-4000-8000-000000000000', 'bbbbbbbb-1111-4000-8000-0000000000d1', 'B1');
insert into public.email_messages (id, account_id, mailbox_id, graph_id, direction, content_hash, ticket_id) values
  ('aaaaaaaa-1111-4000-8000-0000000000f1', 'aaaaaaaa-1111-4000-8000-000000000000', 'aaaaaaaa-1111-4000-8000-0000000000d1', 'AAMk-a', 'inbound', 'h', 'aaaaaaaa-1111-4000-8000-0000000000e1'),
  ('bbbbbbbb-1111-4000-8000-0000000000f1', 'bbbbbbbb-1111-4000-8000-000000000000', 'bbbbbbbb-1111-4000-8000-0000000000d1', 'AAMk-b', 'inbound', 'h', 'bbbbbbbb-1111-4000-8000-0000000000e1');
insert into public.email_links (account_id, message_id, reference, source) values
  ('aaaaaaaa-1111-4000-8000-000000000000', 'aaaaaaaa-1111-4000-8000-0000000000f1', 'WO-1001', 'auto'),
  ('bbbbbbbb-1111-4000-8000-000000000000', 'bbbbbbbb-1111-4000-8000-0000000000f1', 'WO-2001', 'auto');

create function pg_temp.login(uid text) returns void language sql as $$
  select set_config('role', 'authenticated', true),
         set_config('request.jwt.claims', json_build_object('sub', uid, 'role', 'authenticated')::text, true)
$$;
create function pg_temp.touched(statement text) returns integer language plpgsql as $$
declare n integer;
begin
  execute statement;
  get diagnostics n = row_count;
  return n;
end $$;

-- ------------------------------------------------------------------ numbering
select is((select number from public.helpdesk_tickets where id = 'aaaaaaaa-1111-4000-8000-0000000000e2'), 2,
  'tickets are numbered per account');
select is((select number from public.helpdesk_tickets where id = 'bbbbbbbb-1111-4000-8000-0000000000e1'), 1,
  'each account counts from 1');

-- ------------------------------------------------------------------ B against A
select pg_temp.login('b1000000-0000-4000-8000-0000000000b1');
select is((select count(*)::int from public.mailboxes where account_id = 'aaaaaaaa-1111-4000-8000-000000000000'), 0, 'mailboxes: B cannot read A');
select is(pg_temp.touched($$update public.mailboxes set enabled = false where account_id = 'aaaaaaaa-1111-4000-8000-000000000000'$$), 0, 'mailboxes: B cannot update A');
select is(pg_temp.touched($$delete from public.mailboxes where account_id = 'aaaaaaaa-1111-4000-8000-000000000000'$$), 0, 'mailboxes: B cannot delete A');
select throws_ok($$insert into public.mailboxes (account_id, connection_id, address) values ('aaaaaaaa-1111-4000-8000-000000000000', 'aaaaaaaa-1111-4000-8000-0000000000c1', 'x@a.test')$$, '42501', null, 'mailboxes: B cannot insert into A');
select throws_ok($$insert into public.mailboxes (account_id, connection_id, address) values ('bbbbbbbb-1111-4000-8000-000000000000', 'aaaaaaaa-1111-4000-8000-0000000000c1', 'x@b.test')$$, '23503', null, 'mailboxes: B cannot use A''s connection under its own account');

select is((select count(*)::int from public.helpdesk_tickets where account_id = 'aaaaaaaa-1111-4000-8000-000000000000'), 0, 'tickets: B cannot read A');
select is(pg_temp.touched($$update public.helpdesk_tickets set status = 'closed' where account_id = 'aaaaaaaa-1111-4000-8000-000000000000'$$), 0, 'tickets: B cannot update A');
select is(pg_temp.touched($$delete from public.helpdesk_tickets where account_id = 'aaaaaaaa-1111-4000-8000-000000000000'$$), 0, 'tickets: B cannot delete A');
select throws_ok($$insert into public.helpdesk_tickets (account_id, subject) values ('aaaaaaaa-1111-4000-8000-000000000000', 'x')$$, '42501', null, 'tickets: B cannot insert into A');
select throws_ok($$update public.helpdesk_tickets set merged_into = 'aaaaaaaa-1111-4000-8000-0000000000e1' where id = 'bbbbbbbb-1111-4000-8000-0000000000e1'$$, '23503', null, 'tickets: B cannot merge into A''s ticket');

select is((select count(*)::int from public.email_messages where account_id = 'aaaaaaaa-1111-4000-8000-000000000000'), 0, 'messages: B cannot read A');
select is(pg_temp.touched($$update public.email_messages set is_read = true where account_id = 'aaaaaaaa-1111-4000-8000-000000000000'$$), 0, 'messages: B cannot update A');
select is(pg_temp.touched($$delete from public.email_messages where account_id = 'aaaaaaaa-1111-4000-8000-000000000000'$$), 0, 'messages: B cannot delete A');
select throws_ok($$insert into public.email_messages (account_id, mailbox_id, graph_id, direction, content_hash) values ('aaaaaaaa-1111-4000-8000-000000000000', 'aaaaaaaa-1111-4000-8000-0000000000d1', 'x', 'inbound', 'h')$$, '42501', null, 'messages: B cannot insert into A');
select throws_ok($$update public.email_messages set ticket_id = 'aaaaaaaa-1111-4000-8000-0000000000e1' where id = 'bbbbbbbb-1111-4000-8000-0000000000f1'$$, '23503', null, 'messages: B cannot file its mail under A''s ticket');

select is((select count(*)::int from public.email_links where account_id = 'aaaaaaaa-1111-4000-8000-000000000000'), 0, 'links: B cannot read A');
select is(pg_temp.touched($$update public.email_links set reference = 'x' where account_id = 'aaaaaaaa-1111-4000-8000-000000000000'$$), 0, 'links: B cannot update A');
select is(pg_temp.touched($$delete from public.email_links where account_id = 'aaaaaaaa-1111-4000-8000-000000000000'$$), 0, 'links: B cannot delete A');
select throws_ok($$insert into public.email_links (account_id, message_id, reference, source) values ('aaaaaaaa-1111-4000-8000-000000000000', 'aaaaaaaa-1111-4000-8000-0000000000f1', 'WO-9', 'manual')$$, '42501', null, 'links: B cannot insert into A');
select throws_ok($$insert into public.email_links (account_id, message_id, reference, source) values ('bbbbbbbb-1111-4000-8000-000000000000', 'aaaaaaaa-1111-4000-8000-0000000000f1', 'WO-9', 'manual')$$, '23503', null, 'links: B cannot link A''s message under its own account');

select is((select count(*)::int from public.helpdesk_tickets), 1, 'B sees its own ticket');

-- ------------------------------------------------------------------ roles in A
select pg_temp.login('a1000000-0000-4000-8000-0000000000a3'); -- viewer
select is((select count(*)::int from public.email_messages), 1, 'a viewer reads the mail');
select is(pg_temp.touched($$update public.helpdesk_tickets set status = 'pending'$$), 0, 'a viewer cannot change tickets');
select is(pg_temp.touched($$update public.mailboxes set ticketing = false$$), 0, 'a viewer cannot change mailboxes');
select is(pg_temp.touched($$update public.email_messages set is_read = true$$), 0, 'a viewer cannot change messages');
select throws_ok($$insert into public.email_links (account_id, message_id, reference, source) values ('aaaaaaaa-1111-4000-8000-000000000000', 'aaaaaaaa-1111-4000-8000-0000000000f1', 'WO-9', 'manual')$$, '42501', null, 'a viewer cannot link mail');

select pg_temp.login('a1000000-0000-4000-8000-0000000000a2'); -- agent
select is(pg_temp.touched($$update public.helpdesk_tickets set status = 'pending' where id = 'aaaaaaaa-1111-4000-8000-0000000000e1'$$), 1, 'an agent works tickets');
select is(pg_temp.touched($$update public.email_messages set ticket_id = 'aaaaaaaa-1111-4000-8000-0000000000e2'$$), 1, 'an agent re-files a message');
select lives_ok($$insert into public.email_links (account_id, message_id, reference, source) values ('aaaaaaaa-1111-4000-8000-000000000000', 'aaaaaaaa-1111-4000-8000-0000000000f1', 'WO-9', 'manual')$$, 'an agent links mail by hand');
select is(pg_temp.touched($$delete from public.helpdesk_tickets$$), 0, 'an agent cannot delete tickets');
select is(pg_temp.touched($$update public.mailboxes set ticketing = false$$), 0, 'an agent cannot change mailboxes');
select lives_ok($$insert into public.helpdesk_tickets (account_id, subject) values ('aaaaaaaa-1111-4000-8000-000000000000', 'phoned in')$$, 'an agent opens a ticket by hand');
select is((select number from public.helpdesk_tickets where subject = 'phoned in'), 3, 'and it gets the next number');
select is((select closed_at is null from public.helpdesk_tickets where id = 'aaaaaaaa-1111-4000-8000-0000000000e1'), true, 'pending is not closed');
select lives_ok($$update public.helpdesk_tickets set status = 'closed' where id = 'aaaaaaaa-1111-4000-8000-0000000000e1'$$, 'an agent closes a ticket');
select isnt((select closed_at from public.helpdesk_tickets where id = 'aaaaaaaa-1111-4000-8000-0000000000e1'), null, 'closing sets closed_at');

select pg_temp.login('a1000000-0000-4000-8000-0000000000a1'); -- owner
select is(pg_temp.touched($$update public.mailboxes set ticketing = false$$), 1, 'an admin changes mailboxes');
select is(pg_temp.touched($$delete from public.helpdesk_tickets where subject = 'phoned in'$$), 1, 'an admin deletes a ticket');

-- ------------------------------------------------------------------ anon and the private counter
select set_config('role', 'anon', true), set_config('request.jwt.claims', '', true);
select is_empty('select 1 from public.mailboxes', 'anon: mailboxes');
select is_empty('select 1 from public.helpdesk_tickets', 'anon: tickets');
select is_empty('select 1 from public.email_messages', 'anon: messages');
select is_empty('select 1 from public.email_links', 'anon: links');
select throws_ok('select * from private.ticket_counters', '42501', null, 'anon: ticket counters');

select * from finish();
rollback;
