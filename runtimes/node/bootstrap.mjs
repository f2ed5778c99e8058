// lambkin Node.js runtime bootstrap: `node runtimes/node/bootstrap.mjs`.
//
// Plays the part of the AWS Node.js runtime interface client inside an execution environment:
// optional claim (lambkin's pre-started processes), init (load _HANDLER), then the invoke loop
// against the Runtime API at $AWS_LAMBDA_RUNTIME_API. Only node: built-ins are used.
import { fileURLToPath } from 'node:url';
import { installOutputAccounting, writeStderr } from './output.mjs';
import { patchConsole } from './console-patch.mjs';
import { RapidClient } from './rapid-client.mjs';
import { installAwsLambdaGlobal, loadHandler, handlerMetadata } from './handler-loader.mjs';
import { beginInit, failInit, installProcessHandlers, startInvokeLoop } from './runtime.mjs';
import { builtinRequire } from './lazy.mjs';

// Built-ins most functions (and the AWS SDK v3) pull in, plus a tiny CommonJS file to warm
// the file loader. A pre-started process loads them while it waits to be claimed, so a
// claimed cold start does not pay for them.
const PRELOAD_MODULES = [
  fileURLToPath(new URL('./warmup.cjs', import.meta.url)),
  'node:util', 'node:stream', 'node:events', 'node:buffer', 'node:url', 'node:os', 'node:path',
  'node:crypto', 'node:https', 'node:zlib', 'node:querystring', 'node:string_decoder',
  'node:child_process', 'node:fs/promises', 'node:stream/web', 'node:timers/promises',
];

function main() {
  installOutputAccounting();
  installProcessHandlers();
  let client;
  try {
    client = new RapidClient(process.env.AWS_LAMBDA_RUNTIME_API, process.env._LAMBKIN_RUNTIME_SOCKET);
  } catch (err) {
    writeStderr(`lambkin runtime: ${err.message}\n`);
    process.exit(1);
  }
  if (process.env._LAMBKIN_CLAIM === '1') {
    let claimed = false;
    client.claim((claim) => {
      claimed = true;
      init(client, claim);
    });
    preloadModules(() => claimed);
  } else {
    init(client, null);
  }
}

/**
 * Become the claimed function: its environment replaces ours wholesale (so nothing from the
 * pre-start environment leaks into user code) and its task root becomes the cwd.
 */
function applyClaim(client, claim) {
  const previousNodePath = process.env.NODE_PATH;
  for (const key of Object.keys(process.env)) delete process.env[key];
  for (const [key, value] of Object.entries(claim.env ?? {})) process.env[key] = String(value);
  client.setAddress(process.env.AWS_LAMBDA_RUNTIME_API, process.env._LAMBKIN_RUNTIME_SOCKET);
  // CommonJS computed its global search paths from NODE_PATH at startup; recompute them.
  if (process.env.NODE_PATH !== previousNodePath) builtinRequire('node:module').Module._initPaths();
  if (claim.cwd) process.chdir(claim.cwd);
}

// One module per event-loop turn, so a claim that arrives meanwhile is not held up.
function preloadModules(isClaimed, index = 0) {
  if (index >= PRELOAD_MODULES.length || isClaimed()) return;
  try {
    builtinRequire(PRELOAD_MODULES[index]);
  } catch {
    // warm-up only
  }
  setImmediate(preloadModules, isClaimed, index + 1);
}

async function init(client, claim) {
  beginInit(client);
  let handler;
  let metadata;
  try {
    if (claim !== null) applyClaim(client, claim);
    patchConsole();
    installAwsLambdaGlobal();
    const appRoot = process.env.LAMBDA_TASK_ROOT || process.cwd();
    handler = await loadHandler(appRoot, process.env._HANDLER ?? '');
    metadata = handlerMetadata(handler);
  } catch (error) {
    failInit(error);
    return;
  }
  await startInvokeLoop(handler, metadata);
}

main();
