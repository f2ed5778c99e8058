import { AwsError } from '../../core/errors.js';
import { readBody, type ApiRequest } from '../../gateway/request.js';

/** API Gateway management requests are small JSON documents (OpenAPI imports aside, which lambkin does not take). */
const MAX_BODY_BYTES = 6 * 1024 * 1024;

export const notFound = (message: string) => new AwsError('NotFoundException', 404, message);
export const badRequest = (message: string) => new AwsError('BadRequestException', 400, message);
export const conflict = (message: string) => new AwsError('ConflictException', 409, message);

/** The request's JSON object body (`{}` when empty). */
export async function jsonBody(api: ApiRequest): Promise<Record<string, unknown>> {
  const raw = await readBody(api.req, MAX_BODY_BYTES, () => new AwsError('BadRequestException', 413, 'Request body too large'));
  if (raw.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw.toString('utf8'));
  } catch {
    throw badRequest('Invalid request body: the body is not valid JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badRequest('Invalid request body: expected a JSON object');
  return parsed as Record<string, unknown>;
}

/** Typed readers for body members: a wrong type is a 400 naming the member. */
export class Members {
  constructor(private readonly body: Record<string, unknown>) {}

  has(name: string): boolean {
    return this.body[name] !== undefined && this.body[name] !== null;
  }

  string(name: string): string | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw badRequest(`Invalid value for ${name}: expected a string`);
    return v;
  }

  requiredString(name: string): string {
    const v = this.string(name);
    if (v === undefined || v === '') throw badRequest(`${name} must be specified`);
    return v;
  }

  boolean(name: string): boolean | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'boolean') throw badRequest(`Invalid value for ${name}: expected a boolean`);
    return v;
  }

  integer(name: string): number | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v)) throw badRequest(`Invalid value for ${name}: expected an integer`);
    return v;
  }

  strings(name: string): string[] | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return undefined;
    if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw badRequest(`Invalid value for ${name}: expected a list of strings`);
    return v as string[];
  }

  map<T extends string | boolean>(name: string, type: 'string' | 'boolean'): Record<string, T> | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== type)) {
      throw badRequest(`Invalid value for ${name}: expected a map of ${type}s`);
    }
    return { ...(v as Record<string, T>) };
  }

  object(name: string): Record<string, unknown> | undefined {
    const v = this.body[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) throw badRequest(`Invalid value for ${name}: expected an object`);
    return v as Record<string, unknown>;
  }
}

/** Paging over a whole list (`position` is the index to start at, as an opaque string). */
export function page<T>(items: T[], position: string | null, limit: string | null, max = 500, fallback = 25): { items: T[]; next?: string } {
  const size = limit === null ? fallback : Number(limit);
  if (!Number.isInteger(size) || size < 1 || size > max) throw badRequest(`Invalid limit: must be between 1 and ${max}`);
  const start = position === null ? 0 : Number.parseInt(Buffer.from(position, 'base64url').toString(), 10);
  if (!Number.isInteger(start) || start < 0) throw badRequest('Invalid position');
  const slice = items.slice(start, start + size);
  return start + size < items.length ? { items: slice, next: Buffer.from(String(start + size)).toString('base64url') } : { items: slice };
}

/** Epoch seconds: API Gateway v1 timestamps are JSON numbers. */
export const epochSeconds = (ms: number): number => Math.floor(ms / 1000);
