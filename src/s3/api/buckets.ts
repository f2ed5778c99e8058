import { isIP } from 'node:net';
import { readBody } from '../../gateway/request.js';
import { sendEmpty, sendRestXml, xmlDocument } from '../../gateway/protocols/rest-xml.js';
import { canonicalId } from '../engine/s3-engine.js';
import { NOTIFICATION_LISTS, notificationXmlContent, parseNotificationConfig } from '../engine/notification-config.js';
import { s3Error } from '../errors.js';
import { eventOrigin, idHeaders, type S3Handler, type S3Request } from './context.js';
import { headerOf, isoDate } from './object-headers.js';
import { CREATE_BUCKET_SHAPE, NOTIFICATION_SHAPE, parseS3Document } from './xml-schema.js';

/** Bucket configuration documents are small; anything bigger is not one. */
const MAX_CONFIG_BYTES = 1024 * 1024;

const readConfigBody = (r: S3Request) =>
  readBody(r.api.req, MAX_CONFIG_BYTES, () => s3Error('MaxMessageLengthExceeded', {}, 'Your request was too big.'));

/**
 * AWS's bucket naming rules (S3 User Guide "General purpose bucket naming rules"): 3–63 characters of lower-case
 * letters, digits, dots and hyphens, starting and ending with a letter or digit, no `..`, not an IP address, none
 * of the reserved prefixes and suffixes.
 */
export function checkBucketName(name: string): void {
  const ok = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name)
    && !name.includes('..') && !name.includes('.-') && !name.includes('-.')
    && isIP(name) === 0
    && !/^(xn--|sthree-|amzn-s3-demo-)/.test(name)
    && !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name);
  if (!ok) throw s3Error('InvalidBucketName', { BucketName: name });
}

/** The regions a LocationConstraint may name (the model's BucketLocationConstraint, `us-east-1` excluded: AWS wants none there). */
const LOCATION_CONSTRAINTS: ReadonlySet<string> = new Set([
  'af-south-1', 'ap-east-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2', 'ap-southeast-1',
  'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-7', 'ca-central-1', 'ca-west-1', 'cn-north-1',
  'cn-northwest-1', 'EU', 'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2',
  'eu-west-3', 'il-central-1', 'me-central-1', 'me-south-1', 'mx-central-1', 'sa-east-1', 'us-east-2', 'us-gov-east-1',
  'us-gov-west-1', 'us-west-1', 'us-west-2',
]);

function locationRegion(constraint: string): string {
  if (!LOCATION_CONSTRAINTS.has(constraint)) {
    throw s3Error('InvalidLocationConstraint', { LocationConstraint: constraint }, 'The specified location-constraint is not valid');
  }
  return constraint === 'EU' ? 'eu-west-1' : constraint;
}

export const createBucket: S3Handler = async (r) => {
  checkBucketName(r.bucket);
  const body = await readConfigBody(r);
  let region = r.api.caller.region;
  if (body.length > 0) {
    const config = parseS3Document(body, 'CreateBucketConfiguration', CREATE_BUCKET_SHAPE, []);
    const constraint = config.LocationConstraint;
    if (typeof constraint === 'string' && constraint !== '') region = locationRegion(constraint);
  }
  const bucket = await r.deps.engine.createBucket(r.api.caller.account, r.bucket, region);
  sendEmpty(r.api.res, 200, { ...idHeaders(r), Location: `/${bucket.name}`, 'x-amz-bucket-arn': `arn:aws:s3:::${bucket.name}` });
};

export const headBucket: S3Handler = async (r) => {
  const bucket = r.deps.engine.requireBucket(r.bucket);
  sendEmpty(r.api.res, 200, {
    ...idHeaders(r), 'x-amz-bucket-region': bucket.region, 'x-amz-bucket-arn': `arn:aws:s3:::${bucket.name}`, 'x-amz-access-point-alias': 'false',
  });
};

export const deleteBucket: S3Handler = async (r) => {
  await r.deps.engine.deleteBucket(r.bucket);
  sendEmpty(r.api.res, 204, idHeaders(r));
};

export const listBuckets: S3Handler = async (r) => {
  const q = r.api.query;
  const prefix = q.get('prefix') ?? '';
  const regionFilter = q.get('bucket-region');
  const maxBuckets = q.has('max-buckets') ? Number(q.get('max-buckets')) : 10_000;
  if (!Number.isInteger(maxBuckets) || maxBuckets < 1 || maxBuckets > 10_000) {
    throw s3Error('InvalidArgument', { ArgumentName: 'max-buckets', ArgumentValue: q.get('max-buckets') ?? '' }, 'Argument max-buckets must be an integer between 1 and 10000.');
  }
  const after = q.get('continuation-token') ? Buffer.from(q.get('continuation-token')!, 'base64url').toString() : '';
  const all = r.deps.engine.listBuckets(r.api.caller.account)
    .filter((b) => b.name.startsWith(prefix) && b.name > after && (!regionFilter || b.region === regionFilter));
  const page = all.slice(0, maxBuckets);
  const content: Record<string, unknown> = {
    Buckets: { Bucket: page.map((b) => ({ Name: b.name, CreationDate: isoDate(b.createdMs), BucketRegion: b.region, BucketArn: `arn:aws:s3:::${b.name}` })) },
    Owner: { DisplayName: 'lambkin', ID: canonicalId(r.api.caller.account) },
  };
  if (all.length > page.length) content.ContinuationToken = Buffer.from(page[page.length - 1]!.name).toString('base64url');
  if (q.has('prefix')) content.Prefix = prefix;
  sendRestXml(r.api.res, 200, xmlDocument('ListAllMyBucketsResult', content as never), idHeaders(r));
};

export const getBucketLocation: S3Handler = async (r) => {
  const bucket = r.deps.engine.requireBucket(r.bucket);
  // us-east-1 is shown as an empty constraint (S3 API Reference "GetBucketLocation").
  const xml = xmlDocument('LocationConstraint', bucket.region === 'us-east-1' ? {} : { '#text': bucket.region });
  sendRestXml(r.api.res, 200, xml, idHeaders(r));
};

export const getBucketVersioning: S3Handler = async (r) => {
  r.deps.engine.requireBucket(r.bucket);
  sendRestXml(r.api.res, 200, xmlDocument('VersioningConfiguration', {}), idHeaders(r));
};

export const putBucketNotification: S3Handler = async (r) => {
  r.deps.engine.requireBucket(r.bucket);
  const body = await readConfigBody(r);
  const config = parseNotificationConfig({ NotificationConfiguration: parseS3Document(body, 'NotificationConfiguration', NOTIFICATION_SHAPE, NOTIFICATION_LISTS) });
  const skip = (headerOf(r.api.req, 'x-amz-skip-destination-validation') ?? '').toLowerCase() === 'true';
  await r.deps.engine.setNotification(r.bucket, config, skip, eventOrigin(r));
  sendEmpty(r.api.res, 200, idHeaders(r));
};

export const getBucketNotification: S3Handler = async (r) => {
  const bucket = r.deps.engine.requireBucket(r.bucket);
  sendRestXml(r.api.res, 200, xmlDocument('NotificationConfiguration', notificationXmlContent(bucket.notification) as never), idHeaders(r));
};
