import { Constraints } from '../../core/validation.js';
import type { ApiRequest } from '../../gateway/request.js';

/**
 * The `MaxItems` query parameter, checked against the operation's model range (AWS's ValidationException), and
 * the page size it gives: at most `pageCap` however high it is set, `pageCap` when it is absent.
 */
export function pageSize(api: ApiRequest, modelMax: number, pageCap: number, extra?: (c: Constraints) => void): number {
  const raw = api.query.get('MaxItems') ?? undefined;
  const c = new Constraints().integerText(raw, 'maxItems', 1, modelMax);
  extra?.(c);
  c.check();
  return raw === undefined ? pageCap : Math.min(Number(raw), pageCap);
}
