import { randomBytes } from 'node:crypto';
import { sqsError } from '../errors.js';

/**
 * Receipt handles name one receive of one message: the queue's store id, the message's seq and a token that is new
 * on every receive, so a handle stops working once the message has been received again.
 */
export interface Receipt {
  queueId: number;
  seq: number;
  token: string;
}

const PREFIX = 'lk1';
/** Tokens are unique per process (random prefix) and per receive (counter), without drawing random bytes each time. */
const TOKEN_PREFIX = randomBytes(6).toString('hex');
let tokenCounter = 0;

export const newToken = (): string => `${TOKEN_PREFIX}${(tokenCounter++).toString(36)}`;

export function encodeReceipt(queueId: number, seq: number, token: string): string {
  return Buffer.from(`${PREFIX}:${queueId}:${seq}:${token}`).toString('base64');
}

export function invalidReceipt(handle: string) {
  return sqsError('ReceiptHandleIsInvalid', `The input receipt handle "${handle}" is not a valid receipt handle.`);
}

/** Throws ReceiptHandleIsInvalid for anything that is not a handle lambkin made. */
export function decodeReceipt(handle: string): Receipt {
  if (typeof handle !== 'string' || handle.length === 0 || handle.length > 1024 || !/^[A-Za-z0-9+/]+={0,2}$/.test(handle)) {
    throw invalidReceipt(String(handle));
  }
  const m = /^lk1:(\d{1,15}):(\d{1,15}):([0-9a-z]{1,64})$/.exec(Buffer.from(handle, 'base64').toString('latin1'));
  if (!m) throw invalidReceipt(handle);
  return { queueId: Number(m[1]), seq: Number(m[2]), token: m[3]! };
}
