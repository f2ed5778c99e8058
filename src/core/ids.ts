import { randomBytes, randomUUID } from 'node:crypto';

export const newRequestId = (): string => randomUUID();
export const newRevisionId = (): string => randomUUID();

/** 32 lower-case hex characters, as in a Lambda log stream's instance id. */
export const newInstanceId = (): string => randomBytes(16).toString('hex');
