import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { createLambkin, type Lambkin } from '../../src/app.js';
import type { LambkinConfig } from '../../src/config/config.js';

export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export function tempDir(prefix = 'lambkin-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A real lambkin on port 0 with a fresh data dir; `close()` stops it and removes the dir. */
export async function startServer(overrides: Partial<LambkinConfig> = {}): Promise<Lambkin & { dataDir: string; lambda: LambdaClient }> {
  const dataDir = overrides.dataDir ?? tempDir();
  const app = await createLambkin({ port: 0, dataDir, logLevel: 'warn', spareRuntimes: 1, ...overrides });
  const lambda = lambdaClient(app.url);
  return {
    ...app,
    dataDir,
    lambda,
    close: async () => {
      lambda.destroy();
      await app.close();
      if (!overrides.dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function lambdaClient(endpoint: string): LambdaClient {
  return new LambdaClient({ endpoint, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
}

let counter = 0;
/** A resource name unique within this test run. */
export function uniqueName(prefix = 'fn'): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${(counter++).toString(36)}`;
}

/** Polls `check` until it returns a truthy value or `timeoutMs` passes (then throws with `what`). */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 10_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
