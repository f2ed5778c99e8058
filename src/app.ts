import fs from 'node:fs';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino, type Logger } from 'pino';
import { functionCredentials, loadAccounts } from './config/accounts.js';
import { isLoopback, loadConfig, type LambkinConfig } from './config/config.js';
import { accountsByKey } from './gateway/auth.js';
import { createDataDir, lockDataDir } from './config/data-dir.js';
import { acceptsApiGateway, apiGatewayService } from './apigw/api/service.js';
import { ApiDocuments } from './apigw/engine/api-documents.js';
import type { HttpApi } from './apigw/engine/http-api.js';
import { LambdaIntegration } from './apigw/engine/lambda-integration.js';
import type { RestApi } from './apigw/engine/rest-api.js';
import { executeApiFront } from './apigw/front/execute-api.js';
import { TemplateRunner } from './apigw/engine/template-runner.js';
import { systemClock } from './core/clock.js';
import { sendRestJsonError } from './gateway/protocols/rest-json.js';
import { createGateway } from './gateway/server.js';
import { lambdaService, LAMBDA_PATH } from './lambda/api/service.js';
import { CodeStore } from './lambda/control/code-store.js';
import { CodeUrls } from './lambda/control/code-urls.js';
import { FunctionRegistry } from './lambda/control/function-registry.js';
import { EnvironmentPool } from './lambda/invoke/environment-pool.js';
import { Invoker } from './lambda/invoke/invoker.js';
import { FunctionLogs } from './lambda/invoke/log-files.js';
import { provideRuntimeModules } from './lambda/invoke/runtime-modules.js';
import { SparePool } from './lambda/invoke/spare-pool.js';
import { createSocketDir } from './lambda/runtime-api/socket-dir.js';
import { AsyncInvocations } from './lambda/async/async-invocations.js';
import { EventInvokeConfigs } from './lambda/control/event-invoke-configs.js';
import { EventSourceMappings } from './lambda/control/event-source-mappings.js';
import { FunctionPolicies } from './lambda/control/function-policies.js';
import { FunctionUrls } from './lambda/control/function-urls.js';
import { UrlFront } from './lambda/urls/url-front.js';
import { ConcurrencyControl } from './lambda/invoke/concurrency.js';
import { PollerManager } from './lambda/pollers/poller-manager.js';
import { PushInvocations } from './lambda/push/push-invocations.js';
import { acceptsEvents, eventsService, sendEventsError } from './events/api/service.js';
import { putOnBus } from './events/engine/bus.js';
import { DEFAULT_BUS, EventRules } from './events/engine/rules.js';
import { Scheduler } from './events/engine/scheduler.js';
import { ScheduleTimeline } from './events/engine/timeline.js';
import { virtualHostBucket } from './s3/api/addressing.js';
import { acceptsS3, s3Service, sendS3Error } from './s3/api/service.js';
import { S3Engine } from './s3/engine/s3-engine.js';
import { acceptsSqs, sendSqsError, sqsService } from './sqs/api/service.js';
import { QueueEngine } from './sqs/engine/queue-engine.js';
import { acceptsSns, sendSnsError, snsService } from './sns/api/service.js';
import { SnsEngine } from './sns/engine/sns-engine.js';
import { openSqliteStore } from './store/sqlite/sqlite-store.js';

export interface Lambkin {
  /** `http://host:port` that clients use as their endpoint. */
  url: string;
  port: number;
  config: Readonly<LambkinConfig>;
  close(): Promise<void>;
}

const VERSION = '0.1.0';

/** Credentials given to functions for their SDK calls back into lambkin. */
const FUNCTION_CREDENTIALS = { accessKeyId: 'lambkin', secretAccessKey: 'lambkin' };

function listen(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
  });
}

function sendInternalJson(res: ServerResponse, value: unknown): void {
  const body = JSON.stringify(value);
  res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function clientHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** Composition root: config → store → control plane → data plane → gateway. Used by the CLI and by tests. */
export async function createLambkin(overrides: Partial<LambkinConfig> = {}, log?: Logger): Promise<Lambkin> {
  const config = loadConfig(overrides);
  const fileAccounts = config.authMode === 'strict' ? loadAccounts(config.accountsFile!) : undefined;
  const functionKeys = fileAccounts && functionCredentials(fileAccounts);
  const accounts = fileAccounts && [...fileAccounts, ...functionKeys!];
  const logger = log ?? pino({ level: config.logLevel }, pino.destination(2));
  createDataDir(config.dataDir);
  const lock = lockDataDir(config.dataDir);
  const store = openSqliteStore(config.dataDir, config.sqliteSynchronous);
  const code = new CodeStore(config.dataDir);
  provideRuntimeModules(code.runtimeRoot);
  const functions = new FunctionRegistry(store, code, systemClock);
  await functions.load();
  const codeUrls = await CodeUrls.open(store, config.codeUrlTtlMs, systemClock);

  let url = '';
  const socketDir = createSocketDir();
  const envOptions = { maxResponseBytes: config.maxResponseBytes, initTimeoutMs: config.initTimeoutMs, socketDir };
  const spares = config.spareRuntimes > 0
    ? new SparePool(config.spareRuntimes, envOptions, { PATH: process.env.PATH ?? '/usr/bin:/bin' }, code.runtimeRoot, logger)
    : undefined;
  const pool = new EnvironmentPool(
    {
      environment: envOptions, idleEnvironmentMs: config.idleEnvironmentMs, scaleUpDelayMs: config.scaleUpDelayMs,
      endpointUrl: () => url, ...FUNCTION_CREDENTIALS,
      ...(functionKeys && { credentialsFor: (account: string) => functionKeys.find((k) => k.accountId === account) }),
    },
    code, new FunctionLogs(config.dataDir), spares, logger,
  );
  functions.onChange((record) => pool.retire(record));
  const concurrency = new ConcurrencyControl(store, config);
  await concurrency.load();
  const eventInvokeConfigs = new EventInvokeConfigs(store);
  await eventInvokeConfigs.load();
  const policies = new FunctionPolicies(store);
  await policies.load();
  const functionUrls = new FunctionUrls(store);
  await functionUrls.load();
  const invoker = new Invoker(pool, concurrency);
  const queues = await QueueEngine.open(store, systemClock, logger);
  let sns: SnsEngine | undefined;
  let eventRules: EventRules | undefined;
  let push: PushInvocations | undefined;
  const asyncInvocations = await AsyncInvocations.open({
    store, clock: systemClock, log: logger, functions, invoker, concurrency, configs: eventInvokeConfigs, queues,
    environments: (account, region, name) => pool.environmentCount(account, region, name),
    // The SNS engine needs the push gate, which needs these async invocations: topics are bound late.
    topics: (arn, message, attributes) => {
      if (!sns) return Promise.reject(new Error('SNS is not running yet'));
      return sns.publishFromLambda(arn, message, attributes, url);
    },
    buses: async (arn, event) => {
      const m = /^arn:aws[\w-]*:events:([\w-]+):(\d{12}):event-bus\/(.+)$/.exec(arn);
      if (!m || m[3] !== DEFAULT_BUS) throw new Error(`Event bus ${arn} does not exist.`);
      if (!eventRules) throw new Error('EventBridge is not running yet');
      const now = systemClock.now();
      const put = await putOnBus({ rules: eventRules, gate: push!, log: logger }, { region: m[1]!, account: m[2]! }, DEFAULT_BUS, { ...event, timeMs: now }, now);
      await put.delivered;
    },
    options: { retryDelayMs: config.asyncRetryDelayMs, maxInFlight: config.asyncMaxInFlight },
  });
  push = new PushInvocations(functions, policies, asyncInvocations, logger);
  const eventSourceMappings = new EventSourceMappings(store, systemClock, logger);
  const pollers = new PollerManager({
    source: queues, functions, invoker, concurrency, log: logger,
    noteResult: (uuid, result) => eventSourceMappings.noteResult(uuid, result),
  });
  functions.onChange((record, change) => {
    if (change === 'deleted') asyncInvocations.discardFunction(record, record.name);
  });
  sns = await SnsEngine.open({ store, clock: systemClock, log: logger, push, queues });
  eventRules = await EventRules.open(store.events);
  const scheduleTimeline = await ScheduleTimeline.open(store, config.scheduleTimeScale, systemClock);
  const scheduler = new Scheduler({
    rules: eventRules, gate: push, timeline: scheduleTimeline, log: logger,
    pendingRequestIds: async () => new Set((await store.asyncEvents.all()).map((e) => e.requestId)),
  });
  const templates = new TemplateRunner();
  const restApis = new ApiDocuments<RestApi>(store.apis, 'rest');
  const httpApis = new ApiDocuments<HttpApi>(store.apis, 'http');
  await restApis.load();
  await httpApis.load();
  const apiGatewayDeps = {
    restApis, httpApis, now: () => systemClock.now(),
    apiEndpoint: (apiId: string, origin: string) => origin.replace(/^http:\/\/(?:[^/@]*@)?[^:/]+/, `http://${apiId}.execute-api.localhost`),
  };
  const s3 = await S3Engine.open({ store: store.s3, dataDir: config.dataDir, clock: systemClock, log: logger, push, queues });
  const lambdaDeps = {
    config, functions, codeUrls, invoker, eventSourceMappings, queues, eventInvokeConfigs, concurrency, asyncInvocations, policies,
    functionUrls, codeObjects: s3,
  };

  const internal = (req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams): boolean => {
    if (path === '/_lambkin/health' && req.method === 'GET') {
      const backlog = asyncInvocations.backlog();
      sendInternalJson(res, {
        status: 'ok', version: VERSION, region: config.region, accountId: config.accountId, sandbox: 'off',
        environments: { ...pool.stats(), spares: spares?.readyCount ?? 0 },
        async: {
          queued: backlog.reduce((n, b) => n + b.queued, 0), running: backlog.reduce((n, b) => n + b.running, 0),
          retrying: backlog.reduce((n, b) => n + b.retrying, 0), oldestAgeMs: Math.max(0, ...backlog.map((b) => b.oldestAgeMs)),
        },
      });
      return true;
    }
    if (path === '/_lambkin/async' && req.method === 'GET') {
      // It names every account's functions: in strict mode only this machine may read it (lambkin status).
      if (config.authMode === 'strict' && !isLoopback(req.socket.remoteAddress ?? '')) {
        res.writeHead(403, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: 'In strict auth mode the async backlog is served to loopback clients only.' }));
        return true;
      }
      sendInternalJson(res, { functions: asyncInvocations.backlog() });
      return true;
    }
    const m = /^\/_lambkin\/code\/([0-9a-f]{64})\.zip$/.exec(path);
    if (m && req.method === 'GET') {
      if (!codeUrls.verify(m[1]!, query.get('Expires'), query.get('Signature'))) {
        res.writeHead(403, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ message: 'The code URL is invalid or has expired; call GetFunction for a new one.' }));
        return true;
      }
      const file = code.zipPath(m[1]!);
      res.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': fs.statSync(file).size });
      fs.createReadStream(file).pipe(res);
      return true;
    }
    return false;
  };

  const gatewayAuth = accounts && {
    accounts: accountsByKey(accounts), maxBodyBytes: Math.max(config.maxSyncPayloadBytes, 6 * 1024 * 1024) + 64 * 1024,
    s3BucketFromHost: (host: string | undefined) => virtualHostBucket(host, ['localhost', config.hostName]),
  };
  const server = createGateway({
    defaultAccount: config.accountId,
    defaultRegion: config.region,
    log: logger,
    internal,
    auth: gatewayAuth,
    fronts: [
      executeApiFront({
        defaultAccount: config.accountId, restApis, httpApis, log: logger, templates, auth: gatewayAuth,
        lambda: new LambdaIntegration(functions, push, invoker, logger, { sync: config.maxSyncPayloadBytes, async: config.maxAsyncPayloadBytes }),
      }),
      new UrlFront({
        functionUrls, functions, policies, invoker, defaultAccount: config.accountId, maxPayloadBytes: config.maxSyncPayloadBytes, log: logger,
        auth: gatewayAuth,
      }),
    ],
    services: [{
      name: 'sqs',
      accepts: acceptsSqs,
      handle: sqsService({ queues, log: logger }),
      sendError: sendSqsError,
    }, {
      name: 'lambda',
      accepts: (_req, path, signing) => signing === 'lambda' || (signing === undefined && LAMBDA_PATH.test(path)),
      handle: lambdaService(lambdaDeps),
      sendError: sendRestJsonError,
    }, {
      name: 'sns',
      accepts: acceptsSns,
      handle: snsService({ engine: sns, log: logger }),
      sendError: sendSnsError,
    }, {
      name: 'events',
      accepts: acceptsEvents,
      handle: eventsService({ rules: eventRules, gate: push, clock: systemClock, timeline: scheduleTimeline, log: logger }),
      sendError: (res, requestId, err) => sendEventsError(res, requestId, err),
    }, {
      name: 'apigateway',
      accepts: acceptsApiGateway,
      handle: apiGatewayService(apiGatewayDeps),
      sendError: sendRestJsonError,
    }, {
      // Last: S3 takes what is signed for it and every unsigned request no other service claimed.
      name: 's3',
      accepts: acceptsS3,
      handle: s3Service({ engine: s3, log: logger, hostNames: ['localhost', config.hostName] }),
      sendError: sendS3Error,
    }],
  });
  const port = await listen(server, config.host, config.port);
  url = `http://${clientHost(config.host)}:${port}`;
  spares?.fill();
  await eventSourceMappings.start(pollers);
  await scheduler.start();
  logger.info({ url, dataDir: config.dataDir }, 'lambkin ready');

  let closing: Promise<void> | undefined;
  const close = () => (closing ??= (async () => {
    // Pollers stop receiving at once; batches still running end when their environments stop, and are redelivered.
    const pollersStopped = pollers.close();
    const schedulerStopped = scheduler.close();
    const asyncStopped = asyncInvocations.close();
    spares?.close();
    pool.close();
    await pollersStopped;
    await schedulerStopped;
    await asyncStopped;
    await queues.close();
    await templates.close();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
    await store.close();
    fs.rmSync(socketDir, { recursive: true, force: true });
    lock.release();
  })());
  return { url, port, config, close };
}
