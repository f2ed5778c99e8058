import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { matchesPattern, parseEventJson } from '../../core/event-pattern.js';
import type { PushOutcome } from '../../lambda/push/push-invocations.js';
import { deliver, type PushGate } from './delivery.js';
import { envelope } from './envelope.js';
import type { EventRules } from './rules.js';

/** One event put on a bus (PutEvents entry, or Lambda's record for an EventBridge destination). */
export interface BusEvent {
  source: string;
  detailType: string;
  /** The detail as JSON text (an object). */
  detail: string;
  resources: string[];
  timeMs: number;
}

/**
 * Puts an event on a bus: wraps it in the envelope, matches it against every enabled pattern rule of the bus with
 * the shared matcher and pushes it to each matching rule's targets. Every push is started before this returns; the
 * promise resolves once all are accepted (durable), refused or failed.
 */
export async function putOnBus(
  deps: { rules: EventRules; gate: PushGate; log: Logger }, scope: { account: string; region: string }, bus: string, e: BusEvent, nowMs: number,
): Promise<{ id: string; delivered: Promise<PushOutcome[][]> }> {
  const id = randomUUID();
  const event = envelope({
    id, 'detail-type': e.detailType, source: e.source, account: scope.account, region: scope.region, resources: e.resources,
    detail: JSON.parse(e.detail), timeMs: e.timeMs,
  });
  // Matching reads the detail with number source texts kept, so exact number rules compare as AWS does.
  const view = { ...event, detail: parseEventJson(e.detail) };
  const pushes: Promise<PushOutcome[]>[] = [];
  for (const rule of deps.rules.patternRules(scope.account, scope.region, bus)) {
    if (matchesPattern(rule.pattern!, view)) pushes.push(deliver(deps.gate, deps.log, rule, event as unknown as Record<string, unknown>, nowMs));
  }
  return { id, delivered: Promise.all(pushes) };
}
