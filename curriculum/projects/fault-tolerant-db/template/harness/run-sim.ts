// `npm run sim -- --schedule failover --seed 4007 [--steps 0,3] [--trace]`: replays one simulated
// schedule of the milestone tests (harness/schedules.ts), prints what each step did and the
// verdict; --trace prints every event (each message with its virtual time). The same seed gives
// the same run, event for event: the digest printed at the end says so.
import { parseArgs } from 'node:util';
import { describeFailure, makeSchedule, runSchedule, SCHEDULES } from './schedules.ts';

const { values } = parseArgs({
  options: {
    schedule: { type: 'string' },
    seed: { type: 'string', default: '1000' },
    steps: { type: 'string' },
    trace: { type: 'boolean', default: false },
  },
});

if (!values.schedule || !(values.schedule in SCHEDULES)) {
  console.error(`npm run sim -- --schedule <${Object.keys(SCHEDULES).join('|')}> --seed <n> [--steps i,j,…] [--trace]`);
  process.exit(2);
}
const schedule = makeSchedule(values.schedule, Number(values.seed));
const keep = values.steps === undefined ? undefined : values.steps === 'none' ? [] : values.steps.split(',').map(Number);
const outcome = await runSchedule(schedule, { keep, trace: values.trace ? (line) => console.log(line) : undefined });
if (!values.trace) {
  console.log(outcome.log.join('\n'));
}
console.log(
  `${outcome.failure ? 'FAILED' : 'passed'}: schedule "${schedule.name}" seed ${schedule.seed}${keep ? ` steps ${keep.join(',') || 'none'}` : ''}, ` +
    `${(outcome.virtualMs / 1000).toFixed(1)} virtual s in ${(outcome.realMs / 1000).toFixed(2)} s, ${outcome.events} events, ${outcome.operations} operations, digest ${outcome.digest}`,
);
if (outcome.failure) {
  console.log(describeFailure(outcome));
  process.exit(1);
}
