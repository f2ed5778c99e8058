import assert from 'node:assert/strict';

export interface ExpectedAwsError {
  /** The error code (SDK v3 `err.name`), e.g. `ResourceNotFoundException`. */
  name: string;
  status: number;
  /** Exact text, or a pattern the message must match. */
  message?: string | RegExp;
}

export interface SdkError extends Error {
  $metadata?: { httpStatusCode?: number; requestId?: string };
  $response?: { headers?: Record<string, string> };
}

/** Awaits `promise`, asserts it rejects with an AWS error of this code, HTTP status and message; returns the error. */
export async function expectAwsError(promise: Promise<unknown>, want: ExpectedAwsError): Promise<SdkError> {
  let err: SdkError | undefined;
  try {
    const out = await promise;
    assert.fail(`expected ${want.name} (${want.status}) but the call succeeded: ${JSON.stringify(out, (_k, v) => (v instanceof Uint8Array ? `<${v.length} bytes>` : v)).slice(0, 500)}`);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    err = e as SdkError;
  }
  assert.equal(err.name, want.name, `error code (message: ${err.message})`);
  assert.equal(err.$metadata?.httpStatusCode, want.status, `HTTP status of ${want.name} (message: ${err.message})`);
  if (typeof want.message === 'string') assert.equal(err.message, want.message);
  else if (want.message) assert.match(err.message, want.message);
  return err;
}
