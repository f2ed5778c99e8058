import { JSONPath } from 'jsonpath-plus';

/** A path API Gateway cannot evaluate (the template then fails, and the API answers 500). */
export class JsonPathError extends Error {}

/** Wildcards, recursive descent, filters, unions and slices select a list; other paths select one value. */
const INDEFINITE = /\*|\.\.|\?\(|,|\[[^\]]*:[^\]]*\]/;

/**
 * JSONPath as API Gateway's `$input.path` / `$input.json` and body mappings evaluate it (Jayway's semantics): a
 * definite path gives its value (undefined when absent), an indefinite one the list of every match.
 */
export function jsonPath(value: unknown, path: string): unknown {
  if (!path.startsWith('$')) throw new JsonPathError(`a JSONPath starts with $: ${path}`);
  if (value === undefined) return undefined;
  let found: unknown[];
  try {
    found = JSONPath({ path, json: value as object, wrap: true, eval: 'safe' }) as unknown[];
  } catch (err) {
    throw new JsonPathError(`invalid JSONPath ${path}: ${(err as Error).message}`);
  }
  return INDEFINITE.test(path) ? found : found[0];
}
