-- Two workers claiming at the same moment never get the same job, and neither waits for the
-- other: real concurrent sessions (dblink), since one session cannot contend with itself.
begin;
select plan(5);

select format('host=127.0.0.1 port=%s dbname=%s user=postgres password=postgres',
  current_setting('port'), current_database()) as conn \gset
select dblink_connect('setup', :'conn');
select dblink_connect('a', :'conn');
select dblink_connect('b', :'conn');

-- A run that died half-way may have left its jobs behind.
select dblink_exec('setup', $$delete from private.jobs where kind = 't-concurrent'$$);
-- Committed on purpose: rows inserted by this test's own transaction would be invisible to a and b.
select * from dblink('setup',
  $$select count(private.enqueue_job('t-concurrent'))::int from generate_series(1, 10)$$) as t(enqueued int);

select dblink_exec('a', 'begin');
select dblink_exec('b', 'begin');
select dblink_exec('b', $$set local lock_timeout = '1s'$$);

create temp table claimed_a as
  select id from dblink('a', $$select id from private.claim_jobs('t-concurrent', 'worker-a', 6)$$) as t(id bigint);
create temp table claimed_b as
  select id from dblink('b', $$select id from private.claim_jobs('t-concurrent', 'worker-b', 6)$$) as t(id bigint);

select is((select count(*)::int from claimed_a), 6, 'the first worker gets a full batch');
select is((select count(*)::int from claimed_b), 4,
  'the second, while the first still holds its rows, gets the other four without waiting');
select is_empty('select id from claimed_a intersect select id from claimed_b', 'no job is claimed twice');

select dblink_exec('a', 'commit');
select dblink_exec('b', 'commit');
select is((select n from dblink('setup',
  $$select count(*)::int from private.jobs where kind = 't-concurrent' and status = 'running'$$) as t(n int)),
  10, 'after both commit, all ten are running');
select is((select n from dblink('setup',
  $$select count(distinct locked_by)::int from private.jobs where kind = 't-concurrent'$$) as t(n int)),
  2, 'shared between the two workers');

select dblink_exec('setup', $$delete from private.jobs where kind = 't-concurrent'$$);
select dblink_disconnect('a');
select dblink_disconnect('b');
select dblink_disconnect('setup');

select * from finish();
rollback;
