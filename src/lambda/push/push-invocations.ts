import type { Logger } from 'pino';
import { parseFunctionName } from '../../core/arn.js';
import { newRequestId } from '../../core/ids.js';
import type { AsyncInvocations } from '../async/async-invocations.js';
import type { FunctionPolicies } from '../control/function-policies.js';
import { LATEST, type FunctionRegistry } from '../control/function-registry.js';

/** A service pushing an event to a function (invocation-semantics.md §8.3). */
export interface Push {
  /** e.g. `s3.amazonaws.com`. */
  service: string;
  /** The resource that emits: a bucket, topic or rule ARN. */
  sourceArn: string;
  /** The account that owns the source (S3 bucket ARNs carry none). */
  sourceAccount: string;
  /** The function as the trigger's configuration names it (an ARN, maybe qualified). */
  functionArn: string;
}

export type PushOutcome = 'accepted' | 'denied' | 'no-function';

/**
 * Every push trigger (S3 notifications, SNS subscriptions, EventBridge rules) goes through here: the function's
 * resource-based policy must let the service in for that source, and the event then takes the durable async path,
 * so it is accepted (and safe) before the trigger acknowledges its own caller. Refusals are logged, never run.
 */
export class PushInvocations {
  constructor(
    private readonly functions: FunctionRegistry,
    private readonly policies: FunctionPolicies,
    private readonly asyncInvocations: Pick<AsyncInvocations, 'enqueue'>,
    private readonly log: Logger,
  ) {}

  /** Whether the function exists and its policy lets `push` in (configuration-time checks use this too). */
  check(push: Push): PushOutcome {
    const target = this.target(push.functionArn);
    if (!target) return 'no-function';
    const decision = this.policies.decide(target.scope, target.name, target.qualifier === LATEST ? '' : target.qualifier, {
      principal: { service: push.service },
      action: 'lambda:InvokeFunction',
      context: { 'aws:SourceArn': push.sourceArn, 'aws:SourceAccount': push.sourceAccount },
    });
    return decision === 'allow' ? 'accepted' : 'denied';
  }

  /**
   * Checks, then accepts the event durably; resolves with what happened (a refusal is logged once here). A trigger
   * that must recognise a repeated push (schedules) passes its own `requestId`; otherwise a fresh one is made.
   */
  async push(push: Push, payload: string, requestId: string = newRequestId()): Promise<PushOutcome> {
    const outcome = this.check(push);
    if (outcome !== 'accepted') {
      this.log.warn({ service: push.service, source: push.sourceArn, function: push.functionArn, outcome },
        outcome === 'denied' ? 'push refused: the function\'s resource-based policy does not allow it' : 'push dropped: no such function');
      return outcome;
    }
    const target = this.target(push.functionArn)!;
    await this.asyncInvocations.enqueue({
      ...target.scope, name: target.name, qualifier: target.qualifier, invokedArn: push.functionArn, requestId, payload,
    });
    return 'accepted';
  }

  private target(arn: string): { scope: { account: string; region: string }; name: string; qualifier: string } | undefined {
    const ref = parseFunctionName(arn);
    if (!ref || ref.account === undefined || ref.region === undefined) return undefined;
    const scope = { account: ref.account, region: ref.region };
    const qualifier = ref.qualifier ?? LATEST;
    return this.functions.get(scope, ref.name, qualifier) ? { scope, name: ref.name, qualifier } : undefined;
  }
}
