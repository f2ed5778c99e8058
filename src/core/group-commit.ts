/**
 * Group commit: changes handed in together are written in one transaction, and each caller's promise resolves once
 * the write holding its changes is done (durable, for the store). "Accepted means durable" stays true while many
 * accepts share one transaction (DESIGN §2).
 *
 * Two kinds of change share one ordered list, so a write never overtakes an earlier one:
 * - urgent ones (a caller waits to answer a client) are written at the end of the current turn of the event loop,
 *   together with whatever came in during that turn;
 * - deferred ones (nobody waits: losing them in a crash only repeats work, as at-least-once allows) wait up to
 *   `deferMs` for company, so a busy stream of them costs one transaction per interval instead of one per change.
 *   An urgent change takes every deferred one before it along.
 */
export class GroupCommit<T> {
  private pending: T[] = [];
  private waiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  private immediate = false;
  private timer: NodeJS.Timeout | undefined;
  /** The last write handed to `write`: once it settles, every earlier one has too. */
  private last: Promise<void> = Promise.resolve();

  constructor(private readonly write: (items: T[]) => Promise<void>, private readonly deferMs = 10) {}

  add(items: readonly T[], urgent = true): Promise<void> {
    for (const item of items) this.pending.push(item);
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    if (urgent) this.runSoon();
    else if (!this.immediate && !this.timer) this.timer = setTimeout(() => this.run(), this.deferMs);
    return done;
  }

  /** Resolves when everything handed in so far is written (or has failed). */
  async flush(): Promise<void> {
    if (this.pending.length) this.runSoon();
    while (this.immediate) await new Promise<void>((r) => setImmediate(r));
    await this.last.catch(() => undefined);
  }

  private runSoon(): void {
    if (this.immediate) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.immediate = true;
    // setImmediate lets every request read in this turn of the event loop join the same transaction.
    setImmediate(() => this.run());
  }

  private run(): void {
    this.immediate = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    const items = this.pending;
    const waiters = this.waiters;
    if (waiters.length === 0) return;
    this.pending = [];
    this.waiters = [];
    // An empty add (a caller waiting for what came before it) still waits for, and resolves after, earlier writes.
    const written = items.length ? this.write(items) : this.last;
    this.last = written.then(
      () => { for (const w of waiters) w.resolve(); },
      (err) => { for (const w of waiters) w.reject(err); },
    );
  }
}
