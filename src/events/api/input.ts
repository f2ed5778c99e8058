import { AwsError } from '../../core/errors.js';
import { busNotFound } from './errors.js';
import { DEFAULT_BUS } from '../engine/rules.js';

/** Reads typed members of a json 1.1 request body; a member of the wrong JSON type is a SerializationException. */
export class Input {
  constructor(private readonly body: Record<string, unknown>) {}

  string(key: string): string | undefined {
    return this.typed(key, 'string', (v) => typeof v === 'string') as string | undefined;
  }

  number(key: string): number | undefined {
    return this.typed(key, 'number', (v) => typeof v === 'number') as number | undefined;
  }

  boolean(key: string): boolean | undefined {
    return this.typed(key, 'boolean', (v) => typeof v === 'boolean') as boolean | undefined;
  }

  list(key: string): unknown[] | undefined {
    return this.typed(key, 'list', Array.isArray) as unknown[] | undefined;
  }

  object(key: string): Record<string, unknown> | undefined {
    return this.typed(key, 'structure', (v) => typeof v === 'object' && !Array.isArray(v)) as Record<string, unknown> | undefined;
  }

  private typed(key: string, kind: string, ok: (v: unknown) => boolean): unknown {
    const v = this.body[key];
    if (v === undefined || v === null) return undefined;
    if (!ok(v)) throw new AwsError('SerializationException', 400, `Member ${key} must be a ${kind}.`);
    return v;
  }
}

/** The items of a list member as Inputs (each item must be an object). */
export function inputs(list: unknown[] | undefined, key: string): Input[] {
  return (list ?? []).map((item) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new AwsError('SerializationException', 400, `Items of ${key} must be structures.`);
    }
    return new Input(item as Record<string, unknown>);
  });
}

const BUS_ARN = /^arn:aws[a-z-]*:events:([a-z0-9-]+):(\d{12}):event-bus\/(.+)$/;

/**
 * `EventBusName` (a name or a bus ARN): lambkin serves the caller's default bus; any other bus, or the default bus
 * of another region or account named by ARN, does not exist here.
 */
export function busName(value: string | undefined, scope?: { account: string; region: string }): string {
  if (value === undefined) return DEFAULT_BUS;
  const arn = BUS_ARN.exec(value);
  const name = arn?.[3] ?? value;
  if (name !== DEFAULT_BUS || (arn && scope && (arn[1] !== scope.region || arn[2] !== scope.account))) throw busNotFound(arn ? value : name);
  return DEFAULT_BUS;
}

/** Paging tokens: the position after the last item shown, opaque to clients. */
export function encodeToken(position: string): string {
  return Buffer.from(JSON.stringify({ after: position })).toString('base64url');
}

export function decodeToken(token: string | undefined): string | undefined {
  if (token === undefined) return undefined;
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString()) as { after?: unknown };
    if (typeof v.after === 'string') return v.after;
  } catch {
    // falls through to the error below
  }
  throw new AwsError('ValidationException', 400, 'The NextToken provided is invalid.');
}
