// Writable handed to awslambda.streamifyResponse handlers. lambkin v1 has no streaming
// transport, so the stream buffers everything and the runtime posts it as one ordinary
// /response (with the stream's content type) once the stream has finished.
// Loaded only when the handler is a streaming one, to keep node:stream off the startup path.
import { Writable } from 'node:stream';
import { InvalidStreamingOperation } from './errors.mjs';

const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

export class BufferedResponseStream extends Writable {
  constructor(highWaterMark) {
    super(highWaterMark === undefined ? {} : { highWaterMark });
    this.chunks = [];
    this.contentType = DEFAULT_CONTENT_TYPE;
    this.started = false;
    this._onBeforeFirstWrite = undefined; // set by awslambda.HttpResponseStream.from()
  }

  setContentType(contentType) {
    if (this.started) throw new InvalidStreamingOperation('Cannot set content-type, too late.');
    this.contentType = contentType;
  }

  _write(chunk, _encoding, callback) {
    this.#start();
    this.chunks.push(chunk);
    callback();
  }

  _final(callback) {
    this.#start(); // an HttpResponseStream prelude is still sent for an empty body
    callback();
  }

  /** The complete body; valid after 'finish'. */
  body() {
    return Buffer.concat(this.chunks);
  }

  #start() {
    if (this.started) return;
    this.started = true;
    const hook = this._onBeforeFirstWrite;
    if (typeof hook === 'function') {
      hook((data) => this.chunks.push(typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength)));
    }
  }
}
