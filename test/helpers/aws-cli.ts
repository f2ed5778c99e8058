import { execFile, execFileSync } from 'node:child_process';
import path from 'node:path';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON, when it is JSON. */
  json: any;
}

/**
 * The environment for AWS tools (CLI, boto3): fixed test credentials, and no config or credentials file of the
 * machine's user, no instance metadata lookups, no pager and no retries that could hide a failed first attempt.
 */
export function awsToolEnv(scratchDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of ['AWS_PROFILE', 'AWS_SESSION_TOKEN', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_LAMBDA', 'AWS_CA_BUNDLE']) delete env[key];
  return {
    ...env,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_REGION: 'us-east-1',
    AWS_PAGER: '',
    AWS_CONFIG_FILE: path.join(scratchDir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(scratchDir, 'no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '1',
  };
}

/** 1 for AWS CLI v1 (what these machines have), 2 for v2; throws when `aws` is missing. */
export function awsCliMajorVersion(): number {
  const text = execFileSync('aws', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const m = /aws-cli\/(\d+)\./.exec(text);
  if (!m) throw new Error(`cannot read the AWS CLI version from: ${text}`);
  return Number(m[1]);
}

/**
 * Runs `aws --endpoint-url <endpoint> --output json <args...>` and never rejects: the exit code is part of what
 * the tests check. Bounded by `timeoutMs` (the child is killed after it).
 */
export function awsCli(endpoint: string, env: NodeJS.ProcessEnv, args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile('aws', ['--endpoint-url', endpoint, '--output', 'json', ...args], {
      env, cwd: opts.cwd, timeout: opts.timeoutMs ?? 60_000, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024, encoding: 'utf8',
    }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      let json: unknown;
      try {
        json = stdout.trim() ? JSON.parse(stdout) : undefined;
      } catch {
        json = undefined;
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}

/** Like `awsCli` but throws with the CLI's output unless it exited 0. */
export async function awsOk(endpoint: string, env: NodeJS.ProcessEnv, args: string[], opts: { cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
  const r = await awsCli(endpoint, env, args, opts);
  if (r.code !== 0) throw new Error(`aws ${args.join(' ')} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r;
}
