/** How an async event ended (invocation-semantics.md §3.1). */
export type Condition = 'Success' | 'RetriesExhausted' | 'EventAgeExceeded' | 'ZeroReservedConcurrency';

/** The last run of the function, when there was one. */
export interface LastRun {
  executedVersion: string;
  functionError: boolean;
  payload: Buffer;
}

export interface RecordInput {
  requestId: string;
  /** Qualified ARN of what was invoked (`:$LATEST` when no qualifier was given). */
  functionArn: string;
  condition: Condition;
  attempts: number;
  payload: string;
  lastRun?: LastRun;
  nowMs: number;
}

/** JSON text as the function sent or received it, embedded as JSON when it parses, else as a string. */
function embedded(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * The invocation record sent to a destination (Lambda DG "Asynchronous invocation", destinations). The response
 * members are there only when the function ran.
 */
export function invocationRecord(r: RecordInput): string {
  const record: Record<string, unknown> = {
    version: '1.0',
    timestamp: new Date(r.nowMs).toISOString(),
    requestContext: { requestId: r.requestId, functionArn: r.functionArn, condition: r.condition, approximateInvokeCount: r.attempts },
    requestPayload: embedded(r.payload),
  };
  if (r.lastRun) {
    record.responseContext = {
      statusCode: 200,
      executedVersion: r.lastRun.executedVersion,
      ...(r.lastRun.functionError ? { functionError: 'Unhandled' } : {}),
    };
    record.responsePayload = embedded(r.lastRun.payload.toString('utf8'));
  }
  return JSON.stringify(record);
}

/** `errorMessage` of a function's error answer, or the answer itself (for the DLQ's ErrorMessage attribute). */
export function errorMessageOf(payload: Buffer): string {
  const text = payload.toString('utf8');
  try {
    const parsed = JSON.parse(text) as { errorMessage?: unknown };
    if (typeof parsed?.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // not JSON: the text itself
  }
  return text;
}
