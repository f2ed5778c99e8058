/** Lambda function names, qualifiers and ARNs (lambda-api.md §2). */

export interface FunctionRef {
  name: string;
  qualifier?: string;
  account?: string;
  region?: string;
}

/** Shape `FunctionName` (1–140) and `NamespacedFunctionName` (1–256: `.` in the name, `$LATEST.PUBLISHED`). */
export const FUNCTION_NAME_PATTERN =
  /^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$/;
export const NAMESPACED_FUNCTION_NAME_PATTERN =
  /^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}((-gov)|(-iso([a-z]?)))?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_.]+)(:(\$LATEST(\.PUBLISHED)?|[a-zA-Z0-9-_]+))?$/;
export const QUALIFIER_PATTERN = /^(\$(LATEST(\.PUBLISHED)?)|[a-zA-Z0-9-_$]+)$/;
export const BARE_NAME_PATTERN = /^[a-zA-Z0-9-_]+$/;

const PARSE = /^(?:arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:|(\d{12}):function:|function:)?([a-zA-Z0-9-_.]+)(?::(\$LATEST(?:\.PUBLISHED)?|[a-zA-Z0-9-_]+))?$/;

/** Splits an already pattern-checked FunctionName into its parts; undefined if it does not parse. */
export function parseFunctionName(input: string): FunctionRef | undefined {
  const m = PARSE.exec(input);
  if (!m) return undefined;
  const ref: FunctionRef = { name: m[4]! };
  if (m[5] !== undefined) ref.qualifier = m[5];
  const account = m[2] ?? m[3];
  if (account !== undefined) ref.account = account;
  if (m[1] !== undefined) ref.region = m[1];
  return ref;
}

export function functionArn(region: string, account: string, name: string, qualifier?: string): string {
  const base = `arn:aws:lambda:${region}:${account}:function:${name}`;
  return qualifier === undefined ? base : `${base}:${qualifier}`;
}
