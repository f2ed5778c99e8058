// What a SIGKILLed server leaves behind: no execution environment may outlive it, not even one whose handler is
// busy in a loop and so cannot notice that its Runtime API connection closed.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { deploy } from '../helpers/functions.js';
import { TEST_CREDENTIALS, tempDir, waitFor } from '../helpers/server.js';
import { childProcesses, isRunning, killIfRunning, spawnLambkin, type ProcInfo } from '../helpers/spawned-lambkin.js';

const dataDir = tempDir();
const strays: ProcInfo[] = [];
after(() => {
  killIfRunning(strays);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test('a busy environment dies with a SIGKILLed server', async () => {
  const server = await spawnLambkin(dataDir, ['--spare-runtimes', '0']);
  const lambda = new LambdaClient({ endpoint: server.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
  try {
    const mark = `${dataDir}/in-handler`;
    const code = "exports.handler = async () => { require('node:fs').writeFileSync(process.env.MARK, 'x'); for (;;) {} };";
    const name = await deploy(lambda, { 'index.js': code }, { timeout: 60, environment: { MARK: mark } });
    const call = lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{}') })).catch((e: Error) => e);
    await waitFor('the handler to be running', () => fs.existsSync(mark));
    const busy = childProcesses(server.pid);
    assert.ok(busy.length > 0);
    strays.push(...busy);
    server.proc.kill('SIGKILL');
    assert.equal((await server.exited).signal, 'SIGKILL');
    await waitFor('the busy environment to exit', () => busy.every((p) => !isRunning(p)), 5000);
    assert.ok((await call) instanceof Error, 'the caller loses its connection');
  } finally {
    lambda.destroy();
  }
});

test('a second lambkin on the same data dir refuses to start and touches nothing; after a SIGKILL the lock is taken over', async () => {
  const shared = tempDir();
  try {
    const first = await spawnLambkin(shared, ['--spare-runtimes', '0']);
    const lambda = new LambdaClient({ endpoint: first.url, region: 'us-east-1', credentials: TEST_CREDENTIALS, maxAttempts: 1 });
    try {
      const name = await deploy(lambda, { 'index.js': 'exports.handler = async () => 42;' });
      await assert.rejects(spawnLambkin(shared, ['--spare-runtimes', '0'], 10_000), /in use by another lambkin \(pid \d+\)/);
      const out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{}') }));
      assert.equal(Buffer.from(out.Payload!).toString(), '42', 'the first server still serves');
    } finally {
      lambda.destroy();
    }
    first.proc.kill('SIGKILL');
    await first.exited;
    const again = await spawnLambkin(shared, ['--spare-runtimes', '0']);
    again.proc.kill('SIGTERM');
    await again.exited;
    assert.equal(fs.existsSync(`${shared}/lambkin.lock`), false, 'a clean stop releases the lock');
  } finally {
    fs.rmSync(shared, { recursive: true, force: true });
  }
});
