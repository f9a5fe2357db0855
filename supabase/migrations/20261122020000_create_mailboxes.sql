-- Mailboxes watched for mail: one row per mailbox address and folder (the seeds' email_watchers
-- and helpdesk_email_accounts). The read connection syncs it; replies go through a write
-- connection. The delta checkpoint lives here, written in the same transaction as each page.
create table public.mailboxes (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references public.accounts (id) on delete cascade,
  connection_id uuid not null,
  send_connection_id uuid,
  address text not null check (address = lower(address) and address ~ '^[^@\s]+@[^@\s]+\.[^@\s]+$'),
  display_name text,
  -- a well-known folder name (inbox, sentitems, archive...) or a folder id
  folder text not null default 'inbox' check (length(folder) between 1 and 400),
  enabled boolean not null default true,
  ticketing boolean not null default true,
  -- what a customer's reply to a resolved, closed or archived ticket does
  reopen_policy text not null default 'reopen' check (reopen_policy in ('reopen', 'reopen_within_days', 'new_ticket')),
  reopen_within_days integer not null default 14 check (reopen_within_days between 1 and 3650),
  -- work orders to link automatically: JavaScript regular expressions whose first group is the
  -- work-order number (stored as WO-<number>)
  link_patterns text[] not null default array['\bWO-(\d{3,})\b', '(?<![\w&])#(\d{3,})\b'],
  -- the checkpoint: where the next page comes from (next_link), or the next round (delta_link)
  delta_link text,
  next_link text,
  -- a full sync (initial, or after Microsoft expired the delta token) counts up; messages not seen
  -- in a completed full sync were deleted meanwhile
  sync_generation integer not null default 0,
  full_sync_started_at timestamptz,
  sync_status text not null default 'never' check (sync_status in ('never', 'syncing', 'ok', 'error')),
  last_sync_at timestamptz,
  last_full_sync_at timestamptz,
  last_error text,
  error_count integer not null default 0,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (account_id, address, folder),
  unique (account_id, id),
  foreign key (account_id, connection_id) references public.m365_connections (account_id, id),
  foreign key (account_id, send_connection_id) references public.m365_connections (account_id, id)
    on delete set null (send_connection_id)
);
create index mailboxes_account_connection on public.mailboxes (account_id, connection_id);
create index mailboxes_account_send_connection on public.mailboxes (account_id, send_connection_id);
create index mailboxes_enabled on public.mailboxes (account_id) where enabled;

select private.apply_account_policies('public.mailboxes');

create trigger mailboxes_touch_updated_at before update on public.mailboxes
  for each row execute function private.touch_updated_at();
