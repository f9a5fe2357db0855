-- Links from mail to work orders (WO-12345, #12345, ...): found by the mailbox's patterns while
-- syncing, or made by hand.
create table public.email_links (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references public.accounts (id) on delete cascade,
  message_id uuid not null,
  reference text not null check (length(reference) between 1 and 100),
  source text not null check (source in ('auto', 'manual')),
  created_by uuid references auth.users (id) on delete set null,
  created_at timestamptz not null default now(),
  unique (message_id, reference),
  foreign key (account_id, message_id) references public.email_messages (account_id, id) on delete cascade
);
create index email_links_account_reference on public.email_links (account_id, reference);
create index email_links_account_message on public.email_links (account_id, message_id);
create index email_links_created_by on public.email_links (created_by);

select private.apply_account_policies('public.email_links', 'viewer', 'agent');
