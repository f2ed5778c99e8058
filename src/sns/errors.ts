import { AwsError } from '../core/errors.js';

/**
 * SNS's errors (other-services.md §2): the query protocol's `<Code>` is the model's error code (NotFound,
 * InvalidParameter, ParameterValueInvalid, ...), which the SDKs map to their exception names (NotFoundException,
 * InvalidParameterException, InvalidParameterValueException, ...). Codes not listed here answer 400.
 */
const STATUS: Readonly<Record<string, number>> = {
  NotFound: 404,
  ResourceNotFound: 404,
  AuthorizationError: 403,
  InvalidSecurity: 403,
  TopicLimitExceeded: 403,
  SubscriptionLimitExceeded: 403,
  FilterPolicyLimitExceeded: 403,
  InternalError: 500,
  /** lambkin's early refusal of a request body far larger than any valid SNS request. */
  RequestEntityTooLarge: 413,
};

export function snsError(code: string, message: string): AwsError {
  return new AwsError(code, STATUS[code] ?? 400, message, { messageKey: 'Message' });
}

/** `InvalidParameter` with SNS's wording: `Invalid parameter: <what>`. */
export const invalidParameter = (what: string): AwsError => snsError('InvalidParameter', `Invalid parameter: ${what}`);

/** The message-attribute errors (SDK: InvalidParameterValueException). */
export const parameterValueInvalid = (message: string): AwsError => snsError('ParameterValueInvalid', message);

export const topicNotFound = (): AwsError => snsError('NotFound', 'Topic does not exist');
export const subscriptionNotFound = (): AwsError => snsError('NotFound', 'Subscription does not exist');

/** A required member missing, as AWS's front end words it (`Value null at 'name' ...`). */
export const missingParameter = (member: string): AwsError =>
  snsError('ValidationError', `1 validation error detected: Value null at '${member}' failed to satisfy constraint: Member must not be null`);
