import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import type { FunctionRecord } from '../../store/store.js';
import {
  runtimeError, sendRuntimeJson, startRuntimeEndpoint, type Reply, type RuntimeApiHandlers, type RuntimeEndpoint, type RuntimeRequest,
} from '../runtime-api/server.js';
import type { LogStreamFile } from './log-files.js';
import { OutputCapture } from './output-capture.js';
import { killProcessTree, spawnEnvironmentProcess, type ProcessSpec } from './sandbox.js';

export interface InvocationInput {
  requestId: string;
  invokedArn: string;
  payload: Buffer;
  traceId: string;
  clientContext?: string;
}

export interface RunOutcome {
  payload: Buffer;
  contentType: string;
  functionError: boolean;
  /** For the REPORT line: why the invocation failed. */
  status?: 'timeout' | 'error';
  errorType?: string;
  /** The runtime went away before it took the event: run the invocation elsewhere. */
  notDelivered?: boolean;
  /** Output that arrived before this invocation started (init, or late lines of the previous one). */
  preLines: string[];
  /** Log lines of this invocation, in order, without the platform's START/END/REPORT. */
  lines: string[];
  /** Present on the first invocation of an environment. */
  initDurationMs?: number;
}

/** Init failed: from `/init/error` (payload = what the runtime posted), a crash or the init time limit. */
export class InitFailure extends Error {
  constructor(readonly errorType: string, message: string, readonly payload: Buffer | undefined, readonly lines: string[]) {
    super(message);
  }
}

/** What an environment needs to know about the function it runs. */
export interface FunctionAssignment {
  fn: FunctionRecord;
  env: Record<string, string>;
  cwd: string;
  logFile: LogStreamFile;
}

export interface EnvironmentOptions {
  maxResponseBytes: number;
  initTimeoutMs: number;
  /** Directory for the environments' Unix sockets; without it the Runtime API is served on TCP only. */
  socketDir?: string;
}

let socketSeq = 0;

interface Current {
  input: InvocationInput;
  delivered: boolean;
  answered: boolean;
  preLines: string[];
  lines: string[];
  timer: NodeJS.Timeout;
  resolve: (o: RunOutcome) => void;
}

type State = 'spare' | 'initializing' | 'ready' | 'busy' | 'dead';

const MAX_BETWEEN_LINES = 500;
const LOG_SETTLE_MS = 100;
const MEMORY_SAMPLE_MS = 1000;
const SIGNAL_TEXT: Record<string, string> = {
  SIGKILL: 'killed', SIGTERM: 'terminated', SIGABRT: 'aborted', SIGSEGV: 'segmentation fault', SIGINT: 'interrupt',
};

/**
 * One execution environment: a runtime process, its private Runtime API endpoint, and the state machine of
 * runtime-api.md §4 (init → next → response|error → next ...). Runs one invocation at a time.
 */
export class Environment implements RuntimeApiHandlers {
  state: State;
  assignment: FunctionAssignment | undefined = undefined;
  lastUsedMs = Date.now();
  readonly ready: Promise<void>;
  private proc!: ChildProcess;
  private endpoint!: RuntimeEndpoint;
  private capture!: OutputCapture;
  private parkedClaim: Reply | undefined;
  private parkedNext: Reply | undefined;
  private current: Current | undefined;
  private betweenLines: string[] = [];
  private initStartMs = 0;
  private initDurationMs: number | undefined;
  private initTimer: NodeJS.Timeout | undefined;
  private settleReady!: { resolve: () => void; reject: (f: InitFailure) => void };
  private readonly exitListeners: (() => void)[] = [];

  private constructor(private readonly opts: EnvironmentOptions) {
    this.state = 'spare';
    this.ready = new Promise<void>((resolve, reject) => (this.settleReady = { resolve, reject }));
    this.ready.catch(() => undefined);
  }

  /**
   * Starts a process. `plan` receives the new endpoint's address and returns the command, plus the function when
   * it is known: then init starts at once. Without one the environment is a spare that waits (in
   * `GET /lambkin/claim`) until `assign` gives it a function.
   */
  static async start(
    opts: EnvironmentOptions,
    plan: (endpoint: RuntimeEndpoint) => { spec: ProcessSpec; assignment?: FunctionAssignment },
  ): Promise<Environment> {
    const env = new Environment(opts);
    const socketPath = opts.socketDir ? `${opts.socketDir}/${++socketSeq}.sock` : undefined;
    env.endpoint = await startRuntimeEndpoint(env, opts.maxResponseBytes, socketPath);
    const { spec, assignment } = plan(env.endpoint);
    env.proc = spawnEnvironmentProcess(spec);
    env.capture = new OutputCapture(env.proc.stdout!, env.proc.stderr!, (line) => env.onLine(line));
    env.proc.on('exit', (code, signal) => env.onExit(code, signal));
    env.proc.on('error', () => env.onExit(null, 'SIGKILL'));
    if (assignment) env.assign(assignment);
    return env;
  }

  get runtimeEndpoint(): RuntimeEndpoint {
    return this.endpoint;
  }

  onExitOnce(listener: () => void): void {
    this.exitListeners.push(listener);
  }

  /** Gives a spare its function. */
  assign(assignment: FunctionAssignment): void {
    if (this.state !== 'spare') throw new Error(`claim in state ${this.state}`);
    this.assignment = assignment;
    this.state = 'initializing';
    this.beginInit();
    if (this.parkedClaim) this.answerClaim(this.parkedClaim);
  }

  get claimable(): boolean {
    return this.state === 'spare' && this.parkedClaim !== undefined;
  }

  private beginInit(): void {
    this.initStartMs = performance.now();
    this.initTimer = setTimeout(() => this.initTimedOut(), this.opts.initTimeoutMs);
    for (const line of this.betweenLines) this.assignment!.logFile.append(line + '\n');
  }

  private answerClaim(res: Reply): void {
    this.parkedClaim = undefined;
    sendRuntimeJson(res, 200, { env: this.assignment!.env, cwd: this.assignment!.cwd });
  }

  // ---- Runtime API -------------------------------------------------------------------------------------------

  claim(res: Reply): void {
    if (this.state !== 'spare') return runtimeError(res, 403, 'InvalidStateTransition', 'This environment is already claimed');
    this.parkedClaim = res;
  }

  next(res: Reply): void {
    if (this.state === 'initializing') this.becomeReady();
    const c = this.current;
    if (c && !c.delivered) return this.deliver(res, c);
    // Once the result is accepted the runtime may ask for the next event at once (even pipelined), while lambkin
    // still settles the finished invocation's logs: park it.
    if (c && !c.answered) return runtimeError(res, 403, 'InvalidStateTransition', 'The current invocation has no result yet');
    if (this.state === 'spare' || this.state === 'dead') return runtimeError(res, 403, 'InvalidStateTransition', `State ${this.state}`);
    this.parkedNext = res;
    res.onClose(() => {
      if (this.parkedNext === res) this.parkedNext = undefined;
    });
  }

  result(kind: 'response' | 'error', requestId: string, req: RuntimeRequest, res: Reply): void {
    const c = this.current;
    if (!c || !c.delivered || c.answered || c.input.requestId !== requestId) {
      return runtimeError(res, 400, 'InvalidRequestID', 'Invalid request ID');
    }
    c.answered = true;
    this.acceptResult(kind, req, res, c);
  }

  initError(req: RuntimeRequest, res: Reply): void {
    if (this.state !== 'initializing') return runtimeError(res, 403, 'InvalidStateTransition', `State ${this.state}`);
    sendRuntimeJson(res, 202, { status: 'OK' });
    const errorType = normaliseErrorType(req.headers['lambda-runtime-function-error-type']);
    void this.afterLogs(req, () => this.failInit(new InitFailure(errorType, 'init error', req.body, this.takeBetweenLines())));
  }

  /** Runs `then` once the runtime's output up to this request has been read (Lambkin-Log-Bytes), at once if so. */
  private afterLogs(req: RuntimeRequest, then: () => void): void {
    const settle = this.capture.waitFor(req.headers['lambkin-log-bytes'], LOG_SETTLE_MS);
    if (settle) void settle.then(then);
    else then();
  }

  // ---- Invocations -------------------------------------------------------------------------------------------

  /** Runs one invocation; the environment must be ready (its first `next` arrived) and not busy. */
  run(input: InvocationInput): Promise<RunOutcome> {
    this.state = 'busy';
    const timeoutS = this.assignment!.fn.timeoutS;
    return new Promise((resolve) => {
      const c: Current = {
        input, delivered: false, answered: false, preLines: this.takeBetweenLines(), lines: [], resolve,
        timer: setTimeout(() => this.timedOut(c), timeoutS * 1000),
      };
      this.current = c;
      const parked = this.parkedNext;
      if (parked) {
        this.parkedNext = undefined;
        this.deliver(parked, c);
      }
    });
  }

  private deliver(res: Reply, c: Current): void {
    c.delivered = true;
    const i = c.input;
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json',
      'Lambda-Runtime-Aws-Request-Id': i.requestId,
      'Lambda-Runtime-Deadline-Ms': Date.now() + this.assignment!.fn.timeoutS * 1000,
      'Lambda-Runtime-Invoked-Function-Arn': i.invokedArn,
      'Lambda-Runtime-Trace-Id': i.traceId,
    };
    if (i.clientContext) headers['Lambda-Runtime-Client-Context'] = i.clientContext;
    res.send(200, i.payload, headers);
  }

  private acceptResult(kind: 'response' | 'error', req: RuntimeRequest, res: Reply, c: Current): void {
    const max = this.opts.maxResponseBytes;
    let outcome: Omit<RunOutcome, 'lines' | 'preLines'>;
    if (!req.body) {
      runtimeError(res, 413, 'RequestEntityTooLarge', `Exceeded maximum allowed payload size (${max} bytes).`);
      const errorType = 'Function.ResponseSizeTooLarge';
      const message = `Response payload size (${req.bodySize} bytes) exceeded maximum allowed payload size (${max} bytes).`;
      outcome = { payload: errorBody(errorType, message), contentType: 'application/json', functionError: true, status: 'error', errorType };
    } else {
      sendRuntimeJson(res, 202, { status: 'OK' });
      outcome = kind === 'response'
        ? { payload: req.body, contentType: req.headers['content-type'] ?? 'application/json', functionError: false }
        : {
            payload: req.body, contentType: 'application/json', functionError: true, status: 'error',
            errorType: normaliseErrorType(req.headers['lambda-runtime-function-error-type']),
          };
    }
    this.afterLogs(req, () => {
      if (this.current === c) this.finish(c, outcome);
    });
  }

  private finish(c: Current, outcome: Omit<RunOutcome, 'lines' | 'preLines'>): void {
    clearTimeout(c.timer);
    // Output without a final newline still belongs to this invocation (all its bytes have arrived by now).
    this.capture.flushPartial();
    this.current = undefined;
    if (this.state === 'busy') this.state = 'ready';
    this.lastUsedMs = Date.now();
    const result: RunOutcome = { ...outcome, preLines: c.preLines, lines: c.lines };
    if (this.initDurationMs !== undefined) {
      result.initDurationMs = this.initDurationMs;
      this.initDurationMs = undefined;
    }
    c.resolve(result);
  }

  private timedOut(c: Current): void {
    if (this.current !== c) return;
    const timeoutS = this.assignment!.fn.timeoutS.toFixed(2);
    const message = `RequestId: ${c.input.requestId} Error: Task timed out after ${timeoutS} seconds`;
    c.lines.push(`${new Date().toISOString()} ${c.input.requestId} Task timed out after ${timeoutS} seconds`);
    // The runtime is stopped and the environment reset: the next invocation gets a fresh one.
    this.stop();
    this.finish(c, {
      payload: errorBody('Sandbox.Timedout', message), contentType: 'application/json', functionError: true, status: 'timeout',
    });
  }

  // ---- Lifecycle ---------------------------------------------------------------------------------------------

  private becomeReady(): void {
    clearTimeout(this.initTimer);
    this.initDurationMs = performance.now() - this.initStartMs;
    this.state = 'ready';
    this.settleReady.resolve();
  }

  private failInit(failure: InitFailure): void {
    if (this.state !== 'initializing') return;
    clearTimeout(this.initTimer);
    this.stop();
    this.settleReady.reject(failure);
  }

  private initTimedOut(): void {
    const limit = (this.opts.initTimeoutMs / 1000).toFixed(2);
    this.failInit(new InitFailure('Sandbox.Timedout', `Init phase timed out after ${limit} seconds`, undefined, this.takeBetweenLines()));
  }

  private onLine(line: string): void {
    const c = this.current;
    if (c) c.lines.push(line);
    else if (this.betweenLines.length < MAX_BETWEEN_LINES) this.betweenLines.push(line);
    if (this.state !== 'spare') this.assignment?.logFile.append(line + '\n');
  }

  private takeBetweenLines(): string[] {
    const lines = this.betweenLines;
    this.betweenLines = [];
    return lines;
  }

  private exited = false;

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.exited) return;
    this.exited = true;
    // Give the pipes a moment to deliver what the process wrote last.
    setTimeout(() => this.afterExit(code === null ? `signal: ${SIGNAL_TEXT[signal ?? ''] ?? signal}` : `exit status ${code}`), 10);
  }

  private afterExit(how: string): void {
    this.capture.flushPartial();
    const wasInitializing = this.state === 'initializing';
    this.state = 'dead';
    const c = this.current;
    if (c && !c.delivered) {
      this.finish(c, { payload: Buffer.alloc(0), contentType: '', functionError: true, notDelivered: true });
    } else if (c) {
      const message = `RequestId: ${c.input.requestId} Error: Runtime exited with error: ${how}`;
      this.finish(c, {
        payload: errorBody('Runtime.ExitError', message), contentType: 'application/json', functionError: true,
        status: 'error', errorType: 'Runtime.ExitError',
      });
    }
    if (wasInitializing) {
      this.settleReady.reject(new InitFailure('Runtime.ExitError', `Runtime exited with error: ${how}`, undefined, this.takeBetweenLines()));
    }
    this.endpoint.close();
    this.assignment?.logFile.close();
    for (const l of this.exitListeners.splice(0)) l();
  }

  /** Stops the process tree; the exit handler does the rest. */
  stop(): void {
    if (this.state !== 'dead') this.state = 'dead';
    killProcessTree(this.proc);
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  private memoryMb = 0;
  private memorySampledAt = 0;

  /**
   * Peak resident memory of the runtime process (VmHWM), for the REPORT line. Read at most once a second per
   * environment: the peak only grows, and reading /proc on every warm invoke costs more than the invoke itself.
   */
  maxMemoryUsedMb(): number {
    const now = Date.now();
    if (now - this.memorySampledAt < MEMORY_SAMPLE_MS) return this.memoryMb;
    this.memorySampledAt = now;
    try {
      const status = fs.readFileSync(`/proc/${this.proc.pid}/status`, 'latin1');
      const m = /VmHWM:\s+(\d+) kB/.exec(status);
      if (m) this.memoryMb = Math.ceil(Number(m[1]) / 1024);
    } catch {
      // the process is gone; keep the last sample
    }
    return this.memoryMb;
  }
}

export function errorBody(errorType: string, errorMessage: string): Buffer {
  return Buffer.from(JSON.stringify({ errorType, errorMessage }));
}

/** RIE's rule: keep `Runtime.X`/`Function.X`, map other `Function.*` to Function.Unknown, the rest to Runtime.Unknown. */
function normaliseErrorType(raw: string | undefined): string {
  if (raw && /^(Runtime|Function)\.[A-Z][a-zA-Z]+$/.test(raw)) return raw;
  return raw?.startsWith('Function.') ? 'Function.Unknown' : 'Runtime.Unknown';
}
