import type { Logger } from 'pino';
import { parseFunctionName } from '../../core/arn.js';
import { LATEST, type FunctionRegistry } from '../../lambda/control/function-registry.js';
import type { InvokeResult, Invoker } from '../../lambda/invoke/invoker.js';
import type { PushInvocations } from '../../lambda/push/push-invocations.js';

export const APIGATEWAY_PRINCIPAL = 'apigateway.amazonaws.com';

export interface IntegrationCall {
  functionArn: string;
  /** `arn:aws:execute-api:<region>:<account>:<api-id>/<stage>/<METHOD>/<resource path>` */
  sourceArn: string;
  sourceAccount: string;
  payload: Buffer;
  requestId: string;
  timeoutMs: number;
}

export type CallOutcome =
  | { kind: 'result'; result: InvokeResult }
  | { kind: 'accepted' }
  /** The invoke itself was refused (no permission, no function, throttled): API Gateway answers 500. */
  | { kind: 'failed'; reason: string }
  | { kind: 'timeout' };

/**
 * How API Gateway calls Lambda (invocation-semantics.md §6.1): as the `apigateway.amazonaws.com` principal with the
 * route's SourceArn, synchronously (the caller waits, up to the integration timeout) or asynchronously (durably
 * accepted, then answered at once).
 */
export class LambdaIntegration {
  constructor(
    private readonly functions: FunctionRegistry,
    private readonly push: PushInvocations,
    private readonly invoker: Invoker,
    private readonly log: Logger,
    /** Lambda's Invoke payload limits (6 MB synchronous, 256 KB asynchronous by default). */
    private readonly limits: { sync: number; async: number },
  ) {}

  /** `DryRun` checks the permission and runs nothing (Lambda's 204), as the Invoke API does. */
  async call(c: IntegrationCall, type: 'RequestResponse' | 'Event' | 'DryRun'): Promise<CallOutcome> {
    const push = { service: APIGATEWAY_PRINCIPAL, sourceArn: c.sourceArn, sourceAccount: c.sourceAccount, functionArn: c.functionArn };
    const max = type === 'Event' ? this.limits.async : this.limits.sync;
    if (c.payload.length > max) {
      this.log.warn({ function: c.functionArn, bytes: c.payload.length, max }, 'API request failed: the event is over Lambda\'s payload limit (RequestTooLargeException)');
      return { kind: 'failed', reason: 'RequestTooLargeException' };
    }
    if (type === 'Event') {
      const outcome = await this.push.push(push, c.payload.length === 0 ? '{}' : c.payload.toString('utf8'));
      return outcome === 'accepted' ? { kind: 'accepted' } : { kind: 'failed', reason: outcome };
    }
    const outcome = this.push.check(push);
    if (outcome === 'accepted' && type === 'DryRun') return { kind: 'accepted' };
    if (outcome !== 'accepted') {
      this.log.warn({ function: c.functionArn, source: c.sourceArn, outcome }, outcome === 'denied'
        ? 'API request refused: the function\'s resource-based policy does not allow apigateway.amazonaws.com for this source'
        : 'API request failed: the integration\'s function does not exist');
      return { kind: 'failed', reason: outcome };
    }
    const ref = parseFunctionName(c.functionArn)!;
    const fn = this.functions.get({ account: ref.account!, region: ref.region! }, ref.name, ref.qualifier ?? LATEST)!;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<CallOutcome>((resolve) => {
      timer = setTimeout(() => resolve({ kind: 'timeout' }), c.timeoutMs);
    });
    const run = this.invoker.invoke({ fn, invokedArn: c.functionArn, requestId: c.requestId, payload: c.payload, tail: false })
      .then((result): CallOutcome => ({ kind: 'result', result }))
      .catch((err: Error): CallOutcome => {
        this.log.warn({ function: c.functionArn, error: err.name, reason: err.message }, 'API request failed: the invoke was refused');
        return { kind: 'failed', reason: err.name };
      });
    try {
      return await Promise.race([run, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
