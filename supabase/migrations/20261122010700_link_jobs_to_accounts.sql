-- Jobs done for an account go when the account goes. The queue is live: add the constraint
-- without scanning (NOT VALID) under a short lock timeout; the next migration validates it.
set local lock_timeout = '2s';
alter table private.jobs
  add constraint jobs_account_id_fkey foreign key (account_id) references public.accounts (id)
  on delete cascade not valid;
