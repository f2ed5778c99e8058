import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { isAwsError, type AwsError } from '../../core/errors.js';
import { queryParams, queryResponseXml, sendQueryError, sendXml } from '../../gateway/protocols/query.js';
import { readBody, type ApiRequest } from '../../gateway/request.js';
import type { ServiceHandler } from '../../gateway/server.js';
import type { SnsEngine } from '../engine/sns-engine.js';
import { snsError } from '../errors.js';
import { OPERATIONS } from './operations.js';

/** SNS's API version and query namespace (other-services.md §2). */
export const SNS_VERSION = '2010-03-31';
const XML_NAMESPACE = `http://sns.amazonaws.com/doc/${SNS_VERSION}/`;

/**
 * Largest request body read: a message and its attributes (or a whole batch) are at most 256 KiB, and form encoding
 * at most triples that (`%XX` per byte). Anything past this cannot be a valid request.
 */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Whether a request is SNS's: signed for `sns` (every SDK and the AWS CLI sign). Unsigned form posts to `/` are
 * SQS's legacy query protocol (acceptsSqs), so unsigned SNS requests are not served.
 */
export function acceptsSns(_req: IncomingMessage, _path: string, signingService: string | undefined): boolean {
  return signingService === 'sns';
}

export interface SnsDeps {
  engine: SnsEngine;
  log: Logger;
}

export function snsService(deps: SnsDeps): ServiceHandler {
  return async (api) => {
    try {
      await serve(deps, api);
    } catch (err) {
      if (isAwsError(err)) throw err;
      // Logged once here; the client gets SNS's InternalError.
      deps.log.error({ err, requestId: api.requestId, service: 'sns', method: api.method, path: api.path }, 'internal error');
      throw snsError('InternalError', `An internal error occurred (request ${api.requestId}).`);
    }
  };
}

async function serve(deps: SnsDeps, api: ApiRequest): Promise<void> {
  const body = await readBody(api.req, MAX_BODY_BYTES, () => snsError('RequestEntityTooLarge', `The request body is larger than ${MAX_BODY_BYTES} bytes.`));
  const params = queryParams(api.query, body);
  const action = params.get('Action');
  if (action === undefined || action === '') throw snsError('MissingAction', 'Missing Action');
  const handler = Object.hasOwn(OPERATIONS, action) ? OPERATIONS[action] : undefined;
  if (!handler) throw snsError('InvalidAction', `The action ${action} is not valid for this endpoint.`);
  const result = await handler({ api, engine: deps.engine, params, scope: { account: api.caller.account, region: api.caller.region } });
  sendXml(api.res, api.requestId, 200, queryResponseXml(action, XML_NAMESPACE, api.requestId, result));
}

/** `<ErrorResponse>` with the error's code: SNS's model codes, as the SDKs map them to exceptions. */
export function sendSnsError(res: ServerResponse, requestId: string, err: AwsError): void {
  sendQueryError(res, requestId, err, XML_NAMESPACE, err.code);
}
