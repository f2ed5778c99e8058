import type { Logger } from 'pino';
import type { Push, PushInvocations, PushOutcome } from '../../lambda/push/push-invocations.js';
import type { EventTargetRecord } from '../../store/store.js';
import type { LiveRule } from './rules.js';
import { targetPayload } from './target-input.js';

export const EVENTS_PRINCIPAL = 'events.amazonaws.com';

/** What a delivery needs from the push gate (a narrow view, so the engine is easy to follow). */
export type PushGate = Pick<PushInvocations, 'push'>;

/**
 * Sends one event to every target of a rule through the push gate: the function's resource-based policy must let
 * `events.amazonaws.com` in for this rule's ARN, and the event then takes the durable async path. Every push is
 * started before this returns (so they share one store commit); the promise resolves once all are accepted, refused
 * or failed. `requestId` gives each target's async invocation a fixed id (schedules use it); otherwise a fresh one.
 */
export function deliver(
  gate: PushGate, log: Logger, rule: LiveRule, event: Record<string, unknown>, ingestionTimeMs: number,
  requestId?: (target: EventTargetRecord) => string,
): Promise<PushOutcome[]> {
  const ctx = { ruleArn: rule.arn, ruleName: rule.record.name, ingestionTimeMs };
  return Promise.all(rule.record.targets.map(async (target) => {
    let payload: string;
    try {
      payload = asJson(targetPayload(event, target, ctx));
    } catch (err) {
      log.warn({ rule: rule.arn, target: target.Id, reason: (err as Error).message }, 'event not delivered: the target input could not be built');
      return 'no-function' as PushOutcome;
    }
    const push: Push = { service: EVENTS_PRINCIPAL, sourceArn: rule.arn, sourceAccount: rule.record.account, functionArn: target.Arn };
    return gate.push(push, payload, requestId?.(target));
  }));
}

/**
 * A Lambda function takes JSON: a transformed input that is not JSON text (an InputTemplate such as
 * `order <id> done` without quotes) is sent as a JSON string, the text the template produced.
 */
function asJson(text: string): string {
  try {
    JSON.parse(text);
    return text;
  } catch {
    return JSON.stringify(text);
  }
}
