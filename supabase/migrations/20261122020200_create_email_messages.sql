-- Synced mail. graph_id is the message's immutable id (we always ask Graph for immutable ids, so
-- it survives moves between folders); internet_message_id and the references are stored in their
-- canonical form for threading. Bodies are stored sanitized. A message deleted in the mailbox is
-- soft-deleted here.
create table public.email_messages (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references public.accounts (id) on delete cascade,
  mailbox_id uuid not null,
  graph_id text not null,
  change_key text,
  internet_message_id text,
  conversation_id text,
  in_reply_to text,
  reference_ids text[] not null default '{}',
  subject text,
  subject_key text not null default '',
  body_preview text,
  body_html text,
  from_address text,
  from_name text,
  to_recipients jsonb not null default '[]'::jsonb,
  cc_recipients jsonb not null default '[]'::jsonb,
  received_at timestamptz,
  sent_at timestamptz,
  has_attachments boolean not null default false,
  attachments jsonb not null default '[]'::jsonb,
  is_read boolean,
  importance text check (importance in ('low', 'normal', 'high')),
  direction text not null check (direction in ('inbound', 'outbound')),
  -- mail no person wrote (auto-mail.ts): it threads but never opens or reopens a ticket
  auto_kind text check (auto_kind in ('bounce', 'out_of_office', 'auto_reply', 'bulk')),
  ticket_id uuid,
  -- how the message found its ticket (threading.ts rule), or why it has none
  thread_rule text,
  content_hash text not null,
  sync_generation integer not null default 0,
  deleted_at timestamptz,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (mailbox_id, graph_id),
  unique (account_id, id),
  foreign key (account_id, mailbox_id) references public.mailboxes (account_id, id) on delete cascade,
  foreign key (account_id, ticket_id) references public.helpdesk_tickets (account_id, id) on delete set null (ticket_id)
);
create index email_messages_internet_message_id on public.email_messages (account_id, internet_message_id);
create index email_messages_conversation_id on public.email_messages (account_id, conversation_id);
create index email_messages_in_reply_to on public.email_messages (account_id, in_reply_to);
-- fastupdate off: sync writes pages continuously, and a GIN pending list that long makes every
-- threading lookup scan it (1.3 s instead of 12 ms for a 500-message page's references)
create index email_messages_reference_ids on public.email_messages using gin (reference_ids)
  with (fastupdate = off);
create index email_messages_ticket on public.email_messages (account_id, ticket_id, received_at);
create index email_messages_mailbox_generation on public.email_messages (mailbox_id, sync_generation)
  where deleted_at is null;

alter table public.email_messages enable row level security;
-- Written by the sync and send paths (service); agents may re-file a message or mark it read.
create policy "email_messages: viewers read" on public.email_messages
  for select to authenticated using (account_id in (select authz.account_ids('viewer')));
create policy "email_messages: agents change" on public.email_messages
  for update to authenticated
  using (account_id in (select authz.account_ids('agent')))
  with check (account_id in (select authz.account_ids('agent')));

create trigger email_messages_touch_updated_at before update on public.email_messages
  for each row execute function private.touch_updated_at();
