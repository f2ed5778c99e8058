// The schedule timeline (scheduleTimeScale): real time at scale 1, N× faster otherwise, continuous across a reopen
// of the same store, re-based when the scale changes; and the derived ids schedule firings carry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ScheduleTimeline } from '../../src/events/engine/timeline.js';
import { derivedId } from '../../src/events/engine/ids.js';

/** A store's meta area in memory, and a clock the test moves. */
function fixtures(startMs: number) {
  const meta = new Map<string, string>();
  const clock = { nowMs: startMs, now() { return this.nowMs; } };
  const store = { getMeta: async (k: string) => meta.get(k), setMeta: async (k: string, v: string) => void meta.set(k, v) };
  return { meta, clock, store };
}

test('scale 1 is the real clock', async () => {
  const { clock, store } = fixtures(1_000_000);
  const t = await ScheduleTimeline.open(store, 1, clock);
  assert.equal(t.now(), 1_000_000);
  clock.nowMs += 5000;
  assert.equal(t.now(), 1_005_000);
  assert.equal(t.realDelayUntil(1_065_000), 60_000);
});

test('scale N runs N times faster from the real time, and real delays shrink N times', async () => {
  const { clock, store } = fixtures(1_000_000);
  const t = await ScheduleTimeline.open(store, 60, clock);
  assert.equal(t.now(), 1_000_000);
  clock.nowMs += 1000;
  assert.equal(t.now(), 1_060_000);
  assert.equal(t.realDelayUntil(1_120_000), 1000, 'one scheduled minute is one real second');
  assert.equal(t.realDelayUntil(0), 0);
});

test('reopened with the same scale the timeline goes on from where it was; a new scale re-bases; scale 1 is real time again', async () => {
  const { clock, store } = fixtures(1_000_000);
  await ScheduleTimeline.open(store, 60, clock);
  clock.nowMs += 2000; // 2 real seconds later (the server was down for part of them)
  const again = await ScheduleTimeline.open(store, 60, clock);
  assert.equal(again.now(), 1_000_000 + 120_000);
  const faster = await ScheduleTimeline.open(store, 120, clock);
  assert.equal(faster.now(), 1_120_000, 'a new scale carries on from the current point');
  clock.nowMs += 1000;
  assert.equal(faster.now(), 1_240_000);
  const real = await ScheduleTimeline.open(store, 1, clock);
  assert.equal(real.now(), clock.nowMs);
  const scaledAgain = await ScheduleTimeline.open(store, 60, clock);
  assert.equal(scaledAgain.now(), clock.nowMs, 'after a run at scale 1, a scaled timeline starts from the real time');
});

test('derived ids are UUID-shaped, stable for the same parts and different for different parts', () => {
  const a = derivedId('fire', 'arn:aws:events:us-east-1:000000000000:rule/r', 't', 1_700_000_000_000);
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(derivedId('fire', 'arn:aws:events:us-east-1:000000000000:rule/r', 't', 1_700_000_000_000), a);
  assert.notEqual(derivedId('fire', 'arn:aws:events:us-east-1:000000000000:rule/r', 't', 1_700_000_060_000), a);
  assert.notEqual(derivedId('fire', 'arn:aws:events:us-east-1:000000000000:rule/r', 'u', 1_700_000_000_000), a);
});
