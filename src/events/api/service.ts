import type { IncomingMessage } from 'node:http';
import { AwsError, isAwsError } from '../../core/errors.js';
import { parseJsonObject, targetOperation } from '../../gateway/protocols/json.js';
import { readBody, type ApiRequest } from '../../gateway/request.js';
import type { ServiceHandler } from '../../gateway/server.js';
import type { EventsContext, EventsDeps } from './context.js';
import { eventsError, sendEventsJson } from './errors.js';
import { Input } from './input.js';
import { putEvents } from './put-events.js';
import { deleteRule, describeRule, listRules, putRule, setRuleState } from './rules.js';
import { listTargetsByRule, putTargets, removeTargets } from './targets.js';

export { sendEventsError } from './errors.js';

/** EventBridge's json 1.1 target prefix (other-services.md §0, §3). */
const TARGET_PREFIX = 'AWSEvents';
/** PutEvents carries at most 256 KB of entries; JSON escaping can double that on the wire. */
const MAX_BODY_BYTES = 1024 * 1024;

type Operation = (ctx: EventsContext, input: Input) => Promise<unknown>;

const OPERATIONS: Readonly<Record<string, Operation>> = {
  PutRule: putRule,
  DescribeRule: describeRule,
  ListRules: listRules,
  DeleteRule: deleteRule,
  EnableRule: (ctx, input) => setRuleState(ctx, input, true),
  DisableRule: (ctx, input) => setRuleState(ctx, input, false),
  PutTargets: putTargets,
  RemoveTargets: removeTargets,
  ListTargetsByRule: listTargetsByRule,
  PutEvents: putEvents,
};

/** A request signed for `events`, or an unsigned one naming an `AWSEvents.` target. */
export function acceptsEvents(req: IncomingMessage, _path: string, signingService: string | undefined): boolean {
  if (signingService !== undefined) return signingService === 'events';
  return targetOperation(req.headers['x-amz-target'], TARGET_PREFIX) !== undefined;
}

export function eventsService(deps: EventsDeps): ServiceHandler {
  return async (api) => {
    try {
      await serve(deps, api);
    } catch (err) {
      if (isAwsError(err)) throw err;
      deps.log.error({ err, requestId: api.requestId, service: 'events' }, 'internal error');
      throw eventsError('InternalException', `An internal error occurred (request ${api.requestId}).`, 500);
    }
  };
}

async function serve(deps: EventsDeps, api: ApiRequest): Promise<void> {
  const body = await readBody(api.req, MAX_BODY_BYTES, () => new AwsError('ValidationException', 413, 'The request body is too large.'));
  const name = targetOperation(api.req.headers['x-amz-target'], TARGET_PREFIX);
  const op = name === undefined || !Object.hasOwn(OPERATIONS, name) ? undefined : OPERATIONS[name];
  if (api.method !== 'POST' || !op) {
    const named = name ?? api.req.headers['x-amz-target'] ?? '';
    throw eventsError('UnknownOperationException', `The operation ${named} is not served by lambkin's EventBridge.`);
  }
  const ctx: EventsContext = { ...deps, account: api.caller.account, region: api.caller.region };
  sendEventsJson(api.res, api.requestId, await op(ctx, new Input(parseJsonObject(body))));
}
