-- The job queue's contract: de-duplication, claiming, concurrency, backoff, dead-lettering,
-- fencing of workers that lost their lease, and who may touch it.
begin;
select plan(38);

-- ------------------------------------------------------------ enqueue and de-duplication
select private.enqueue_job('t-dedup', 'mailbox:1') as first_id \gset
select is(private.enqueue_job('t-dedup', 'mailbox:1'), :first_id::bigint,
  'a second enqueue with a live dedup key returns the same job');
select is((select count(*)::int from private.jobs where kind = 't-dedup'), 1, 'and creates no second row');

select private.enqueue_job('t-later', 'later', run_after => now() + interval '1 hour') as later_id \gset
select private.enqueue_job('t-later', 'later', run_after => now() - interval '1 minute');
select ok((select run_after < now() from private.jobs where id = :later_id),
  'an earlier request pulls a queued job forward ("sync now" beats the schedule)');

select is((select count(*)::int from private.claim_jobs('t-dedup', 'w1')), 1, 'a due job is claimed');
select is(private.enqueue_job('t-dedup', 'mailbox:1'), :first_id::bigint,
  'enqueueing while it runs returns the running job');
select ok((select rerun from private.jobs where id = :first_id), 'and marks it to run once more');
select ok(private.complete_job(:first_id, 'w1', '{"ok":true}'), 'the lease holder completes it');
select is((select status from private.jobs where id = :first_id), 'queued',
  'a job asked for while running goes round again instead of finishing');
select is((select count(*)::int from private.jobs where dedup_key = 'mailbox:1'), 1, 'still one row for the key');

select is((select count(*)::int from private.claim_jobs('t-dedup', 'w1')), 1, 'it is claimed again');
select ok(private.complete_job(:first_id, 'w1', '{"ok":true}'), 'and completed');
select is((select status from private.jobs where id = :first_id), 'done', 'now it is done');
select isnt(private.enqueue_job('t-dedup', 'mailbox:1'), :first_id::bigint,
  'a finished job no longer absorbs new work: the key gets a new job');

-- ------------------------------------------------------------ claiming
select private.enqueue_job('t-claim', run_after => now() + interval '10 minutes') as future_id \gset
select is((select count(*)::int from private.claim_jobs('t-claim', 'w1', 10)), 0, 'a job not yet due is not claimed');
select private.enqueue_job('t-claim') from generate_series(1, 3);
select is((select count(*)::int from private.claim_jobs('t-claim', 'w1', 2)), 2, 'claims at most the batch size');
select is((select count(*)::int from private.claim_jobs('t-other', 'w1', 10)), 0, 'claims only its own kind');
select is((select count(*)::int from private.jobs where kind = 't-claim' and status = 'running' and locked_by = 'w1'
  and attempts = 1 and locked_until > now()), 2, 'claimed jobs are running, leased, with the attempt counted');

-- ------------------------------------------------------------ failure, backoff, dead letter
select private.enqueue_job('t-fail', max_attempts => 3) as fail_id \gset
select private.claim_jobs('t-fail', 'w1');
select is(private.fail_job(:fail_id, 'w1', 'Graph answered 503'), 'queued', 'a first failure re-queues');
select ok((select run_after between now() + interval '15 seconds' and now() + interval '30 seconds'
  from private.jobs where id = :fail_id), 'after 15-30 s: the first backoff step with jitter');
select is((select last_error from private.jobs where id = :fail_id), 'Graph answered 503', 'the error is kept');

update private.jobs set run_after = now() where id = :fail_id;
select private.claim_jobs('t-fail', 'w1');
select is(private.fail_job(:fail_id, 'w1', 'still 503'), 'queued', 'a second failure re-queues');
select ok((select run_after between now() + interval '30 seconds' and now() + interval '60 seconds'
  from private.jobs where id = :fail_id), 'after 30-60 s: the backoff doubles');

update private.jobs set run_after = now() where id = :fail_id;
select private.claim_jobs('t-fail', 'w1');
select is(private.fail_job(:fail_id, 'w1', 'gave up: 503'), 'dead', 'the last attempt dead-letters');
select ok((select finished_at is not null and last_error = 'gave up: 503' and locked_by is null
  from private.jobs where id = :fail_id), 'a dead job keeps its error and is no longer leased');
select is((select count(*)::int from private.claim_jobs('t-fail', 'w1')), 0, 'a dead job is never claimed');

select private.enqueue_job('t-retry-after') as ra_id \gset
select private.claim_jobs('t-retry-after', 'w1');
select private.fail_job(:ra_id, 'w1', 'throttled', interval '7 seconds');
select ok((select run_after between now() + interval '6 seconds' and now() + interval '8 seconds'
  from private.jobs where id = :ra_id), 'a Retry-After replaces the backoff');

-- ------------------------------------------------------------ leases and fencing
select private.enqueue_job('t-lease') as lease_id \gset
select private.claim_jobs('t-lease', 'dead-worker');
update private.jobs set locked_until = now() - interval '1 second' where id = :lease_id; -- the worker was killed
select is((select locked_by from private.claim_jobs('t-lease', 'w2')), 'w2',
  'a job whose worker died is claimed by another once the lease runs out');
select is((select attempts from private.jobs where id = :lease_id), 2, 'the lost run counts as an attempt');
select is(private.complete_job(:lease_id, 'dead-worker', null), null,
  'the worker that lost the lease cannot complete it');
select is(private.fail_job(:lease_id, 'dead-worker', 'late'), null, 'nor fail it');
select ok(private.release_job(:lease_id, 'w2', '{"next_link":"https://graph/next"}'), 'the holder can release it');
select ok((select status = 'queued' and attempts = 1 and checkpoint ->> 'next_link' = 'https://graph/next'
  from private.jobs where id = :lease_id), 'a release keeps the checkpoint and gives the attempt back');

select private.enqueue_job('t-lost', max_attempts => 1) as lost_id \gset
select private.claim_jobs('t-lost', 'dead-worker');
update private.jobs set locked_until = now() - interval '1 second' where id = :lost_id;
select is((select count(*)::int from private.claim_jobs('t-lost', 'w2')), 0,
  'a job lost during its final attempt is not claimed again');
select ok((select status = 'dead' and last_error like 'worker stopped during the final attempt%'
  from private.jobs where id = :lost_id), 'it is dead-lettered with the reason');

-- ------------------------------------------------------------ housekeeping
update private.jobs set finished_at = now() - interval '8 days' where id = :fail_id;
select cmp_ok(private.purge_finished_jobs(), '>=', 1, 'finished jobs older than a week are purged');
select is((select count(*)::int from private.jobs where id = :fail_id), 0, 'the old dead job is gone');

-- ------------------------------------------------------------ who may touch the queue
set local role authenticated;
select throws_ok('select * from private.jobs', '42501', null, 'a signed-in user cannot read the queue');
select throws_ok($$select private.enqueue_job('health')$$, '42501', null, 'nor enqueue work');
reset role;

select * from finish();
rollback;
