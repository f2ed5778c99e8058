import { AwsError } from './errors.js';

/**
 * Collects model-constraint failures the way AWS's front end reports them:
 * `2 validation errors detected: Value 'x' at 'memorySize' failed to satisfy constraint: Member must ...; Value ...`
 * (400 ValidationException). Field names are the lowerCamelCase member names.
 */
export class Constraints {
  private readonly failures: string[] = [];

  private fail(value: unknown, field: string, rule: string): void {
    const shown = value === undefined || value === null ? 'null' : `'${String(value)}'`;
    this.failures.push(`Value ${shown} at '${field}' failed to satisfy constraint: Member must ${rule}`);
  }

  required(value: unknown, field: string): this {
    if (value === undefined || value === null) this.fail(value, field, 'not be null');
    return this;
  }

  length(value: string | undefined, field: string, min: number, max: number): this {
    if (value === undefined) return this;
    if (value.length < min) this.fail(value, field, `have length greater than or equal to ${min}`);
    else if (value.length > max) this.fail(value, field, `have length less than or equal to ${max}`);
    return this;
  }

  /** A list member's size; AWS shows the list as `[a, b]` (structures as their JSON, never `[object Object]`). */
  count(list: readonly unknown[] | undefined, field: string, min: number, max: number): this {
    if (list === undefined) return this;
    const shown = `[${list.map((v) => (v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v))).join(', ')}]`;
    if (list.length < min) this.fail(shown, field, `have length greater than or equal to ${min}`);
    else if (list.length > max) this.fail(shown, field, `have length less than or equal to ${max}`);
    return this;
  }

  range(value: number | undefined, field: string, min: number, max?: number): this {
    if (value === undefined) return this;
    if (value < min) this.fail(value, field, `have value greater than or equal to ${min}`);
    else if (max !== undefined && value > max) this.fail(value, field, `have value less than or equal to ${max}`);
    return this;
  }

  /** An integer given as text (a query parameter): the text is shown as sent when it is not a number in range. */
  integerText(raw: string | undefined, field: string, min: number, max: number): this {
    if (raw === undefined) return this;
    const n = Number(raw);
    if (!/^[+-]?\d+$/.test(raw.trim())) this.fail(raw, field, 'be an integer');
    else if (n < min) this.fail(raw, field, `have value greater than or equal to ${min}`);
    else if (n > max) this.fail(raw, field, `have value less than or equal to ${max}`);
    return this;
  }

  /** `shown` is the model's pattern text when it cannot be the regex's own source (alternations with anchors). */
  pattern(value: string | undefined, field: string, re: RegExp, shown = patternText(re)): this {
    if (value !== undefined && !re.test(value)) {
      this.fail(value, field, `satisfy regular expression pattern: ${shown}`);
    }
    return this;
  }

  /**
   * Keys of a map member (e.g. `environment.variables`). AWS treats such maps as sensitive: the message names the
   * member but not the value (`Value at 'environment.variables' failed to satisfy constraint: Map keys must ...`).
   */
  mapKeys(keys: readonly string[], field: string, re: RegExp): this {
    if (keys.some((k) => !re.test(k))) {
      this.failures.push(
        `Value at '${field}' failed to satisfy constraint: Map keys must satisfy constraint: ` +
          `[Member must satisfy regular expression pattern: ${patternText(re)}]`,
      );
    }
    return this;
  }

  oneOf(value: string | undefined, field: string, allowed: readonly string[]): this {
    if (value !== undefined && !allowed.includes(value)) {
      this.fail(value, field, `satisfy enum value set: [${allowed.join(', ')}]`);
    }
    return this;
  }

  /** Throws the collected failures as one error; `code` lets callers use InvalidParameterValueException instead. */
  check(code = 'ValidationException'): void {
    if (this.failures.length === 0) return;
    const n = this.failures.length;
    const head = `${n} validation error${n === 1 ? '' : 's'} detected: `;
    throw new AwsError(code, 400, head + this.failures.join('; '));
  }
}

/** A pattern as the model spells it: no anchors, and `/` unescaped (JS regex literals must write it `\/`). */
function patternText(re: RegExp): string {
  return re.source.replace(/^\^|\$$/g, '').replace(/\\\//g, '/');
}

export function invalidParameter(message: string): AwsError {
  return new AwsError('InvalidParameterValueException', 400, message);
}
