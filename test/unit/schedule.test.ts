// EventBridge schedule expressions (EventBridge UG "Schedule expressions for rules"): parsing rate() and the
// six-field cron(), and the next fire time in UTC.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { nextFire, parseSchedule, ScheduleError } from '../../src/events/engine/schedule.js';

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());
/** The next `n` fire times after `from`. */
function fires(expression: string, from: string, n = 3): (string | undefined)[] {
  const s = parseSchedule(expression);
  const out: (string | undefined)[] = [];
  let t = at(from);
  for (let i = 0; i < n; i++) {
    const next = nextFire(s, t, at(from));
    out.push(iso(next));
    if (next === undefined) break;
    t = next;
  }
  return out;
}

describe('rate()', () => {
  test('fires every interval from the anchor, singular unit for 1', () => {
    assert.deepEqual(fires('rate(5 minutes)', '2026-12-04T10:00:00.000Z'), ['2026-12-04T10:05:00.000Z', '2026-12-04T10:10:00.000Z', '2026-12-04T10:15:00.000Z']);
    assert.deepEqual(fires('rate(1 hour)', '2026-12-04T10:00:30.000Z', 2), ['2026-12-04T11:00:30.000Z', '2026-12-04T12:00:30.000Z']);
    assert.deepEqual(fires('rate(2 days)', '2026-12-04T00:00:00.000Z', 1), ['2026-12-06T00:00:00.000Z']);
  });
  test('after a gap (lambkin was stopped) the next time stays on the anchor\'s grid', () => {
    const s = parseSchedule('rate(10 minutes)');
    assert.equal(iso(nextFire(s, at('2026-12-04T10:37:00Z'), at('2026-12-04T10:00:00Z'))), '2026-12-04T10:40:00.000Z');
  });
  for (const bad of ['rate(1 minutes)', 'rate(5 minute)', 'rate(0 minutes)', 'rate(5 weeks)', 'rate(five minutes)', 'rate(5  minutes)']) {
    test(`refuses ${bad}`, () => assert.throws(() => parseSchedule(bad), ScheduleError));
  }
});

describe('cron()', () => {
  const cases: [string, string, (string | undefined)[]][] = [
    ['cron(0 12 * * ? *)', '2026-12-04T10:00:00Z', ['2026-12-04T12:00:00.000Z', '2026-12-05T12:00:00.000Z', '2026-12-06T12:00:00.000Z']],
    ['cron(15 10 ? * 6L 2026-2027)', '2026-12-01T00:00:00Z', ['2026-12-25T10:15:00.000Z', '2027-01-29T10:15:00.000Z', '2027-02-26T10:15:00.000Z']],
    ['cron(0/15 * * * ? *)', '2026-12-04T10:07:00Z', ['2026-12-04T10:15:00.000Z', '2026-12-04T10:30:00.000Z', '2026-12-04T10:45:00.000Z']],
    ['cron(0 18 ? * MON-FRI *)', '2026-12-04T19:00:00Z', ['2026-12-07T18:00:00.000Z', '2026-12-08T18:00:00.000Z', '2026-12-09T18:00:00.000Z']],
    ['cron(0 8 1 * ? *)', '2026-12-04T00:00:00Z', ['2027-01-01T08:00:00.000Z', '2027-02-01T08:00:00.000Z', '2027-03-01T08:00:00.000Z']],
    ['cron(0 0 L * ? *)', '2027-01-31T00:00:00Z', ['2027-02-28T00:00:00.000Z', '2027-03-31T00:00:00.000Z', '2027-04-30T00:00:00.000Z']],
    ['cron(0 9 ? * 2#1 *)', '2026-12-04T00:00:00Z', ['2026-12-07T09:00:00.000Z', '2027-01-04T09:00:00.000Z', '2027-02-01T09:00:00.000Z']],
    // 2027-05-01 is a Saturday: its nearest weekday in May is Monday the 3rd; 2027-08-15 is a Sunday → Monday the 16th.
    ['cron(0 0 1W 5 ? 2027)', '2027-01-01T00:00:00Z', ['2027-05-03T00:00:00.000Z', undefined]],
    ['cron(0 0 15W 8 ? 2027)', '2027-01-01T00:00:00Z', ['2027-08-16T00:00:00.000Z', undefined]],
    ['cron(30 6 ? JAN,JUL SUN 2027)', '2027-01-01T00:00:00Z', ['2027-01-03T06:30:00.000Z', '2027-01-10T06:30:00.000Z', '2027-01-17T06:30:00.000Z']],
    ['cron(0 0 30 2 ? *)', '2026-12-04T00:00:00Z', [undefined]],
  ];
  for (const [expression, from, want] of cases) {
    test(`${expression} after ${from}`, () => assert.deepEqual(fires(expression, from, want.length), want));
  }
  test('the next time is strictly after the given one', () => {
    const s = parseSchedule('cron(0 12 * * ? *)');
    assert.equal(iso(nextFire(s, at('2026-12-04T12:00:00Z'), 0)), '2026-12-05T12:00:00.000Z');
  });
  for (const bad of [
    'cron(0 12 * * * *)', 'cron(0 12 ? * ? *)', 'cron(0 12 * *)', 'cron(60 12 * * ? *)', 'cron(0 24 * * ? *)', 'cron(0 12 32 * ? *)',
    'cron(0 12 ? * 8 *)', 'cron(0 12 * 13 ? *)', 'cron(0 12 * * ? 1969)', 'cron(0 12 5-1 * ? *)', 'cron(0 12 ? * 2#6 *)', 'cron(x 12 * * ? *)',
    'every day', 'cron()',
  ]) {
    test(`refuses ${bad}`, () => assert.throws(() => parseSchedule(bad), ScheduleError));
  }
});
