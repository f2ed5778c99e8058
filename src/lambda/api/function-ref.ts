import { AwsError } from '../../core/errors.js';
import {
  FUNCTION_NAME_PATTERN, NAMESPACED_FUNCTION_NAME_PATTERN, QUALIFIER_PATTERN, parseFunctionName,
} from '../../core/arn.js';
import { Constraints, invalidParameter } from '../../core/validation.js';
import { readBody, type ApiRequest, type Caller } from '../../gateway/request.js';
import { notFound, type Scope } from '../control/function-registry.js';

export interface ResolvedRef {
  scope: Scope;
  name: string;
  /** From the name (`fn:alias`) or the `Qualifier` parameter; undefined means unqualified. */
  qualifier?: string;
}

/**
 * Turns a FunctionName parameter (name, `name:qualifier`, partial or full ARN) plus an optional `Qualifier` into the
 * function's scope and name (lambda-api.md §2). `namespaced` selects the NamespacedFunctionName shape (1–256).
 */
export function resolveFunctionRef(caller: Caller, raw: string, qualifierParam: string | null | undefined, namespaced: boolean): ResolvedRef {
  const c = new Constraints()
    .length(raw, 'functionName', 1, namespaced ? 256 : 140)
    .pattern(raw, 'functionName', namespaced ? NAMESPACED_FUNCTION_NAME_PATTERN : FUNCTION_NAME_PATTERN);
  if (qualifierParam != null) c.length(qualifierParam, 'qualifier', 1, 128).pattern(qualifierParam, 'qualifier', QUALIFIER_PATTERN);
  c.check();
  const ref = parseFunctionName(raw)!;
  const scope = { account: caller.account, region: caller.region };
  if ((ref.account !== undefined && ref.account !== caller.account) || (ref.region !== undefined && ref.region !== caller.region)) {
    // Another account's or region's function is not visible through this endpoint.
    throw notFound({ account: ref.account ?? caller.account, region: ref.region ?? caller.region }, ref.name, ref.qualifier);
  }
  if (qualifierParam != null && ref.qualifier !== undefined && qualifierParam !== ref.qualifier) {
    throw invalidParameter('The derived qualifier from the function name does not match the specified qualifier.');
  }
  const qualifier = qualifierParam ?? ref.qualifier;
  return qualifier === undefined ? { scope, name: ref.name } : { scope, name: ref.name, qualifier };
}

/** Parses a JSON request body into an object; empty means `{}`. */
export function parseJsonBody(body: Buffer): Record<string, unknown> {
  if (body.length === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch (err) {
    throw new AwsError('InvalidRequestContentException', 400, `Could not parse request body into json: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AwsError('InvalidRequestContentException', 400, 'Could not parse request body into json: expected a JSON object');
  }
  return value as Record<string, unknown>;
}

const tooLarge = (op: string, max: number) => () =>
  new AwsError('RequestEntityTooLargeException', 413, `Request must be smaller than ${max} bytes for the ${op} operation`);

/** Reads and parses a JSON request body of at most `max` bytes; over it, AWS's 413 for the operation `op`. */
export async function readJsonBody(api: ApiRequest, op: string, max: number): Promise<Record<string, unknown>> {
  return parseJsonBody(await readBody(api.req, max, tooLarge(op, max)));
}
