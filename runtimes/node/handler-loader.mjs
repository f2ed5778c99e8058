// Resolves `_HANDLER` (e.g. "index.handler", "src/app.handler", "index.a.b") relative to
// LAMBDA_TASK_ROOT the way the AWS Node.js runtime does (spec §6.1).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import {
  HandlerNotFound,
  ImportModuleError,
  MalformedHandlerName,
  MalformedStreamingHandler,
  UserCodeSyntaxError,
} from './errors.mjs';
import { HttpResponseStream } from './http-response-stream.mjs';

// Shared with user code through Symbol.for, exactly like the AWS runtime, so handlers marked
// by a bundled/polyfilled awslambda.streamifyResponse are recognised too.
const HANDLER_STREAMING = Symbol.for('aws.lambda.runtime.handler.streaming');
const HANDLER_HIGHWATERMARK = Symbol.for('aws.lambda.runtime.handler.streaming.highWaterMark');
export const STREAM_RESPONSE = 'response';

// CommonJS loader for user code (absolute paths only; bare names go through resolve()).
const userRequire = createRequire(import.meta.url);

/** Install globalThis.awslambda (unless AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA is 1/true). */
export function installAwsLambdaGlobal() {
  const optOut = process.env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA;
  if (optOut === '1' || optOut === 'true') return;
  globalThis.awslambda = {
    streamifyResponse(handler, options) {
      handler[HANDLER_STREAMING] = STREAM_RESPONSE;
      if (typeof options?.highWaterMark === 'number') {
        handler[HANDLER_HIGHWATERMARK] = parseInt(options.highWaterMark);
      }
      return handler;
    },
    HttpResponseStream,
  };
}

/**
 * Load the handler function. Throws Runtime.* errors (MalformedHandlerName, ImportModuleError,
 * UserCodeSyntaxError, HandlerNotFound) or whatever the user's module threw while loading.
 */
export async function loadHandler(appRoot, fullHandler) {
  if (fullHandler.includes('..')) {
    throw new MalformedHandlerName(
      `'${fullHandler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  // "src/app.handler" -> moduleRoot "src/", "app.handler"
  const handlerString = path.basename(fullHandler);
  const moduleRoot = fullHandler.substring(0, fullHandler.indexOf(handlerString));
  const match = /^([^.]*)\.(.*)$/.exec(handlerString);
  if (match === null) throw new MalformedHandlerName('Bad handler');
  const [, moduleName, propertyPath] = match;

  const userModule = await loadUserModule(appRoot, moduleRoot, moduleName);
  const handler = propertyPath.split('.').reduce((value, key) => value && value[key], userModule);
  if (!handler) throw new HandlerNotFound(`${fullHandler} is undefined or not exported`);
  if (typeof handler !== 'function') throw new HandlerNotFound(`${fullHandler} is not a function`);
  return handler;
}

/** What the invoke loop needs to know about the handler. */
export function handlerMetadata(handler) {
  const marker = handler[HANDLER_STREAMING];
  if (marker != null && marker !== false && marker !== STREAM_RESPONSE) {
    throw new MalformedStreamingHandler('Only response streaming is supported.');
  }
  const highWaterMark = parseInt(handler[HANDLER_HIGHWATERMARK]);
  return {
    streaming: marker === STREAM_RESPONSE,
    highWaterMark: Number.isNaN(highWaterMark) ? undefined : highWaterMark,
    // AWS reports a never-settling `async` handler as Runtime.NodeJsExit but answers null
    // for a plain function that simply never called back.
    isAsync: handler.constructor?.name === 'AsyncFunction',
  };
}

async function loadUserModule(appRoot, moduleRoot, moduleName) {
  try {
    return await tryLoad(appRoot, moduleRoot, moduleName);
  } catch (err) {
    if (err instanceof SyntaxError) throw new UserCodeSyntaxError(err);
    // MODULE_NOT_FOUND from require(), ERR_MODULE_NOT_FOUND from import() (the AWS
    // runtime reports "Cannot find package 'x' imported from ..." as ImportModuleError too).
    const code = err?.code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') throw new ImportModuleError(err);
    throw err;
  }
}

// Candidate order (spec §6.1 step 3). A falsy module.exports counts as "not loaded", as on AWS.
async function tryLoad(appRoot, moduleRoot, moduleName) {
  const base = path.resolve(appRoot, moduleRoot, moduleName);

  const extensionless = requireIfExists(base);
  if (extensionless) return extensionless;

  const typeModule = nearestPackageIsTypeModule(path.dirname(base));
  if (!typeModule) {
    const js = requireIfExists(base + '.js');
    if (js) return js;
  }

  const loaded =
    (typeModule && (await importIfExists(base + '.js'))) ||
    (await importIfExists(base + '.mjs')) ||
    requireIfExists(base + '.cjs');
  if (loaded) return loaded;

  // Lets a package in node_modules be the handler module. Resolved with explicit paths
  // because a bare require() would resolve relative to this runtime, not the task root.
  return userRequire(userRequire.resolve(moduleName, { paths: [appRoot, moduleRoot] }));
}

function requireIfExists(file) {
  return existsSync(file) ? userRequire(file) : undefined;
}

async function importIfExists(file) {
  return existsSync(file) ? await import(pathToFileURL(file).href) : undefined;
}

// Walk up from `folder` to the nearest package.json; stop (false) at a node_modules folder or
// the filesystem root. An unreadable package.json is ignored with a warning, as AWS does.
function nearestPackageIsTypeModule(folder) {
  for (;;) {
    if (folder.endsWith('/node_modules')) return false;
    const packageJson = path.join(folder, 'package.json');
    if (existsSync(packageJson)) {
      try {
        const pkg = JSON.parse(readFileSync(packageJson, 'utf8'));
        if (pkg) return pkg.type === 'module';
      } catch (err) {
        console.warn(`${packageJson} cannot be read, it will be ignored for ES module detection purposes.`, err);
        return false;
      }
    }
    if (folder === '/') return false;
    folder = path.resolve(folder, '..');
  }
}
