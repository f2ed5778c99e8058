// Java regular expressions (selectionPattern, template String methods) translated to JavaScript.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  javaMatches, javaReplaceAll, javaReplaceFirst, javaSplit, JavaRegexError, translateJavaRegex,
} from '../../src/apigw/engine/java-regex.js';

/** [pattern, input, whole match as Java's String.matches]. */
const MATCHES: Array<[string, string, boolean]> = [
  ['bad input.*', 'bad input: a is missing', true],
  ['bad input.*', 'a bad input', false],
  ['a|ab', 'ab', true],
  ['.+', 'line one\nline two', false],
  ['(?s).+', 'line one\nline two', true],
  ['.*Not Found.*', 'Item\nNot Found', false],
  ['(?s).*Not Found.*', 'Item\nNot Found', true],
  ['(?i)not found: .*', 'NOT FOUND: item 7', true],
  ['not found: .*', 'NOT FOUND: item 7', false],
  ['(?is)error.*', 'ERROR\nstack', true],
  ['(?i)(?s)error.*', 'ERROR\nstack', true],
  ['(?m)^b$', 'a\nb', false],
  ['(?m)a$\\nb', 'a\nb', true],
  ['\\Q[1+1]\\E=2', '[1+1]=2', true],
  ['\\Q.*', 'abc', false],
  ['\\Q.*', '.*', true],
  ['\\p{Alpha}+', 'Hello', true],
  ['\\p{Alpha}+', 'Héllo', false],
  ['\\p{Digit}{3}', '123', true],
  ['\\p{Alnum}+', 'abc123', true],
  ['\\p{Upper}\\p{Lower}+', 'Hello', true],
  ['\\p{Punct}+', '!?.,;', true],
  ['\\p{Space}+', ' \t\n', true],
  ['\\p{XDigit}+', 'deadBEEF09', true],
  ['\\p{XDigit}+', 'xyz', false],
  ['[\\p{Digit}-]+', '12-34', true],
  ['\\P{Digit}+', 'abc', true],
  ['a*+b', 'aaab', true],
  ['a++b', 'aaab', true],
  ['a?+b', 'ab', true],
  ['a{1,3}+b', 'aaab', true],
  ['a{2}', 'aa', true],
  ['(?>ab|a)c', 'abc', true],
  ['\\s+', '\u00a0', false],
  ['\\d+', '123', true],
  ['[a-c]+x', 'abcx', true],
  ['[^a-c]+', 'xyz', true],
  ['\\Aabc\\z', 'abc', true],
  ['4\\d\\d: .*', '404: no such item', true],
];

describe('Java regex: whole-string match (String.matches)', () => {
  for (const [pattern, input, want] of MATCHES) {
    test(`${JSON.stringify(pattern)} ~ ${JSON.stringify(input)} → ${want}`, () => {
      assert.equal(javaMatches(pattern, input), want);
    });
  }
});

describe('Java regex: refused constructs and errors', () => {
  for (const pattern of ['[a-z&&[^aeiou]]', '[a-d[m-p]]', 'a(?i)b', '(?x) a b', '\\p{L}', '\\y', 'a{', '(unclosed', '[abc', '\\G']) {
    test(`${JSON.stringify(pattern)} is a JavaRegexError`, () => {
      assert.throws(() => translateJavaRegex(pattern), JavaRegexError);
    });
  }
});

describe('Java regex: replaceAll, replaceFirst, split', () => {
  test('replaceAll and replaceFirst with groups, named groups and escapes in the replacement', () => {
    assert.equal(javaReplaceAll('a1b22c333', '\\d+', '#'), 'a#b#c#');
    assert.equal(javaReplaceFirst('a1b22c333', '\\d+', '#'), 'a#b22c333');
    assert.equal(javaReplaceAll('john smith', '(\\w+) (\\w+)', '$2, $1'), 'smith, john');
    assert.equal(javaReplaceAll('2026-12-04', '(?<y>\\d+)-(?<m>\\d+)-(?<d>\\d+)', '${d}/${m}/${y}'), '04/12/2026');
    assert.equal(javaReplaceAll('cost', 'cost', '\\$5 \\\\'), '$5 \\');
    assert.equal(javaReplaceAll('a.b.c', '\\.', '/'), 'a/b/c');
    assert.equal(javaReplaceAll('abc', '', '-'), '-a-b-c-');
    assert.throws(() => javaReplaceAll('abc', 'b', '$'), JavaRegexError);
  });
  test('split drops trailing empty strings and a leading empty piece from a zero-width match', () => {
    assert.deepEqual(javaSplit('a,b,,c,,', ','), ['a', 'b', '', 'c']);
    assert.deepEqual(javaSplit(',a', ','), ['', 'a']);
    assert.deepEqual(javaSplit('abc', ''), ['a', 'b', 'c']);
    assert.deepEqual(javaSplit('a1b2c3', '\\d'), ['a', 'b', 'c']);
    assert.deepEqual(javaSplit('a(b)c', '(\\()'), ['a', 'b)c'], 'groups do not appear in the pieces, unlike JavaScript');
    assert.deepEqual(javaSplit('', ','), ['']);
    assert.deepEqual(javaSplit('no-sep', ','), ['no-sep']);
  });
});
