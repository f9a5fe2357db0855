-- Local seed (./dev db reset). Never run against a real project. After it, ./dev db reset runs
-- local/seed-credentials.ts, which stores app-only credentials through the real (sealing) code.

-- Where pg_cron's wake-ups go: the local gateway, with the local secret key (Supabase CLI default).
delete from vault.secrets where name in ('project_url', 'project_secret_key');
select vault.create_secret('http://127.0.0.1:54321', 'project_url');
select vault.create_secret('sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz', 'project_secret_key');

-- People (there is no GoTrue locally: `./dev token <email>` signs a session JWT for them).
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
select '00000000-0000-0000-0000-000000000000', id::uuid, 'authenticated', 'authenticated', email, '', now(),
  '{"provider":"email","providers":["email"]}', jsonb_build_object('full_name', full_name), now(), now()
from (values
  ('11111111-1111-4111-8111-111111111111', 'owner@adatum-msp.test', 'Olivia Owner'),
  ('22222222-2222-4222-8222-222222222222', 'agent@adatum-msp.test', 'Aaron Agent'),
  ('44444444-4444-4444-8444-444444444444', 'viewer@adatum-msp.test', 'Vera Viewer'),
  ('33333333-3333-4333-8333-333333333333', 'owner@northwind-support.test', 'Nina Northwind')
) as u(id, email, full_name)
on conflict (id) do nothing;

-- Two customers of the SaaS: an MSP with client organizations, and a help desk company.
insert into public.accounts (id, name) values
  ('a1000000-0000-4000-8000-000000000001', 'Adatum MSP'),
  ('a2000000-0000-4000-8000-000000000002', 'Northwind Support')
on conflict (id) do nothing;

insert into public.account_members (account_id, user_id, role) values
  ('a1000000-0000-4000-8000-000000000001', '11111111-1111-4111-8111-111111111111', 'owner'),
  ('a1000000-0000-4000-8000-000000000001', '22222222-2222-4222-8222-222222222222', 'agent'),
  ('a1000000-0000-4000-8000-000000000001', '44444444-4444-4444-8444-444444444444', 'viewer'),
  ('a2000000-0000-4000-8000-000000000002', '33333333-3333-4333-8333-333333333333', 'owner')
on conflict do nothing;

-- The MSP's clients, one per emulated tenant (local/graph-emulator/defaults.ts).
insert into public.organizations (id, account_id, organization_name, domain, industry, organization_size, status) values
  (101, 'a1000000-0000-4000-8000-000000000001', 'Contoso Ltd', 'contoso.com', 'Manufacturing', '250-999', 'active'),
  (102, 'a1000000-0000-4000-8000-000000000001', 'Fabrikam GmbH', 'fabrikam.com', 'Retail', '1-49', 'active'),
  (103, 'a1000000-0000-4000-8000-000000000001', 'Tailspin Toys', 'tailspintoys.com', 'Consumer goods', '50-249', 'onboarding')
on conflict (id) do nothing;
-- Ids chosen above are below the sequence: new organizations start after them.
select setval(pg_get_serial_sequence('public.organizations', 'id'), 1000);
