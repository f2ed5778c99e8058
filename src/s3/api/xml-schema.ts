import { parseXmlPayload } from '../../gateway/protocols/rest-xml.js';
import { s3Error } from '../errors.js';

/** The elements a request document may hold: `true` for a text element, a nested shape for a structure. */
export interface XmlShape {
  readonly [element: string]: true | XmlShape;
}

function conforms(value: unknown, shape: true | XmlShape): boolean {
  if (Array.isArray(value)) return value.every((v) => conforms(v, shape));
  if (shape === true) return typeof value === 'string';
  if (value === '') return true; // an empty structure (`<EventBridgeConfiguration/>`)
  if (typeof value !== 'object' || value === null) return false;
  return Object.entries(value).every(([name, child]) => Object.hasOwn(shape, name) && conforms(child, shape[name]!));
}

/**
 * Parses a request document whose root must be `root` and whose elements must all be in `shape` (S3 validates bodies
 * against its schema): anything else is 400 MalformedXML. Resolves the root element's content.
 */
export function parseS3Document(body: Buffer, root: string, shape: XmlShape, lists: readonly string[]): Record<string, unknown> {
  const doc = parseXmlPayload(body, lists);
  const names = Object.keys(doc);
  if (names.length !== 1 || names[0] !== root || !conforms(doc[root], shape)) throw s3Error('MalformedXML');
  const content = doc[root];
  return typeof content === 'object' && content !== null ? (content as Record<string, unknown>) : {};
}

const FILTER: XmlShape = { S3Key: { FilterRule: { Name: true, Value: true } } };
const target = (arnMember: string): XmlShape => ({ Id: true, [arnMember]: true, Event: true, Filter: FILTER });

export const NOTIFICATION_SHAPE: XmlShape = {
  TopicConfiguration: target('Topic'),
  QueueConfiguration: target('Queue'),
  CloudFunctionConfiguration: target('CloudFunction'),
  EventBridgeConfiguration: {},
};

export const CREATE_BUCKET_SHAPE: XmlShape = {
  LocationConstraint: true,
  Location: { Type: true, Name: true },
  Bucket: { DataRedundancy: true, Type: true },
  Tags: { Tag: { Key: true, Value: true } },
};

export const DELETE_SHAPE: XmlShape = {
  Object: { Key: true, VersionId: true, ETag: true, LastModifiedTime: true, Size: true },
  Quiet: true,
};

const CHECKSUMS = ['ChecksumCRC32', 'ChecksumCRC32C', 'ChecksumCRC64NVME', 'ChecksumSHA1', 'ChecksumSHA256'];
export const COMPLETE_SHAPE: XmlShape = {
  Part: Object.fromEntries([['ETag', true], ['PartNumber', true], ...CHECKSUMS.map((c) => [c, true])]) as XmlShape,
};
