import { AwsError } from '../core/errors.js';

/**
 * SQS's errors (event-sources.md §5.7): the short name is the JSON protocol's `__type`, the query code is what the
 * query protocol puts in `<Code>` and the JSON protocol in `x-amzn-query-error`. Codes not listed here use their
 * short name in both protocols and HTTP 400.
 */
const TABLE: Readonly<Record<string, readonly [queryCode: string, status: number]>> = {
  QueueDoesNotExist: ['AWS.SimpleQueueService.NonExistentQueue', 400],
  QueueNameExists: ['QueueAlreadyExists', 400],
  QueueDeletedRecently: ['AWS.SimpleQueueService.QueueDeletedRecently', 400],
  PurgeQueueInProgress: ['AWS.SimpleQueueService.PurgeQueueInProgress', 403],
  MessageNotInflight: ['AWS.SimpleQueueService.MessageNotInflight', 400],
  ReceiptHandleIsInvalid: ['ReceiptHandleIsInvalid', 404],
  EmptyBatchRequest: ['AWS.SimpleQueueService.EmptyBatchRequest', 400],
  TooManyEntriesInBatchRequest: ['AWS.SimpleQueueService.TooManyEntriesInBatchRequest', 400],
  BatchEntryIdsNotDistinct: ['AWS.SimpleQueueService.BatchEntryIdsNotDistinct', 400],
  BatchRequestTooLong: ['AWS.SimpleQueueService.BatchRequestTooLong', 400],
  InvalidBatchEntryId: ['AWS.SimpleQueueService.InvalidBatchEntryId', 400],
  UnsupportedOperation: ['AWS.SimpleQueueService.UnsupportedOperation', 400],
  OverLimit: ['OverLimit', 403],
  RequestThrottled: ['RequestThrottled', 403],
  InvalidAddress: ['InvalidAddress', 404],
  InvalidSecurity: ['InvalidSecurity', 403],
  ResourceNotFoundException: ['ResourceNotFoundException', 404],
  // Not SQS's own: AWS JSON services answer an unknown X-Amz-Target with UnknownOperationException; the query
  // protocol's name for the same failure is InvalidAction (AWS common errors).
  UnknownOperationException: ['InvalidAction', 400],
  InternalFailure: ['InternalFailure', 500],
  /** lambkin's early refusal of a request body far larger than any valid SQS request. */
  RequestEntityTooLarge: ['RequestEntityTooLarge', 413],
};

/** The extra field on an SQS AwsError that carries its query-protocol code. */
export const QUERY_CODE = 'queryCode';

export function sqsError(code: string, message: string, status?: number): AwsError {
  const [queryCode, tableStatus] = TABLE[code] ?? [code, 400];
  return new AwsError(code, status ?? tableStatus, message, { extra: { [QUERY_CODE]: queryCode } });
}

/** The query-protocol code of an error raised anywhere (SQS errors carry it; others use their code). */
export function queryCodeOf(err: AwsError): string {
  const code = err.extra[QUERY_CODE];
  return typeof code === 'string' ? code : err.code;
}

export const queueDoesNotExist = (): AwsError =>
  sqsError('QueueDoesNotExist', 'The specified queue does not exist.');

export const invalidParameterValue = (message: string): AwsError => sqsError('InvalidParameterValue', message);

export const missingParameter = (name: string): AwsError =>
  sqsError('MissingParameter', `The request must contain the parameter ${name}.`);
