// awslambda.HttpResponseStream: lets a streaming handler send HTTP status/headers (function
// URLs) ahead of the body, using the application/vnd.awslambda.http-integration-response
// framing: JSON prelude, 8 NUL bytes, then the body.
const PRELUDE_CONTENT_TYPE = 'application/vnd.awslambda.http-integration-response';
const PRELUDE_DELIMITER = new Uint8Array(8);

export class HttpResponseStream {
  static from(underlyingStream, prelude) {
    underlyingStream.setContentType(PRELUDE_CONTENT_TYPE);
    const metadata = JSON.stringify(prelude);
    // The response stream calls this hook right before its first body bytes.
    underlyingStream._onBeforeFirstWrite = (write) => {
      write(metadata);
      write(PRELUDE_DELIMITER);
    };
    return underlyingStream;
  }
}
