/**
 * One error type for every AWS-shaped failure. The protocol codec of the service that raised it decides how it is
 * rendered (REST-JSON body + x-amzn-ErrorType header for Lambda, XML for query services, ...).
 */
export class AwsError extends Error {
  readonly code: string;
  readonly status: number;
  /** Name of the message member in the body: the Lambda model uses `message` for some shapes, `Message` for others. */
  readonly messageKey: 'message' | 'Message';
  readonly extra: Record<string, unknown>;
  readonly headers: Record<string, string>;

  constructor(
    code: string,
    status: number,
    message: string,
    opts: { messageKey?: 'message' | 'Message'; extra?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = code;
    this.code = code;
    this.status = status;
    this.messageKey = opts.messageKey ?? 'message';
    this.extra = opts.extra ?? {};
    this.headers = opts.headers ?? {};
  }

  /** 4xx are the caller's fault (`Type: User`), 5xx ours (`Type: Service`). */
  get fault(): 'User' | 'Service' {
    return this.status >= 500 ? 'Service' : 'User';
  }
}

export function isAwsError(err: unknown): err is AwsError {
  return err instanceof AwsError;
}
