import type { Clock } from '../../core/clock.js';

/** Where a scaled timeline stands: at real time `realMs` it read `scaledMs`, and it runs `scale` times faster. */
interface TimelineState {
  realMs: number;
  scaledMs: number;
  scale: number;
}

const META_KEY = 'events.scheduleTimeline';

/**
 * The time schedules run on. At scale 1 (the default) it is the real UTC clock. The `scheduleTimeScale` option (a
 * local-testing aid) makes it run N times faster: `rate(1 minute)` fires every 60/N real seconds and the events'
 * `time` values are on the same fast timeline. The timeline's position is kept in the store, so after a restart it
 * goes on from where it was (adjusted for the time the server was down) instead of jumping back to real time, and
 * last-fire times stay comparable. A change of scale re-bases it at the current point; scale 1 returns to real time.
 */
export class ScheduleTimeline implements Clock {
  private constructor(private readonly state: TimelineState, private readonly real: Clock) {}

  static async open(meta: { getMeta(k: string): Promise<string | undefined>; setMeta(k: string, v: string): Promise<void> },
    scale: number, real: Clock): Promise<ScheduleTimeline> {
    const nowMs = real.now();
    if (scale === 1) {
      if (await meta.getMeta(META_KEY)) await meta.setMeta(META_KEY, '');
      return new ScheduleTimeline({ realMs: nowMs, scaledMs: nowMs, scale: 1 }, real);
    }
    const text = await meta.getMeta(META_KEY);
    let state: TimelineState = { realMs: nowMs, scaledMs: nowMs, scale };
    if (text) {
      const before = JSON.parse(text) as TimelineState;
      state = before.scale === scale ? before : { realMs: nowMs, scaledMs: at(before, nowMs), scale };
    }
    if (!text || state.realMs === nowMs) await meta.setMeta(META_KEY, JSON.stringify(state));
    return new ScheduleTimeline(state, real);
  }

  get scale(): number {
    return this.state.scale;
  }

  now(): number {
    return at(this.state, this.real.now());
  }

  /** Real milliseconds until the timeline reads `scaledMs` (0 when it already has). */
  realDelayUntil(scaledMs: number): number {
    return Math.max(0, (scaledMs - this.now()) / this.state.scale);
  }
}

function at(s: TimelineState, realMs: number): number {
  return Math.floor(s.scaledMs + (realMs - s.realMs) * s.scale);
}
