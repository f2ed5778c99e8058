/** Time is injected so that long AWS delays can be shortened in tests. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** `YYYY-MM-DDThh:mm:ss.sss+0000`, the string form Lambda uses for FunctionConfiguration.LastModified. */
export function lambdaTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}
