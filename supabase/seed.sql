-- Local seed (./dev db reset). Never run against a real project.

-- Where pg_cron's wake-ups go: the local gateway, with the local secret key (Supabase CLI default).
delete from vault.secrets where name in ('project_url', 'project_secret_key');
select vault.create_secret('http://127.0.0.1:54321', 'project_url');
select vault.create_secret('sb_secret_N7UND0UgjKTVK-Uodkm0Hg_xSvEMPvz', 'project_secret_key');

-- Demo users (there is no GoTrue locally: `./dev token <email>` signs a JWT for them).
insert into auth.users (instance_id, id, aud, role, email, encrypted_password, email_confirmed_at,
  raw_app_meta_data, raw_user_meta_data, created_at, updated_at)
values
  ('00000000-0000-0000-0000-000000000000', '11111111-1111-4111-8111-111111111111', 'authenticated',
   'authenticated', 'owner@northwind-msp.test', '', now(), '{"provider":"email","providers":["email"]}',
   '{"full_name":"Olivia Owner"}', now(), now()),
  ('00000000-0000-0000-0000-000000000000', '22222222-2222-4222-8222-222222222222', 'authenticated',
   'authenticated', 'agent@northwind-msp.test', '', now(), '{"provider":"email","providers":["email"]}',
   '{"full_name":"Aaron Agent"}', now(), now()),
  ('00000000-0000-0000-0000-000000000000', '33333333-3333-4333-8333-333333333333', 'authenticated',
   'authenticated', 'owner@contoso-helpdesk.test', '', now(), '{"provider":"email","providers":["email"]}',
   '{"full_name":"Carla Contoso"}', now(), now())
on conflict (id) do nothing;
