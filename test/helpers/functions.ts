import { CreateFunctionCommand, InvokeCommand, type LambdaClient, type InvokeCommandOutput } from '@aws-sdk/client-lambda';
import { uniqueName } from './server.js';
import { zipOf } from './zip.js';

export const ROLE = 'arn:aws:iam::000000000000:role/lambda-role';

export interface DeployOptions {
  name?: string;
  handler?: string;
  runtime?: 'nodejs18.x' | 'nodejs20.x' | 'nodejs22.x';
  timeout?: number;
  memorySize?: number;
  environment?: Record<string, string>;
}

/** Creates a function from in-memory files and returns its name. */
export async function deploy(lambda: LambdaClient, files: Record<string, string>, opts: DeployOptions = {}): Promise<string> {
  const name = opts.name ?? uniqueName();
  await lambda.send(new CreateFunctionCommand({
    FunctionName: name,
    Runtime: opts.runtime ?? 'nodejs20.x',
    Role: ROLE,
    Handler: opts.handler ?? 'index.handler',
    Code: { ZipFile: zipOf(files) },
    ...(opts.timeout ? { Timeout: opts.timeout } : {}),
    ...(opts.memorySize ? { MemorySize: opts.memorySize } : {}),
    ...(opts.environment ? { Environment: { Variables: opts.environment } } : {}),
  }));
  return name;
}

export interface Invoked {
  out: InvokeCommandOutput;
  /** The payload parsed as JSON (undefined when empty). */
  body: any;
  text: string;
  log: string;
}

export async function invokeJson(lambda: LambdaClient, name: string, event: unknown = {}, extra: { tail?: boolean; qualifier?: string } = {}): Promise<Invoked> {
  const out = await lambda.send(new InvokeCommand({
    FunctionName: name,
    Payload: Buffer.from(JSON.stringify(event)),
    ...(extra.tail ? { LogType: 'Tail' } : {}),
    ...(extra.qualifier ? { Qualifier: extra.qualifier } : {}),
  }));
  const text = out.Payload ? Buffer.from(out.Payload).toString() : '';
  return {
    out,
    text,
    body: text ? JSON.parse(text) : undefined,
    log: out.LogResult ? Buffer.from(out.LogResult, 'base64').toString() : '',
  };
}
