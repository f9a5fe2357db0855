-- Validating takes only a SHARE UPDATE EXCLUSIVE lock: workers keep claiming meanwhile.
set local lock_timeout = '2s';
alter table private.jobs validate constraint jobs_account_id_fkey;
