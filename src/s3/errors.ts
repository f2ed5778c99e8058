import { AwsError } from '../core/errors.js';

/** S3's errors (other-services.md §1.4): status and AWS's message for each code lambkin raises. */
const TABLE: Readonly<Record<string, readonly [status: number, message: string]>> = {
  NoSuchBucket: [404, 'The specified bucket does not exist'],
  NoSuchKey: [404, 'The specified key does not exist.'],
  NoSuchUpload: [404, 'The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.'],
  BucketAlreadyOwnedByYou: [409, 'Your previous request to create the named bucket succeeded and you already own it.'],
  BucketAlreadyExists: [409, 'The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.'],
  BucketNotEmpty: [409, 'The bucket you tried to delete is not empty'],
  InvalidBucketName: [400, 'The specified bucket is not valid.'],
  InvalidArgument: [400, 'Invalid Argument'],
  InvalidRequest: [400, 'Invalid Request'],
  InvalidPart: [400, 'One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not have match the part\'s entity tag.'],
  InvalidPartOrder: [400, 'The list of parts was not in ascending order. Parts must be ordered by part number.'],
  EntityTooSmall: [400, 'Your proposed upload is smaller than the minimum allowed size'],
  EntityTooLarge: [400, 'Your proposed upload exceeds the maximum allowed size'],
  InvalidRange: [416, 'The requested range is not satisfiable'],
  PreconditionFailed: [412, 'At least one of the pre-conditions you specified did not hold'],
  MalformedXML: [400, 'The XML you provided was not well-formed or did not validate against our published schema'],
  MethodNotAllowed: [405, 'The specified method is not allowed against this resource.'],
  NotImplemented: [501, 'A header you provided implies functionality that is not implemented'],
  BadDigest: [400, 'The Content-MD5 you specified did not match what we received.'],
  InvalidDigest: [400, 'The Content-MD5 you specified was invalid.'],
  XAmzContentSHA256Mismatch: [400, 'The provided \'x-amz-content-sha256\' header does not match what was computed.'],
  IncompleteBody: [400, 'You did not provide the number of bytes specified by the Content-Length HTTP header'],
  MissingContentLength: [411, 'You must provide the Content-Length HTTP header.'],
  NoSuchLifecycleConfiguration: [404, 'The lifecycle configuration does not exist'],
  PermanentRedirect: [301, 'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.'],
  AccessDenied: [403, 'Access Denied'],
  SignatureDoesNotMatch: [403, 'The request signature we calculated does not match the signature you provided. Check your key and signing method.'],
  RequestTimeout: [400, 'Your socket connection to the server was not read from or written to within the timeout period. Idle connections will be closed.'],
  InvalidURI: [400, 'Couldn\'t parse the specified URI.'],
  KeyTooLongError: [400, 'Your key is too long'],
  MetadataTooLarge: [400, 'Your metadata headers exceed the maximum allowed metadata size'],
  InvalidLocationConstraint: [400, 'The specified location-constraint is not valid'],
  InternalError: [500, 'We encountered an internal error. Please try again.'],
};

/** An S3 error with AWS's status and text; `extra` members appear in the `<Error>` document. */
export function s3Error(code: string, extra: Record<string, unknown> = {}, message?: string): AwsError {
  const [status, text] = TABLE[code] ?? [400, code];
  return new AwsError(code, status, message ?? text, { extra });
}

export const noSuchBucket = (bucket: string): AwsError => s3Error('NoSuchBucket', { BucketName: bucket });
export const noSuchKey = (key: string): AwsError => s3Error('NoSuchKey', { Key: key });
export const noSuchUpload = (uploadId: string): AwsError => s3Error('NoSuchUpload', { UploadId: uploadId });
export const invalidArgument = (message: string, name: string, value: string): AwsError =>
  s3Error('InvalidArgument', { ArgumentName: name, ArgumentValue: value }, message);
