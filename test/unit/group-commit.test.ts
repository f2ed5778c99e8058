// Group commit (src/core/group-commit.ts): what is handed in together is written together and in order; urgent
// changes are written at the end of the turn and take deferred ones along; an empty add resolves after earlier writes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupCommit } from '../../src/core/group-commit.js';

function recorder() {
  const writes: string[][] = [];
  const commit = new GroupCommit<string>(async (items) => {
    writes.push(items);
  }, 30);
  return { writes, commit };
}

describe('GroupCommit', () => {
  test('adds in one turn share one write; callers resolve after it', async () => {
    const { writes, commit } = recorder();
    await Promise.all([commit.add(['a']), commit.add(['b', 'c'])]);
    assert.deepEqual(writes, [['a', 'b', 'c']]);
  });

  test('deferred changes wait for company; an urgent one takes them along, in order', async () => {
    const { writes, commit } = recorder();
    const deferred = commit.add(['d1'], false);
    await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(writes, [], 'not written yet');
    await commit.add(['u1']);
    await deferred;
    assert.deepEqual(writes, [['d1', 'u1']]);
  });

  test('deferred changes alone are written after the delay', async () => {
    const { writes, commit } = recorder();
    const started = performance.now();
    await commit.add(['d1'], false);
    assert.ok(performance.now() - started >= 25);
    assert.deepEqual(writes, [['d1']]);
  });

  test('an empty add resolves (after what came before it), writing nothing', async () => {
    const { writes, commit } = recorder();
    commit.add(['a']);
    await commit.add([]);
    assert.deepEqual(writes, [['a']]);
    await commit.add([]);
    assert.deepEqual(writes, [['a']]);
  });

  test('a failed write rejects its callers only; flush waits for everything handed in', async () => {
    let fail = true;
    const writes: string[][] = [];
    const commit = new GroupCommit<string>(async (items) => {
      if (fail) throw new Error('disk full');
      writes.push(items);
    });
    await assert.rejects(commit.add(['x']), /disk full/);
    fail = false;
    commit.add(['y'], false);
    await commit.flush();
    assert.deepEqual(writes, [['y']]);
  });
});
