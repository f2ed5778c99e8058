import { invalidParameterValue } from '../errors.js';

const MAX_TAGS = 50;

/** Queue tags (SQS Dev Guide "Tagging your Amazon SQS queues"): 50 per queue, keys 1–128, values up to 256. */
export function checkTags(tags: Record<string, string>, existing: Record<string, string>): void {
  for (const [k, v] of Object.entries(tags)) {
    if (k.length < 1 || k.length > 128) throw invalidParameterValue('Tag keys must be between 1 and 128 characters in length.');
    if (typeof v !== 'string' || v.length > 256) throw invalidParameterValue('Tag values must be less than 256 characters in length.');
  }
  const total = new Set([...Object.keys(existing), ...Object.keys(tags)]).size;
  if (total > MAX_TAGS) throw invalidParameterValue(`Too many tags for the queue: at most ${MAX_TAGS} are allowed.`);
}
