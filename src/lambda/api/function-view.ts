import { functionArn } from '../../core/arn.js';
import { lambdaTimestamp } from '../../core/clock.js';
import type { FunctionRecord } from '../../store/store.js';

/** FunctionConfiguration as the Lambda API returns it (lambda-api.md §3); unset members are omitted. */
export function functionConfiguration(r: FunctionRecord): Record<string, unknown> {
  const qualifier = r.version === '$LATEST' ? undefined : r.version;
  const out: Record<string, unknown> = {
    FunctionName: r.name,
    FunctionArn: functionArn(r.region, r.account, r.name, qualifier),
    Runtime: r.runtime,
    Role: r.role,
    Handler: r.handler,
    CodeSize: r.codeSize,
    Description: r.description,
    Timeout: r.timeoutS,
    MemorySize: r.memoryMb,
    LastModified: lambdaTimestamp(r.lastModifiedMs),
    CodeSha256: Buffer.from(r.codeSha256Hex, 'hex').toString('base64'),
    Version: r.version,
    TracingConfig: { Mode: r.tracingMode },
    RevisionId: r.revisionId,
    State: r.state,
    LastUpdateStatus: r.lastUpdateStatus,
    PackageType: 'Zip',
    Architectures: r.architectures,
    EphemeralStorage: { Size: r.ephemeralStorageMb },
    SnapStart: { ApplyOn: 'None', OptimizationStatus: 'Off' },
    LoggingConfig: loggingConfig(r),
  };
  if (Object.keys(r.environment).length) out.Environment = { Variables: r.environment };
  if (r.deadLetterTargetArn) out.DeadLetterConfig = { TargetArn: r.deadLetterTargetArn };
  for (const [key, value] of [
    ['StateReason', r.stateReason], ['StateReasonCode', r.stateReasonCode],
    ['LastUpdateStatusReason', r.lastUpdateStatusReason], ['LastUpdateStatusReasonCode', r.lastUpdateStatusReasonCode],
  ] as const) {
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function loggingConfig(r: FunctionRecord): Record<string, string> {
  const lc: Record<string, string> = { LogFormat: r.logFormat, LogGroup: r.logGroup };
  if (r.applicationLogLevel) lc.ApplicationLogLevel = r.applicationLogLevel;
  if (r.systemLogLevel) lc.SystemLogLevel = r.systemLogLevel;
  return lc;
}
