// Byte accounting for fd 1 / fd 2 (lambkin extension).
//
// lambkin reads our stdout/stderr pipes and, on each result POST, gets the header
// `Lambkin-Log-Bytes: <stdout>,<stderr>` (cumulative since process start). It keeps reading
// until it has seen that many bytes, so it knows it has every line the invocation printed.
// Hence every byte written through this process must be counted: the console patch writes
// through writeStdout/writeStderr, and process.stdout/process.stderr .write are wrapped.
import { writeSync } from 'node:fs';

let stdoutBytes = 0;
let stderrBytes = 0;

/** Value of the Lambkin-Log-Bytes header. */
export function logBytesHeader() {
  return stdoutBytes + ',' + stderrBytes;
}

export function writeStdout(text) {
  stdoutBytes += writeAllSync(1, text);
}

export function writeStderr(text) {
  stderrBytes += writeAllSync(2, text);
}

// A 4-byte cell to sleep on with Atomics.wait (a synchronous sleep without spinning).
let sleepCell;
function sleepMs(ms) {
  sleepCell ??= new Int32Array(new SharedArrayBuffer(4));
  Atomics.wait(sleepCell, 0, 0, ms);
}

/**
 * Write all of `text` to fd synchronously and return its byte length.
 * If user code touched process.stdout the pipe fd is O_NONBLOCK (libuv sets it), so a
 * full pipe yields EAGAIN or short writes; retry until everything is out. Other errors
 * (EPIPE: lambkin is gone) drop the line - nobody is reading it anyway.
 */
function writeAllSync(fd, text) {
  const length = Buffer.byteLength(text);
  let written = 0;
  let buffer = null;
  while (written < length) {
    try {
      written += buffer === null ? writeSync(fd, text) : writeSync(fd, buffer, written);
    } catch (err) {
      if (err.code !== 'EAGAIN') break;
      sleepMs(1);
    }
    if (buffer === null && written < length) buffer = Buffer.from(text);
  }
  return length;
}

function chunkByteLength(chunk, encoding) {
  if (typeof chunk === 'string') {
    return Buffer.byteLength(chunk, typeof encoding === 'string' ? encoding : 'utf8');
  }
  return chunk != null && typeof chunk.byteLength === 'number' ? chunk.byteLength : 0;
}

// Count what user code (or Node's own console methods we don't replace, e.g. console.table)
// hands to the stream. Counted only once write() accepted the chunk without throwing; on
// Linux pipes/files the stream writes synchronously, and if it ever queues, the bytes still
// reach lambkin later, so the count stays a correct "wait for this much" target.
function countWrites(stream, add) {
  const write = stream.write;
  stream.write = function countedWrite(chunk, encoding, callback) {
    const result = write.call(this, chunk, encoding, callback);
    add(chunkByteLength(chunk, encoding));
    return result;
  };
  const end = stream.end;
  stream.end = function countedEnd(chunk, encoding, callback) {
    const result = end.call(this, chunk, encoding, callback);
    if (chunk != null && typeof chunk !== 'function') add(chunkByteLength(chunk, encoding));
    return result;
  };
}

// process.stdout is a lazy getter; creating the stream costs startup time and puts the fd into
// non-blocking mode, so keep it lazy and wrap write() when someone first asks for the stream.
function wrapStdStream(name, add) {
  const descriptor = Object.getOwnPropertyDescriptor(process, name);
  if (!descriptor || typeof descriptor.get !== 'function' || !descriptor.configurable) {
    countWrites(process[name], add);
    return;
  }
  let stream;
  Object.defineProperty(process, name, {
    configurable: true,
    enumerable: descriptor.enumerable,
    get() {
      if (stream === undefined) {
        stream = descriptor.get.call(process);
        countWrites(stream, add);
      }
      return stream;
    },
  });
}

/** Install the process.stdout/stderr write counters (call once, before any user code). */
export function installOutputAccounting() {
  wrapStdStream('stdout', (n) => { stdoutBytes += n; });
  wrapStdStream('stderr', (n) => { stderrBytes += n; });
}
