import { randomBytes } from 'node:crypto';
import type { FunctionRecord } from '../../store/store.js';
import { errorBody, InitFailure, type Environment, type RunOutcome } from './environment.js';
import { throttled, type ConcurrencyControl } from './concurrency.js';
import type { EnvironmentPool } from './environment-pool.js';
import { endLine, logTail, reportLine, startLine } from './platform-lines.js';

export interface InvokeRequest {
  fn: FunctionRecord;
  /** The ARN as the caller named it (unqualified, `:$LATEST`, `:<version>`, `:<alias>`). */
  invokedArn: string;
  requestId: string;
  payload: Buffer;
  /** Decoded `X-Amz-Client-Context` JSON text (sync invokes only). */
  clientContext?: string;
  /** Collect the log tail for `X-Amz-Log-Result`. */
  tail: boolean;
}

export interface InvokeResult {
  payload: Buffer;
  contentType: string;
  functionError: boolean;
  executedVersion: string;
  /** base64 of the last 4 KB of the invocation's log, when asked for. */
  logResult?: string;
  /** For REPORT / async retries: `Unhandled` error type as the runtime reported it. */
  errorType?: string;
}

/** Retries for an invocation whose environment vanished before taking the event (never run, so safe to repeat). */
const MAX_REDELIVERIES = 3;
const EMPTY_EVENT = Buffer.from('{}');

/**
 * An X-Ray trace header. The 96-bit id is a random per-process prefix plus a counter: unique like AWS's random ids,
 * without drawing random bytes on every invoke.
 */
const TRACE_PREFIX = randomBytes(8).toString('hex');
let traceCounter = 0;

function traceId(): string {
  const n = (traceCounter = (traceCounter + 1) >>> 0).toString(16).padStart(8, '0');
  return `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${TRACE_PREFIX}${n};Parent=${TRACE_PREFIX};Sampled=0`;
}

/**
 * Runs one invocation of a resolved function version in an execution environment and shapes the result. Every
 * caller (the Invoke API now, async workers, pollers and triggers later) comes through here.
 */
export class Invoker {
  constructor(private readonly pool: EnvironmentPool, private readonly concurrency: ConcurrencyControl) {}

  /** Throws TooManyRequestsException (429, with the Reason) when the function has no concurrency left. */
  async invoke(req: InvokeRequest): Promise<InvokeResult> {
    const lease = this.concurrency.tryAcquire(req.fn.account, req.fn.region, req.fn.name);
    if (typeof lease === 'string') throw throttled(lease);
    try {
      return await this.run(req);
    } finally {
      lease.release();
    }
  }

  private async run(req: InvokeRequest): Promise<InvokeResult> {
    const input = {
      requestId: req.requestId,
      invokedArn: req.invokedArn,
      payload: req.payload.length === 0 ? EMPTY_EVENT : req.payload,
      traceId: traceId(),
      ...(req.clientContext ? { clientContext: req.clientContext } : {}),
    };
    for (let attempt = 0; ; attempt++) {
      let env: Environment;
      try {
        env = await this.pool.acquire(req.fn);
      } catch (err) {
        if (err instanceof InitFailure) return this.initFailed(req, err);
        throw err;
      }
      const startedAt = performance.now();
      env.assignment!.logFile.append(startLine(req.requestId, req.fn.version) + '\n');
      const outcome = await env.run(input);
      if (outcome.notDelivered && attempt < MAX_REDELIVERIES) continue;
      const result = this.finish(req, env, outcome, performance.now() - startedAt);
      this.pool.release(env);
      return result;
    }
  }

  private finish(req: InvokeRequest, env: Environment, outcome: RunOutcome, elapsedMs: number): InvokeResult {
    const fn = req.fn;
    const durationMs = Math.min(elapsedMs, fn.timeoutS * 1000);
    const report = reportLine({
      requestId: req.requestId, durationMs, memoryMb: fn.memoryMb, maxMemoryUsedMb: env.maxMemoryUsedMb(),
      ...(outcome.initDurationMs !== undefined ? { initDurationMs: outcome.initDurationMs } : {}),
      ...(outcome.status ? { status: outcome.status } : {}),
      ...(outcome.errorType && outcome.status === 'error' ? { errorType: outcome.errorType } : {}),
    });
    const end = endLine(req.requestId);
    env.assignment!.logFile.append(`${end}\n${report}\n`);
    const result: InvokeResult = {
      payload: outcome.payload, contentType: outcome.contentType, functionError: outcome.functionError, executedVersion: fn.version,
    };
    if (outcome.errorType) result.errorType = outcome.errorType;
    if (req.tail) {
      result.logResult = logTail([...outcome.preLines, startLine(req.requestId, fn.version), ...outcome.lines, end, report]);
    }
    return result;
  }

  /** The environment never got ready: the invocation fails with the init error, as on AWS. */
  private initFailed(req: InvokeRequest, failure: InitFailure): InvokeResult {
    const payload = failure.payload ?? errorBody(failure.errorType, `RequestId: ${req.requestId} Error: ${failure.message}`);
    const result: InvokeResult = {
      payload, contentType: 'application/json', functionError: true, executedVersion: req.fn.version, errorType: failure.errorType,
    };
    if (req.tail) {
      const report = reportLine({
        requestId: req.requestId, durationMs: 0, memoryMb: req.fn.memoryMb, maxMemoryUsedMb: 0, status: 'error', errorType: failure.errorType,
      });
      result.logResult = logTail([...failure.lines, startLine(req.requestId, req.fn.version), endLine(req.requestId), report]);
    }
    return result;
  }
}
