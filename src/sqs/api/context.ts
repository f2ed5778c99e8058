import type { ApiRequest } from '../../gateway/request.js';
import type { QueueScope, QueueService } from '../engine/queue-service.js';
import type { Input } from './input.js';

/** What an SQS operation works with, whichever protocol the request came in. */
export interface SqsContext {
  api: ApiRequest;
  queues: QueueService;
  /** The caller's account and the region it addressed (from the SigV4 scope). */
  scope: QueueScope;
  input: Input;
  /** SenderId of the messages this caller sends: its access key id when signed, else its account. */
  senderId: string;
  /** Aborted when the client goes away, so a long poll ends instead of taking messages nobody will see. */
  signal: AbortSignal;
}

/** An operation's output in its JSON shape (model member names, binary as base64); undefined: no output. */
export type SqsOutput = Record<string, unknown> | undefined;

export type SqsHandler = (ctx: SqsContext) => Promise<SqsOutput>;
