import { Command, InvalidArgumentError } from 'commander';
import { createLambkin } from '../app.js';
import { DEFAULTS } from '../config/config.js';

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

await program.parseAsync(process.argv);
