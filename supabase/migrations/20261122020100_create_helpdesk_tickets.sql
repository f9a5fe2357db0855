-- Help-desk tickets: numbered per account, threaded from mail. A ticket merged into another keeps
-- pointing at it (mail to it goes to the survivor); a new ticket opened by a reply to a closed one
-- links back to it.
create table private.ticket_counters (
  account_id uuid primary key references public.accounts (id) on delete cascade,
  last_number integer not null default 0
);
alter table private.ticket_counters enable row level security;
revoke all on private.ticket_counters from public, anon, authenticated;

create table public.helpdesk_tickets (
  id uuid primary key default gen_random_uuid(),
  account_id uuid not null references public.accounts (id) on delete cascade,
  mailbox_id uuid,
  number integer not null,
  subject text not null default '',
  subject_key text not null default '',
  status text not null default 'open' check (status in ('open', 'pending', 'resolved', 'closed', 'archived')),
  customer_address text,
  customer_name text,
  participants text[] not null default '{}',
  message_count integer not null default 0,
  last_activity_at timestamptz not null default now(),
  closed_at timestamptz,
  merged_into uuid check (merged_into <> id),
  linked_ticket_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (account_id, number),
  unique (account_id, id),
  foreign key (account_id, mailbox_id) references public.mailboxes (account_id, id) on delete set null (mailbox_id),
  foreign key (account_id, merged_into) references public.helpdesk_tickets (account_id, id) on delete set null (merged_into),
  foreign key (account_id, linked_ticket_id) references public.helpdesk_tickets (account_id, id)
    on delete set null (linked_ticket_id)
);
create index helpdesk_tickets_account_activity on public.helpdesk_tickets (account_id, last_activity_at desc);
create index helpdesk_tickets_account_subject on public.helpdesk_tickets (account_id, subject_key);
create index helpdesk_tickets_account_mailbox on public.helpdesk_tickets (account_id, mailbox_id);
create index helpdesk_tickets_account_merged on public.helpdesk_tickets (account_id, merged_into);
create index helpdesk_tickets_account_linked on public.helpdesk_tickets (account_id, linked_ticket_id);

-- Agents work tickets; only admins delete them.
select private.apply_account_policies('public.helpdesk_tickets', 'viewer', 'agent', 'admin');

-- The next number in the account, taken under the counter's row lock so concurrent syncs never
-- hand out the same one. security definer: agents create tickets but may not touch the counter.
create function private.number_ticket() returns trigger
language plpgsql security definer set search_path = ''
as $$
begin
  insert into private.ticket_counters as c (account_id, last_number) values (new.account_id, 1)
  on conflict (account_id) do update set last_number = c.last_number + 1
  returning last_number into new.number;
  return new;
end
$$;
revoke all on function private.number_ticket() from public, anon, authenticated;
create trigger helpdesk_tickets_number before insert on public.helpdesk_tickets
  for each row execute function private.number_ticket();

-- closed_at follows the status, whoever changes it.
create function private.track_ticket_closing() returns trigger
language plpgsql set search_path = ''
as $$
begin
  if new.status in ('resolved', 'closed', 'archived') then
    new.closed_at := coalesce(case when old.status in ('resolved', 'closed', 'archived') then old.closed_at end, now());
  else
    new.closed_at := null;
  end if;
  return new;
end
$$;
create trigger helpdesk_tickets_closing before update of status on public.helpdesk_tickets
  for each row execute function private.track_ticket_closing();
create trigger helpdesk_tickets_touch_updated_at before update on public.helpdesk_tickets
  for each row execute function private.touch_updated_at();
