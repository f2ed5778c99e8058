/** The platform's own log lines (runtime-api.md §7). */

export const startLine = (requestId: string, version: string) => `START RequestId: ${requestId} Version: ${version}`;

export const endLine = (requestId: string) => `END RequestId: ${requestId}`;

export interface ReportFacts {
  requestId: string;
  durationMs: number;
  memoryMb: number;
  maxMemoryUsedMb: number;
  initDurationMs?: number;
  status?: 'timeout' | 'error';
  errorType?: string;
}

export function reportLine(f: ReportFacts): string {
  let line =
    `REPORT RequestId: ${f.requestId}\tDuration: ${f.durationMs.toFixed(2)} ms\tBilled Duration: ${Math.ceil(f.durationMs)} ms\t` +
    `Memory Size: ${f.memoryMb} MB\tMax Memory Used: ${f.maxMemoryUsedMb} MB\t`;
  if (f.initDurationMs !== undefined) line += `Init Duration: ${f.initDurationMs.toFixed(2)} ms\t`;
  if (f.status) line += `Status: ${f.status}\t`;
  if (f.errorType) line += `Error Type: ${f.errorType}\t`;
  return line;
}

const TAIL_BYTES = 4096;

/** `X-Amz-Log-Result`: base64 of the last 4 KB of the invocation's log. */
export function logTail(lines: readonly string[]): string {
  const all = Buffer.from(lines.join('\n') + '\n');
  return (all.length > TAIL_BYTES ? all.subarray(all.length - TAIL_BYTES) : all).toString('base64');
}
