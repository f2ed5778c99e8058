import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import type { PushGate } from '../engine/delivery.js';
import type { EventRules } from '../engine/rules.js';
import type { ScheduleTimeline } from '../engine/timeline.js';

/** What the EventBridge operations work with. */
export interface EventsDeps {
  rules: EventRules;
  gate: PushGate;
  clock: Clock;
  /** The time schedules run on (rule anchors are set on it). */
  timeline: ScheduleTimeline;
  log: Logger;
}

/** One request: the caller's account and region scope every rule. */
export interface EventsContext extends EventsDeps {
  account: string;
  region: string;
}
