import type { Logger } from 'pino';
import { deliver, type PushGate } from './delivery.js';
import { scheduledEvent } from './envelope.js';
import { derivedId } from './ids.js';
import { isEnabled, type EventRules, type LiveRule } from './rules.js';
import { nextFire, parseSchedule, type Schedule } from './schedule.js';
import type { ScheduleTimeline } from './timeline.js';

export interface SchedulerDeps {
  rules: EventRules;
  gate: PushGate;
  timeline: ScheduleTimeline;
  log: Logger;
  /** Request ids of async events accepted but not yet finished (read once, at start-up, when a rule missed a time). */
  pendingRequestIds: () => Promise<ReadonlySet<string>>;
}

/** Timers longer than this are re-armed when they go off (setTimeout's limit is about 24.8 days). */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** Enough steps to find the latest missed time of any cron() schedule over a long downtime. */
const MAX_CATCH_UP_STEPS = 100_000;

/** The async request id of one target's invocation for one scheduled time of a rule. */
export const firingRequestId = (ruleArn: string, targetId: string, fireMs: number): string => derivedId('fire', ruleArn, targetId, fireMs);

/**
 * Fires every enabled schedule rule at its scheduled times (UTC, on the schedule timeline), sending AWS's
 * "Scheduled Event" to each target through the push gate. One timer per rule, armed for its next time; rule
 * changes re-arm it at once. A firing first makes every target's async invocation durable (with a request id
 * derived from rule, target and time), then records the time as the rule's last fire; a restart between the two
 * finds those invocations still pending and records the time without firing again (docs/eventbridge.md,
 * "Schedules across restarts"). Times missed while lambkin was down give at most one catch-up firing, for the
 * latest missed time.
 */
export class Scheduler {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly firing = new Set<string>();
  private readonly schedules = new Map<string, { text: string; schedule: Schedule }>();
  private readonly inFlight = new Set<Promise<void>>();
  private closed = false;
  /** Rule changes re-arm timers only once start-up recovery has run. */
  private started = false;

  constructor(private readonly deps: SchedulerDeps) {
    deps.rules.onChange((key) => this.arm(key));
  }

  /** Recognises a firing that a crash interrupted after its invocations were accepted, then arms every rule. */
  async start(): Promise<void> {
    let pending: ReadonlySet<string> | undefined;
    for (const rule of this.deps.rules.all()) {
      const due = this.nextDue(rule);
      if (due === undefined || due > this.deps.timeline.now() || rule.record.targets.length === 0) continue;
      pending ??= await this.deps.pendingRequestIds();
      if (rule.record.targets.some((t) => pending!.has(firingRequestId(rule.arn, t.Id, due)))) {
        const time = new Date(due).toISOString();
        this.deps.log.info({ rule: rule.arn, time }, 'schedule firing found accepted after a restart; not fired again');
        await this.deps.rules.noteFired(rule.key, due);
      }
    }
    this.started = true;
    for (const rule of this.deps.rules.all()) this.arm(rule.key);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    await Promise.all([...this.inFlight]);
  }

  /** (Re)arms the rule's timer for its next time; a rule that is gone, disabled or has no schedule gets none. */
  private arm(key: string): void {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
    const rule = this.deps.rules.byKey(key);
    if (!rule) this.schedules.delete(key);
    // A firing in progress re-arms when it has recorded its time.
    if (this.closed || !this.started || !rule || this.firing.has(key)) return;
    const due = this.nextDue(rule);
    if (due === undefined) return;
    const delay = this.deps.timeline.realDelayUntil(due);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      if (delay > MAX_TIMER_MS) this.arm(key);
      else this.fire(key);
    }, Math.min(delay, MAX_TIMER_MS));
    timer.unref();
    this.timers.set(key, timer);
  }

  /** The first scheduled time after the rule's anchor and last fire, or undefined if it does not fire (any more). */
  private nextDue(rule: LiveRule): number | undefined {
    const schedule = this.scheduleOf(rule);
    if (!schedule || !isEnabled(rule.record)) return undefined;
    const anchor = this.anchorOf(rule);
    // A last fire ahead of now (the timeline moved back: the time scale was turned down) must not hold the rule
    // until the timeline catches up: it counts from the anchor instead.
    const last = rule.lastFireMs !== undefined && rule.lastFireMs <= this.deps.timeline.now() ? rule.lastFireMs : -Infinity;
    return nextFire(schedule, Math.max(anchor, last), anchor);
  }

  /**
   * Where the rule's schedule counts from. An anchor set on a faster timeline (a larger time scale, since changed
   * back) can lie ahead of now: the rule is then re-anchored at now, once (as EnableRule does), rather than staying
   * silent until the timeline reaches it.
   */
  private anchorOf(rule: LiveRule): number {
    const anchor = rule.record.scheduleAnchorMs ?? rule.record.lastModifiedMs;
    const now = this.deps.timeline.now();
    if (anchor <= now) return anchor;
    rule.record = { ...rule.record, scheduleAnchorMs: now };
    return now;
  }

  private scheduleOf(rule: LiveRule): Schedule | undefined {
    const text = rule.record.scheduleExpression;
    if (text === undefined) return undefined;
    const cached = this.schedules.get(rule.key);
    if (cached?.text === text) return cached.schedule;
    const schedule = parseSchedule(text);
    this.schedules.set(rule.key, { text, schedule });
    return schedule;
  }

  /** The latest scheduled time not after now (a rule that missed several fires once, for the latest). */
  private latestDue(rule: LiveRule, due: number): number {
    const schedule = this.scheduleOf(rule)!;
    const now = this.deps.timeline.now();
    const anchor = this.anchorOf(rule);
    if (schedule.kind === 'rate') return anchor + Math.floor((now - anchor) / schedule.everyMs) * schedule.everyMs;
    let latest = due;
    for (let i = 0; i < MAX_CATCH_UP_STEPS; i++) {
      const next = nextFire(schedule, latest, anchor);
      if (next === undefined || next > now) break;
      latest = next;
    }
    return latest;
  }

  private fire(key: string): void {
    const rule = this.deps.rules.byKey(key);
    const due = rule && this.nextDue(rule);
    if (!rule || due === undefined || this.closed) return;
    if (due > this.deps.timeline.now()) return this.arm(key);
    const fireMs = this.latestDue(rule, due);
    this.firing.add(key);
    const run = this.send(rule, fireMs)
      .catch((err) => this.deps.log.error({ err, rule: rule.arn }, 'schedule firing failed'))
      .finally(() => {
        this.firing.delete(key);
        this.inFlight.delete(run);
        this.arm(key);
      });
    this.inFlight.add(run);
  }

  private async send(rule: LiveRule, fireMs: number): Promise<void> {
    const r = rule.record;
    const event = scheduledEvent(derivedId('event', rule.arn, fireMs), rule.arn, r.account, r.region, fireMs);
    try {
      await deliver(this.deps.gate, this.deps.log, rule, event as unknown as Record<string, unknown>, fireMs,
        (target) => firingRequestId(rule.arn, target.Id, fireMs));
    } catch (err) {
      // The store refused the accepts: this time is lost (logged), rather than retried in a tight loop.
      this.deps.log.error({ err, rule: rule.arn, time: new Date(fireMs).toISOString() }, 'schedule firing could not be accepted');
    }
    // No await between the accepts above and this write: it is committed before any of those events can start.
    await this.deps.rules.noteFired(rule.key, fireMs);
  }
}
