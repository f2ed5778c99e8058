import { Command, InvalidArgumentError } from 'commander';
import { createLambkin } from '../app.js';
import { DEFAULTS } from '../config/config.js';
import { statusText } from './status.js';

function integer(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError('must be an integer');
  return n;
}

const program = new Command('lambkin').description('Self-hosted, AWS-Lambda-compatible function platform');

program
  .command('start')
  .description('start the lambkin server')
  .option('--host <host>', 'address to listen on', DEFAULTS.host)
  .option('--host-name <name>', 'DNS name clients use for lambkin; <bucket>.<name> addresses an S3 bucket', DEFAULTS.hostName)
  .option('--port <port>', 'port to listen on', integer, DEFAULTS.port)
  .option('--data-dir <dir>', 'where state, code and logs are kept', DEFAULTS.dataDir)
  .option('--region <region>', 'default region', DEFAULTS.region)
  .option('--account-id <id>', 'default account id (12 digits)', DEFAULTS.accountId)
  .option('--idle-environment-ms <ms>', 'stop an execution environment after this long without work', integer, DEFAULTS.idleEnvironmentMs)
  .option('--scale-up-delay-ms <ms>', 'how long an invocation may wait for a busy environment before another starts', integer, DEFAULTS.scaleUpDelayMs)
  .option('--spare-runtimes <n>', 'pre-started runtime processes kept for cold starts', integer, DEFAULTS.spareRuntimes)
  .option('--sqlite-synchronous <level>', 'FULL (survives power loss) or NORMAL (survives a crash)', DEFAULTS.sqliteSynchronous)
  .option('--account-concurrency <n>', 'concurrent invocations per account and region', integer, DEFAULTS.accountConcurrency)
  .option('--min-unreserved-concurrency <n>', 'concurrency that reservations must leave unreserved', integer, DEFAULTS.minUnreservedConcurrency)
  .option('--async-retry-delay-ms <ms>', 'wait before retrying a failed async event (AWS: 60000); later waits scale from it', integer, DEFAULTS.asyncRetryDelayMs)
  .option('--async-max-in-flight <n>', 'async events run at once', integer, DEFAULTS.asyncMaxInFlight)
  .option('--schedule-time-scale <n>', 'testing aid: EventBridge schedules run n times faster than real time', Number, DEFAULTS.scheduleTimeScale)
  .option('--auth-mode <mode>', 'dev (any credentials, loopback only) or strict (verified SigV4, accounts from --accounts-file)', DEFAULTS.authMode)
  .option('--accounts-file <file>', 'strict mode: JSON file of { accessKeyId, secretAccessKey, accountId, name } entries, mode 0600')
  .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent', DEFAULTS.logLevel)
  .action(async (opts) => {
    let app;
    try {
      app = await createLambkin(opts);
    } catch (err) {
      console.error(`lambkin: ${(err as Error).message}`);
      process.exit(1);
    }
    console.log(`lambkin listening on ${app.url} (data dir ${app.config.dataDir})`);
    const stop = async () => {
      await app.close();
      process.exit(0);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });

program
  .command('status')
  .description('show a running server\'s health and the async event backlog of each function')
  .option('--endpoint-url <url>', 'the server to ask', process.env.AWS_ENDPOINT_URL ?? `http://127.0.0.1:${DEFAULTS.port}`)
  .option('--json', 'print the raw JSON')
  .action(async (opts: { endpointUrl: string; json?: boolean }) => {
    try {
      const get = async (path: string) => {
        const res = await fetch(new URL(path, opts.endpointUrl));
        if (!res.ok) throw new Error(`${path} answered ${res.status}`);
        return res.json() as Promise<Record<string, any>>;
      };
      const [health, backlog] = await Promise.all([get('/_lambkin/health'), get('/_lambkin/async')]);
      if (opts.json) console.log(JSON.stringify({ health, async: backlog }, null, 2));
      else console.log(statusText(opts.endpointUrl, health, backlog.functions));
    } catch (err) {
      console.error(`lambkin: cannot read the status of ${opts.endpointUrl}: ${(err as Error).message}`);
      process.exit(1);
    }
  });

await program.parseAsync(process.argv);
