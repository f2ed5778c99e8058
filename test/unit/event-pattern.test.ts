// Event pattern matcher shared by Lambda FilterCriteria and EventBridge rules (event-sources.md §2.5; Lambda DG
// "Lambda event filtering"; EventBridge UG "Event patterns" / "Comparison operators").
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  JsonNumber, MAX_EVENT_DEPTH, MAX_PATTERN_DEPTH, PatternError, matchesPattern, matchesSqsRecord, parseEventJson,
  parsePattern,
} from '../../src/core/event-pattern.js';

/** One row: a pattern (JSON text, or a value that is stringified), an event, and whether it should match. */
interface Row {
  name: string;
  pattern: string | object;
  event: unknown;
  match: boolean;
}

const text = (pattern: string | object) => (typeof pattern === 'string' ? pattern : JSON.stringify(pattern));
/** Event from JSON text, keeping number source text (needed wherever `300` vs `300.0` matters). */
const ev = (json: string) => parseEventJson(json);

function table(title: string, rows: Row[]): void {
  describe(title, () => {
    for (const row of rows) {
      test(`${row.match ? 'matches' : 'no match'}: ${row.name}`, () => {
        assert.equal(matchesPattern(parsePattern(text(row.pattern)), row.event), row.match);
      });
    }
  });
}

table('structure: AND across fields, OR within a list, nesting, missing fields', [
  { name: 'single exact value', pattern: { source: ['aws.ec2'] }, event: { source: 'aws.ec2' }, match: true },
  { name: 'other value', pattern: { source: ['aws.ec2'] }, event: { source: 'aws.s3' }, match: false },
  { name: 'OR within the list', pattern: { source: ['aws.ec2', 'aws.fargate'] }, event: { source: 'aws.fargate' }, match: true },
  { name: 'AND: both fields match', pattern: { a: ['1'], b: ['2'] }, event: { a: '1', b: '2' }, match: true },
  { name: 'AND: one field fails', pattern: { a: ['1'], b: ['2'] }, event: { a: '1', b: '3' }, match: false },
  { name: 'AND: one field missing', pattern: { a: ['1'], b: ['2'] }, event: { a: '1' }, match: false },
  { name: 'fields not in the pattern are ignored', pattern: { a: ['1'] }, event: { a: '1', z: 'anything', y: { k: 1 } }, match: true },
  {
    name: 'nested objects',
    pattern: { detail: { state: ['terminated'], 'instance-id': [{ prefix: 'i-' }] } },
    event: { source: 'aws.ec2', detail: { 'instance-id': 'i-1234', state: 'terminated' } },
    match: true,
  },
  { name: 'nested field missing', pattern: { detail: { state: ['x'] } }, event: { detail: {} }, match: false },
  { name: 'nested parent missing', pattern: { detail: { state: ['x'] } }, event: {}, match: false },
  { name: 'nested pattern against a scalar', pattern: { detail: { state: ['x'] } }, event: { detail: 'x' }, match: false },
  { name: 'leaf pattern against an object', pattern: { detail: ['x'] }, event: { detail: { x: 'x' } }, match: false },
  {
    name: 'multi-level (DynamoDB Keys.Id.N)',
    pattern: { dynamodb: { Keys: { Id: { N: ['101'] } } } },
    event: { dynamodb: { Keys: { Id: { N: '101' } }, SizeBytes: 26 } },
    match: true,
  },
  { name: 'event that is not an object', pattern: { a: ['x'] }, event: 'x', match: false },
  { name: 'prototype properties are not fields', pattern: { constructor: [{ exists: true }] }, event: {}, match: false },
  { name: 'own "constructor" field', pattern: { constructor: ['c'] }, event: { constructor: 'c' }, match: true },
  { name: 'own "__proto__" field from parseEventJson', pattern: '{"__proto__":["p"]}', event: ev('{"__proto__":"p"}'), match: true },
]);

table('exact strings, null, empty string, booleans (byte-exact, no normalization)', [
  { name: 'case matters', pattern: { name: ['Alice'] }, event: { name: 'alice' }, match: false },
  { name: 'no trimming', pattern: { name: ['Alice'] }, event: { name: 'Alice ' }, match: false },
  { name: 'no Unicode normalization (é vs e + U+0301)', pattern: { n: ['\u00e9'] }, event: { n: 'e\u0301' }, match: false },
  { name: 'same code points', pattern: { n: ['\u00e9'] }, event: { n: '\u00e9' }, match: true },
  { name: 'null matches null', pattern: { r: [null] }, event: { r: null }, match: true },
  { name: 'null does not match a missing field', pattern: { r: [null] }, event: {}, match: false },
  { name: 'null does not match ""', pattern: { r: [null] }, event: { r: '' }, match: false },
  { name: '"" matches ""', pattern: { v: [''] }, event: { v: '' }, match: true },
  { name: '"" does not match null', pattern: { v: [''] }, event: { v: null }, match: false },
  { name: 'true matches true', pattern: { b: [true] }, event: { b: true }, match: true },
  { name: 'true does not match "true"', pattern: { b: [true] }, event: { b: 'true' }, match: false },
  { name: '"true" does not match true', pattern: { b: ['true'] }, event: { b: true }, match: false },
  { name: 'false matches false', pattern: { b: [false] }, event: { b: false }, match: true },
  { name: 'string "300" does not match the number 300', pattern: { n: ['300'] }, event: { n: 300 }, match: false },
]);

table('exact numbers compare by string form (300 ≠ 300.0 ≠ 3.0e2)', [
  { name: '300 vs 300', pattern: '{"n":[300]}', event: ev('{"n":300}'), match: true },
  { name: '300 vs 300.0', pattern: '{"n":[300]}', event: ev('{"n":300.0}'), match: false },
  { name: '300 vs 3.0e2', pattern: '{"n":[300]}', event: ev('{"n":3.0e2}'), match: false },
  { name: '300.0 vs 300.0', pattern: '{"n":[300.0]}', event: ev('{"n":300.0}'), match: true },
  { name: '300.0 vs 300', pattern: '{"n":[300.0]}', event: ev('{"n":300}'), match: false },
  { name: '3.0e2 vs 3.0e2', pattern: '{"n":[3.0e2]}', event: ev('{"n":3.0e2}'), match: true },
  { name: '1e2 vs 1E2', pattern: '{"n":[1e2]}', event: ev('{"n":1E2}'), match: false },
  { name: '-0 vs 0', pattern: '{"n":[-0]}', event: ev('{"n":0}'), match: false },
  { name: 'number vs the string "300"', pattern: '{"n":[300]}', event: ev('{"n":"300"}'), match: false },
  { name: 'big integers keep every digit', pattern: '{"n":[12345678901234567890]}', event: ev('{"n":12345678901234567891}'), match: false },
  { name: 'plain JS number uses its canonical form (300)', pattern: '{"n":[300]}', event: { n: 300 }, match: true },
  { name: 'plain JS number 300.5', pattern: '{"n":[300.5]}', event: { n: 300.5 }, match: true },
  { name: 'plain JS number cannot be 300.0', pattern: '{"n":[300.0]}', event: { n: 300 }, match: false },
  { name: 'OR of numbers (console example {"a":[1,2]})', pattern: '{"a":[1,2]}', event: ev('{"a":2}'), match: true },
]);

table('prefix and suffix (plain and equals-ignore-case)', [
  { name: 'prefix', pattern: { region: [{ prefix: 'us-' }] }, event: { region: 'us-east-1' }, match: true },
  { name: 'prefix miss', pattern: { region: [{ prefix: 'us-' }] }, event: { region: 'eu-west-1' }, match: false },
  { name: 'prefix is case-sensitive', pattern: { region: [{ prefix: 'us-' }] }, event: { region: 'US-east-1' }, match: false },
  { name: 'prefix equal to the whole value', pattern: { t: [{ prefix: '2017-10-02' }] }, event: { t: '2017-10-02' }, match: true },
  { name: 'empty prefix matches any string', pattern: { t: [{ prefix: '' }] }, event: { t: 'x' }, match: true },
  { name: 'prefix only on strings', pattern: { n: [{ prefix: '1' }] }, event: { n: 123 }, match: false },
  { name: 'prefix on a missing field', pattern: { n: [{ prefix: '' }] }, event: {}, match: false },
  {
    name: 'prefix ignore case',
    pattern: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] },
    event: { service: 'eventbridge' },
    match: true,
  },
  {
    name: 'prefix ignore case miss',
    pattern: { service: [{ prefix: { 'equals-ignore-case': 'EventB' } }] },
    event: { service: 'sqs' },
    match: false,
  },
  { name: 'suffix', pattern: { file: [{ suffix: '.png' }] }, event: { file: 'a/b.png' }, match: true },
  { name: 'suffix is case-sensitive', pattern: { file: [{ suffix: '.png' }] }, event: { file: 'a/b.PNG' }, match: false },
  { name: 'suffix ignore case', pattern: { file: [{ suffix: { 'equals-ignore-case': '.png' } }] }, event: { file: 'B.PNG' }, match: true },
  { name: 'suffix only on strings', pattern: { n: [{ suffix: '0' }] }, event: { n: 10 }, match: false },
]);

table('equals-ignore-case', [
  { name: 'different case', pattern: { name: [{ 'equals-ignore-case': 'alice' }] }, event: { name: 'ALICE' }, match: true },
  { name: 'different value', pattern: { name: [{ 'equals-ignore-case': 'alice' }] }, event: { name: 'alicia' }, match: false },
  { name: 'non-ASCII letters', pattern: { n: [{ 'equals-ignore-case': 'ÉTÉ' }] }, event: { n: 'été' }, match: true },
  { name: 'only strings', pattern: { b: [{ 'equals-ignore-case': 'true' }] }, event: { b: true }, match: false },
]);

table('wildcard', [
  { name: 'suffix-like *.png', pattern: { f: [{ wildcard: '*.png' }] }, event: { f: 'cat.png' }, match: true },
  { name: 'dir/*.png', pattern: { f: [{ wildcard: 'dir/*.png' }] }, event: { f: 'dir/a/b.png' }, match: true },
  { name: 'dir/*.png other dir', pattern: { f: [{ wildcard: 'dir/*.png' }] }, event: { f: 'other/a.png' }, match: false },
  { name: '* matches the empty string', pattern: { f: [{ wildcard: 'a*b' }] }, event: { f: 'ab' }, match: true },
  { name: 'middle segment', pattern: { s: [{ wildcard: 'Simple*Service' }] }, event: { s: 'Simple Queue Service' }, match: true },
  { name: 'several stars', pattern: { s: [{ wildcard: '*Title*' }] }, event: { s: 'My Title here' }, match: true },
  { name: 'segments must not overlap', pattern: { s: [{ wildcard: 'ab*ba' }] }, event: { s: 'aba' }, match: false },
  { name: 'repeated segments', pattern: { s: [{ wildcard: '*a*a*a' }] }, event: { s: 'xaxa' }, match: false },
  { name: 'repeated segments present', pattern: { s: [{ wildcard: '*a*a*a' }] }, event: { s: 'aaa' }, match: true },
  { name: 'no star means exact', pattern: { s: [{ wildcard: 'abc' }] }, event: { s: 'abcd' }, match: false },
  { name: 'lone * matches any string', pattern: { s: [{ wildcard: '*' }] }, event: { s: '' }, match: true },
  { name: 'is case-sensitive', pattern: { s: [{ wildcard: '*.png' }] }, event: { s: 'a.PNG' }, match: false },
  { name: 'escaped star is literal', pattern: '{"s":[{"wildcard":"a\\\\*b"}]}', event: { s: 'a*b' }, match: true },
  { name: 'escaped star is not a wildcard', pattern: '{"s":[{"wildcard":"a\\\\*b"}]}', event: { s: 'axb' }, match: false },
  { name: 'escaped backslash', pattern: '{"s":[{"wildcard":"a\\\\\\\\*"}]}', event: { s: 'a\\zzz' }, match: true },
  { name: 'star spans newlines', pattern: { s: [{ wildcard: 'a*b' }] }, event: { s: 'a\n\nb' }, match: true },
  { name: 'only strings', pattern: { n: [{ wildcard: '1*' }] }, event: { n: 12 }, match: false },
]);

table('anything-but', [
  { name: 'single string, other value', pattern: { state: [{ 'anything-but': 'initializing' }] }, event: { state: 'running' }, match: true },
  { name: 'single string, excluded', pattern: { state: [{ 'anything-but': 'initializing' }] }, event: { state: 'initializing' }, match: false },
  { name: 'string list', pattern: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] }, event: { state: 'running' }, match: true },
  { name: 'string list, excluded', pattern: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] }, event: { state: 'stopped' }, match: false },
  { name: 'Lambda "Not" form', pattern: { Weather: [{ 'anything-but': ['Raining'] }] }, event: { Weather: 'Sunny' }, match: true },
  { name: 'is case-sensitive', pattern: { s: [{ 'anything-but': 'x' }] }, event: { s: 'X' }, match: true },
  { name: 'missing field never matches', pattern: { state: [{ 'anything-but': 'x' }] }, event: {}, match: false },
  { name: 'empty array never matches', pattern: { state: [{ 'anything-but': 'x' }] }, event: { state: [] }, match: false },
  { name: 'object-valued field is no leaf', pattern: { state: [{ 'anything-but': 'x' }] }, event: { state: { a: 1 } }, match: false },
  { name: 'null is anything but "x"', pattern: { s: [{ 'anything-but': 'x' }] }, event: { s: null }, match: true },
  { name: 'a number is anything but a string', pattern: { s: [{ 'anything-but': '123' }] }, event: { s: 123 }, match: true },
  { name: 'single number', pattern: '{"x":[{"anything-but":123}]}', event: ev('{"x":124}'), match: true },
  { name: 'single number, excluded', pattern: '{"x":[{"anything-but":123}]}', event: ev('{"x":123}'), match: false },
  { name: 'number list, excluded', pattern: '{"x":[{"anything-but":[100,200,300]}]}', event: ev('{"x":200}'), match: false },
  { name: 'number list compares by value (100.0)', pattern: '{"x":[{"anything-but":[100,200]}]}', event: ev('{"x":100.0}'), match: false },
  { name: 'number list compares by value (1e2)', pattern: '{"x":[{"anything-but":[100]}]}', event: ev('{"x":1e2}'), match: false },
  { name: 'number list, other number', pattern: '{"x":[{"anything-but":[100,200]}]}', event: ev('{"x":100.1}'), match: true },
  { name: 'number list, a string "100"', pattern: '{"x":[{"anything-but":[100]}]}', event: ev('{"x":"100"}'), match: true },
  { name: 'array: one element outside the list', pattern: '{"x":[{"anything-but":[100,500]}]}', event: ev('{"x":[100,50]}'), match: true },
  { name: 'array: every element excluded', pattern: '{"x":[{"anything-but":[100,500]}]}', event: ev('{"x":[100,500]}'), match: false },
  { name: 'prefix', pattern: { source: [{ 'anything-but': { prefix: 'aws.' } }] }, event: { source: 'my.app' }, match: true },
  { name: 'prefix, excluded', pattern: { source: [{ 'anything-but': { prefix: 'aws.' } }] }, event: { source: 'aws.ec2' }, match: false },
  { name: 'prefix list', pattern: { s: [{ 'anything-but': { prefix: ['init', 'stop'] } }] }, event: { s: 'stopped' }, match: false },
  { name: 'prefix, non-string value', pattern: { s: [{ 'anything-but': { prefix: '1' } }] }, event: { s: 10 }, match: true },
  { name: 'prefix, missing field', pattern: { s: [{ 'anything-but': { prefix: 'x' } }] }, event: {}, match: false },
  { name: 'suffix', pattern: { f: [{ 'anything-but': { suffix: '.png' } }] }, event: { f: 'a.jpg' }, match: true },
  { name: 'suffix, excluded', pattern: { f: [{ 'anything-but': { suffix: '.png' } }] }, event: { f: 'a.png' }, match: false },
  {
    name: 'equals-ignore-case, excluded',
    pattern: { s: [{ 'anything-but': { 'equals-ignore-case': 'initializing' } }] },
    event: { s: 'INITIALIZING' },
    match: false,
  },
  {
    name: 'equals-ignore-case list',
    pattern: { s: [{ 'anything-but': { 'equals-ignore-case': ['initializing', 'stopped'] } }] },
    event: { s: 'Running' },
    match: true,
  },
  { name: 'wildcard, excluded', pattern: { p: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, event: { p: '/usr/lib/x' }, match: false },
  { name: 'wildcard, other path', pattern: { p: [{ 'anything-but': { wildcard: '*/lib/*' } }] }, event: { p: '/usr/bin/x' }, match: true },
]);

table('numeric', [
  { name: '= same value, other spelling (3.018e2 vs 301.8)', pattern: '{"x":[{"numeric":["=",3.018e2]}]}', event: ev('{"x":301.8}'), match: true },
  { name: '= 100 vs 100.0', pattern: '{"p":[{"numeric":["=",100]}]}', event: ev('{"p":100.0}'), match: true },
  { name: '= other value', pattern: '{"p":[{"numeric":["=",100]}]}', event: ev('{"p":101}'), match: false },
  { name: '< below', pattern: '{"d":[{"numeric":["<",10]}]}', event: { d: 9.5 }, match: true },
  { name: '< at the bound', pattern: '{"d":[{"numeric":["<",10]}]}', event: { d: 10 }, match: false },
  { name: '<= at the bound', pattern: '{"d":[{"numeric":["<=",10]}]}', event: { d: 10 }, match: true },
  { name: '> at the bound', pattern: '{"d":[{"numeric":[">",0]}]}', event: { d: 0 }, match: false },
  { name: '>= at the bound', pattern: '{"d":[{"numeric":[">=",0]}]}', event: { d: 0 }, match: true },
  { name: 'negative numbers', pattern: '{"d":[{"numeric":["<",0]}]}', event: { d: -0.5 }, match: true },
  { name: 'range inside', pattern: '{"c":[{"numeric":[">",0,"<=",5]}]}', event: { c: 5 }, match: true },
  { name: 'range lower bound excluded', pattern: '{"c":[{"numeric":[">",0,"<=",5]}]}', event: { c: 0 }, match: false },
  { name: 'range above', pattern: '{"c":[{"numeric":[">",0,"<=",5]}]}', event: { c: 5.000001 }, match: false },
  { name: 'range written upper bound first', pattern: '{"c":[{"numeric":["<",10,">=",5]}]}', event: { c: 5 }, match: true },
  { name: 'string numbers are not numbers', pattern: '{"t":[{"numeric":[">",50]}]}', event: { t: '60' }, match: false },
  { name: 'booleans are not numbers', pattern: '{"t":[{"numeric":[">",0]}]}', event: { t: true }, match: false },
  { name: 'missing field', pattern: '{"t":[{"numeric":[">",0]}]}', event: {}, match: false },
  { name: 'any element of an array', pattern: '{"t":[{"numeric":[">",10]}]}', event: { t: [1, 2, 30] }, match: true },
  { name: 'six decimal places: 0.1 + 0.2 = 0.3', pattern: '{"t":[{"numeric":["=",0.3]}]}', event: { t: 0.1 + 0.2 }, match: true },
  { name: 'six decimal places: 7th digit ignored', pattern: '{"t":[{"numeric":["=",1.5]}]}', event: ev('{"t":1.5000001}'), match: true },
  { name: 'six decimal places: 6th digit counts', pattern: '{"t":[{"numeric":["=",1.5]}]}', event: ev('{"t":1.500001}'), match: false },
  { name: 'largest supported value', pattern: '{"t":[{"numeric":[">=",5e9]}]}', event: ev('{"t":5000000000}'), match: true },
  { name: 'event value above 5.0e9 never matches', pattern: '{"t":[{"numeric":[">",0]}]}', event: ev('{"t":5000000001}'), match: false },
  { name: 'DynamoDB N values are strings', pattern: '{"N":[{"numeric":[">",5]}]}', event: { N: '10' }, match: false },
]);

table('exists', [
  { name: 'true: present', pattern: { p: [{ exists: true }] }, event: { p: 'x' }, match: true },
  { name: 'true: missing', pattern: { p: [{ exists: true }] }, event: {}, match: false },
  { name: 'true: null is a value', pattern: { p: [{ exists: true }] }, event: { p: null }, match: true },
  { name: 'true: "" is a value', pattern: { p: [{ exists: true }] }, event: { p: '' }, match: true },
  { name: 'true: object is not a leaf', pattern: { p: [{ exists: true }] }, event: { p: { c1: 100 } }, match: false },
  { name: 'true: empty array has no leaf', pattern: { p: [{ exists: true }] }, event: { p: [] }, match: false },
  { name: 'true: array of scalars', pattern: { p: [{ exists: true }] }, event: { p: ['a'] }, match: true },
  { name: 'false: missing', pattern: { detail: { c: [{ exists: false }] } }, event: { detail: { state: 'x' } }, match: true },
  { name: 'false: present', pattern: { detail: { c: [{ exists: false }] } }, event: { detail: { c: 1 } }, match: false },
  { name: 'false: present as null', pattern: { c: [{ exists: false }] }, event: { c: null }, match: false },
  { name: 'false: object-valued field is not a leaf', pattern: { d: { c: [{ exists: false }] } }, event: { d: { c: { c1: 100 } } }, match: true },
  { name: 'false: parent missing', pattern: { detail: { c: [{ exists: false }] } }, event: {}, match: true },
  { name: 'false: parent is a scalar', pattern: { detail: { c: [{ exists: false }] } }, event: { detail: 'x' }, match: true },
  { name: 'false: empty array', pattern: { c: [{ exists: false }] }, event: { c: [] }, match: true },
  { name: 'OR with a value: missing', pattern: { c: ['a', { exists: false }] }, event: {}, match: true },
  { name: 'OR with a value: value', pattern: { c: ['a', { exists: false }] }, event: { c: 'a' }, match: true },
  { name: 'OR with a value: other value', pattern: { c: ['a', { exists: false }] }, event: { c: 'b' }, match: false },
]);

table('cidr', [
  { name: 'IPv4 in block', pattern: { ip: [{ cidr: '10.0.0.0/24' }] }, event: { ip: '10.0.0.255' }, match: true },
  { name: 'IPv4 outside block', pattern: { ip: [{ cidr: '10.0.0.0/24' }] }, event: { ip: '10.0.1.0' }, match: false },
  { name: 'IPv4 /8', pattern: { ip: [{ cidr: '10.0.0.0/8' }] }, event: { ip: '10.200.3.4' }, match: true },
  { name: 'IPv4 /0 matches any IPv4', pattern: { ip: [{ cidr: '0.0.0.0/0' }] }, event: { ip: '8.8.8.8' }, match: true },
  { name: 'host bits in the block are ignored', pattern: { ip: [{ cidr: '10.0.0.77/24' }] }, event: { ip: '10.0.0.1' }, match: true },
  { name: 'bare address is /32', pattern: { ip: [{ cidr: '10.0.0.1' }] }, event: { ip: '10.0.0.1' }, match: true },
  { name: 'bare address, other address', pattern: { ip: [{ cidr: '10.0.0.1' }] }, event: { ip: '10.0.0.2' }, match: false },
  { name: 'IPv6 in block', pattern: { ip: [{ cidr: '2001:db8::/32' }] }, event: { ip: '2001:db8:1:2::3' }, match: true },
  { name: 'IPv6 outside block', pattern: { ip: [{ cidr: '2001:db8::/32' }] }, event: { ip: '2001:db9::1' }, match: false },
  { name: 'IPv6 written in full', pattern: { ip: [{ cidr: '2001:db8::/64' }] }, event: { ip: '2001:0db8:0000:0000:ffff:0:0:1' }, match: true },
  { name: 'IPv6 with embedded IPv4', pattern: { ip: [{ cidr: '::ffff:10.0.0.0/120' }] }, event: { ip: '::ffff:10.0.0.9' }, match: true },
  { name: 'IPv4 never matches an IPv6 block', pattern: { ip: [{ cidr: '::/0' }] }, event: { ip: '10.0.0.1' }, match: false },
  { name: 'not an address', pattern: { ip: [{ cidr: '10.0.0.0/24' }] }, event: { ip: '10.0.0.x' }, match: false },
  { name: 'only strings', pattern: { ip: [{ cidr: '0.0.0.0/0' }] }, event: { ip: 167772161 }, match: false },
]);

table('arrays in events', [
  {
    name: 'intersection with the event array is non-empty',
    pattern: { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f', 'arn:other'] },
    event: { resources: ['arn:aws:autoscaling:x', 'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f'] },
    match: true,
  },
  { name: 'no common element', pattern: { r: ['a', 'b'] }, event: { r: ['c', 'd'] }, match: false },
  { name: 'empty event array', pattern: { r: ['a'] }, event: { r: [] }, match: false },
  { name: 'nested arrays are flattened', pattern: { r: ['x'] }, event: { r: [['a'], [['x']]] }, match: true },
  { name: 'objects inside a value array are not leaves', pattern: { r: ['x'] }, event: { r: [{ v: 'x' }] }, match: false },
  {
    name: 'array of objects: one element matches',
    pattern: { employees: { firstName: ['Anna'] } },
    event: { employees: [{ firstName: 'John', lastName: 'Doe' }, { firstName: 'Anna', lastName: 'Smith' }] },
    match: true,
  },
  {
    name: 'array of objects: fields never combine across elements',
    pattern: { employees: { firstName: ['Anna'], lastName: ['Jones'] } },
    event: { employees: [{ firstName: 'Anna', lastName: 'Smith' }, { firstName: 'Peter', lastName: 'Jones' }] },
    match: false,
  },
  {
    name: 'array of objects: both fields in one element',
    pattern: { employees: { firstName: ['Peter'], lastName: ['Jones'] } },
    event: { employees: [{ firstName: 'Anna', lastName: 'Smith' }, { firstName: 'Peter', lastName: 'Jones' }] },
    match: true,
  },
  {
    name: 'multi-level arrays of objects',
    pattern: { employees: { firstName: ['Peter'] } },
    event: { employees: [[{ firstName: 'John' }], [{ firstName: 'Peter' }]] },
    match: true,
  },
  {
    name: 'exists:false inside an array of objects is checked per element',
    pattern: { items: { b: ['x'], c: [{ exists: false }] } },
    event: { items: [{ b: 'x', c: 1 }, { b: 'x' }] },
    match: true,
  },
  { name: 'array without objects against a nested pattern', pattern: { a: { b: ['x'] } }, event: { a: ['x'] }, match: false },
  { name: 'empty array against exists:false below it', pattern: { a: { b: [{ exists: false }] } }, event: { a: [] }, match: true },
]);

table('$or', [
  {
    name: 'either field (Lambda "Or (multiple fields)")',
    pattern: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] },
    event: { Location: 'Boston', Day: 'Monday' },
    match: true,
  },
  {
    name: 'neither field',
    pattern: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] },
    event: { Location: 'Boston', Day: 'Friday' },
    match: false,
  },
  {
    name: 'ANDed with the fields beside it',
    pattern: { source: ['aws.cloudwatch'], $or: [{ metricName: ['CPUUtilization'] }, { namespace: ['AWS/EC2'] }] },
    event: { source: 'aws.s3', namespace: 'AWS/EC2' },
    match: false,
  },
  {
    name: 'an alternative with AND inside',
    pattern: { $or: [{ a: ['1'] }, { b: ['2'], c: ['3'] }] },
    event: { b: '2', c: '3' },
    match: true,
  },
  {
    name: 'an alternative with AND inside, half satisfied',
    pattern: { $or: [{ a: ['1'] }, { b: ['2'], c: ['3'] }] },
    event: { b: '2', c: '4' },
    match: false,
  },
  {
    name: 'nested $or inside an alternative',
    pattern: { $or: [{ a: ['1'] }, { b: ['2'], $or: [{ id: [1234] }, { space: [1000] }] }] },
    event: { b: '2', space: 1000 },
    match: true,
  },
  {
    name: 'parallel $or at two levels',
    pattern: {
      $or: [{ metricName: ['CPU'] }, { namespace: ['AWS/EC2'] }],
      detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['Alarm'] }] },
    },
    event: { namespace: 'AWS/EC2', detail: { 'detail-type': 'Alarm' } },
    match: true,
  },
  {
    name: 'parallel $or at two levels, inner fails',
    pattern: {
      $or: [{ metricName: ['CPU'] }, { namespace: ['AWS/EC2'] }],
      detail: { $or: [{ source: ['aws.cloudwatch'] }, { 'detail-type': ['Alarm'] }] },
    },
    event: { namespace: 'AWS/EC2', detail: { 'detail-type': 'OK' } },
    match: false,
  },
  {
    name: 'alternatives with nested objects',
    pattern: { $or: [{ detail: { a: ['1'] } }, { detail: { b: ['2'] } }] },
    event: { detail: { b: '2' } },
    match: true,
  },
  {
    name: 'object-valued "$or" is an ordinary field name',
    pattern: { $or: { metricType: ['MetricType'] } },
    event: { $or: { metricType: 'MetricType' } },
    match: true,
  },
]);

table('duplicate keys: the last one wins', [
  {
    name: 'later rule list replaces the earlier one',
    pattern: '{"detail":{"location":[{"prefix":"us-"}],"location":[{"anything-but":"us-east"}]}}',
    event: { detail: { location: 'eu-west' } },
    match: true,
  },
  {
    name: 'earlier rule list is ignored',
    pattern: '{"detail":{"location":[{"prefix":"us-"}],"location":[{"anything-but":"us-east"}]}}',
    event: { detail: { location: 'us-east' } },
    match: false,
  },
  { name: 'duplicate operator key inside a rule', pattern: '{"a":[{"prefix":"x","prefix":"y"}]}', event: { a: 'yes' }, match: true },
]);

describe('invalid patterns are rejected with a reason', () => {
  const invalid: Array<[string, string, RegExp]> = [
    ['not JSON', '{"a":', /^Pattern is not valid JSON: Unexpected end of JSON input$/],
    ['trailing garbage', '{"a":["x"]} x', /^Pattern is not valid JSON: Unexpected character "x" at position 12$/],
    ['trailing comma', '{"a":["x"],}', /^Pattern is not valid JSON: Unexpected character "}" at position 11$/],
    ['single quotes', "{'a':['x']}", /^Pattern is not valid JSON/],
    ['NaN literal', '{"a":[NaN]}', /^Pattern is not valid JSON/],
    ['leading zero', '{"a":[01]}', /^Pattern is not valid JSON/],
    ['raw control character in a string', '{"a":["x\ny"]}', /^Pattern is not valid JSON/],
    ['bad escape', '{"a":["\\q"]}', /^Pattern is not valid JSON: Unexpected character "q"/],
    ['top-level array', '[{"a":["x"]}]', /^Pattern must be a JSON object$/],
    ['top-level string', '"x"', /^Pattern must be a JSON object$/],
    ['top-level null', 'null', /^Pattern must be a JSON object$/],
    ['empty pattern', '{}', /^Empty objects are not allowed$/],
    ['empty nested object', '{"detail":{}}', /^Empty objects are not allowed at "detail"$/],
    ['leaf is a string', '{"source":"aws.ec2"}', /^"source" must be an object or an array$/],
    ['leaf is a number', '{"detail":{"n":5}}', /^"detail\.n" must be an object or an array$/],
    ['leaf is null', '{"a":null}', /^"a" must be an object or an array$/],
    ['empty rule list', '{"a":[]}', /^Empty arrays are not allowed at "a"$/],
    ['array inside a rule list', '{"a":[["x"]]}', /^Match value must be String, number, true, false, or null at "a"$/],
    ['unknown operator', '{"a":[{"contains":"x"}]}', /^Unrecognized match type "contains" at "a"$/],
    ['empty operator object', '{"a":[{}]}', /^Empty objects are not allowed at "a"$/],
    ['two operators in one object', '{"a":[{"prefix":"x","suffix":"y"}]}', /^Only one key allowed in match expression at "a", got prefix, suffix$/],
    ['prefix not a string', '{"a":[{"prefix":1}]}', /^"prefix" match pattern must be a string or \{"equals-ignore-case": string\} at "a"$/],
    ['prefix with an unknown nested key', '{"a":[{"prefix":{"wildcard":"x"}}]}', /^"prefix" match pattern must be a string or/],
    ['suffix list', '{"a":[{"suffix":["x"]}]}', /^"suffix" match pattern must be a string or/],
    ['equals-ignore-case not a string', '{"a":[{"equals-ignore-case":["x"]}]}', /^"equals-ignore-case" match pattern must be a string at "a"$/],
    ['exists not a boolean', '{"a":[{"exists":"true"}]}', /^exists match pattern must be either true or false at "a"$/],
    ['wildcard with **', '{"a":[{"wildcard":"a**b"}]}', /^Consecutive wildcard characters in wildcard pattern at "a", position 1$/],
    ['wildcard bad escape', '{"a":[{"wildcard":"a\\\\b"}]}', /^Invalid escape in wildcard pattern at "a", position 1$/],
    ['wildcard trailing backslash', '{"a":[{"wildcard":"a\\\\"}]}', /^Invalid escape in wildcard pattern at "a", position 1$/],
    ['wildcard not a string', '{"a":[{"wildcard":1}]}', /^"wildcard" match pattern must be a string at "a"$/],
    ['numeric not a list', '{"a":[{"numeric":5}]}', /^"numeric" must be an array of one or two operator\/number pairs at "a"$/],
    ['numeric empty list', '{"a":[{"numeric":[]}]}', /^"numeric" must be an array of one or two operator\/number pairs/],
    ['numeric odd length', '{"a":[{"numeric":[">",1,"<"]}]}', /^"numeric" must be an array of one or two operator\/number pairs/],
    ['numeric too long', '{"a":[{"numeric":[">",1,"<",5,"<",6]}]}', /^"numeric" must be an array of one or two/],
    ['numeric unknown operator', '{"a":[{"numeric":["!=",1]}]}', /^Unrecognized numeric operator "!=" at "a"$/],
    ['numeric operand is a string', '{"a":[{"numeric":[">","1"]}]}', /^Value of numeric operator ">" must be a number at "a"$/],
    ['numeric operand missing (number first)', '{"a":[{"numeric":[1,">"]}]}', /^Unrecognized numeric operator 1 at "a"$/],
    ['numeric two lower bounds', '{"a":[{"numeric":[">",1,">=",5]}]}', /^A numeric range needs one lower \(> or >=\) and one upper \(< or <=\) bound at "a"$/],
    ['numeric = in a range', '{"a":[{"numeric":["=",1,"<",5]}]}', /^"=" cannot be combined with another numeric operator at "a"$/],
    ['numeric empty range', '{"a":[{"numeric":[">",5,"<",1]}]}', /^Numeric range lower bound must be less than the upper bound at "a"$/],
    ['numeric equal bounds', '{"a":[{"numeric":[">=",5,"<=",5]}]}', /^Numeric range lower bound must be less than the upper bound/],
    ['numeric operand out of range', '{"a":[{"numeric":[">",5000000001]}]}', /^Numeric value 5000000001 is outside the supported range -5.0e9 to 5.0e9 at "a"$/],
    ['numeric operand overflows', '{"a":[{"numeric":["<",-1e400]}]}', /^Numeric value -1e400 is outside the supported range/],
    ['anything-but null', '{"a":[{"anything-but":null}]}', /^Value of anything-but must be a string, a number, an array of them, or an object at "a"$/],
    ['anything-but boolean', '{"a":[{"anything-but":true}]}', /^Value of anything-but must be a string, a number/],
    ['anything-but empty list', '{"a":[{"anything-but":[]}]}', /^Empty arrays are not allowed in anything-but at "a"$/],
    ['anything-but mixed list', '{"a":[{"anything-but":["x",1]}]}', /^Inside anything-but list, values must be all strings or all numbers at "a"$/],
    ['anything-but list with null', '{"a":[{"anything-but":[null]}]}', /^Inside anything-but list, values must be all strings or all numbers/],
    ['anything-but number out of range', '{"a":[{"anything-but":[6e9]}]}', /^Numeric value 6e9 is outside the supported range/],
    ['anything-but unknown nested match', '{"a":[{"anything-but":{"numeric":[">",1]}}]}', /^anything-but accepts only one of prefix, suffix, equals-ignore-case, wildcard as a nested match at "a"$/],
    ['anything-but two nested matches', '{"a":[{"anything-but":{"prefix":"x","suffix":"y"}}]}', /^anything-but accepts only one of/],
    ['anything-but prefix not a string', '{"a":[{"anything-but":{"prefix":1}}]}', /^Value of anything-but "prefix" must be a string or a non-empty array of strings at "a"$/],
    ['anything-but prefix empty list', '{"a":[{"anything-but":{"prefix":[]}}]}', /^Value of anything-but "prefix" must be a string or a non-empty array/],
    ['anything-but bad wildcard', '{"a":[{"anything-but":{"wildcard":"**"}}]}', /^Consecutive wildcard characters/],
    ['cidr not a string', '{"a":[{"cidr":10}]}', /^"cidr" match pattern must be an IPv4 or IPv6 address or CIDR block at "a"$/],
    ['cidr prefix too long', '{"a":[{"cidr":"10.0.0.0/33"}]}', /^"cidr" match pattern must be an IPv4 or IPv6/],
    ['cidr bad address', '{"a":[{"cidr":"10.0.0/24"}]}', /^"cidr" match pattern must be an IPv4 or IPv6/],
    ['cidr empty length', '{"a":[{"cidr":"10.0.0.0/"}]}', /^"cidr" match pattern must be an IPv4 or IPv6/],
    ['cidr IPv6 prefix too long', '{"a":[{"cidr":"::/129"}]}', /^"cidr" match pattern must be an IPv4 or IPv6/],
    ['$or with one alternative', '{"$or":[{"a":["x"]}]}', /^"\$or" must be an array of at least 2 objects$/],
    ['$or with a non-object', '{"$or":[{"a":["x"]},"b"]}', /^"\$or" must be an array of at least 2 objects$/],
    ['$or with an empty alternative', '{"$or":[{"a":["x"]},{}]}', /^Empty objects are not allowed at "\$or\[1\]"$/],
    ['error path inside $or', '{"d":{"$or":[{"a":["x"]},{"b":5}]}}', /^"d\.\$or\[1\]\.b" must be an object or an array$/],
    ['$or operators as field names are not rules', '{"$or":[{"numeric":123},{"prefix":"abc"}]}', /^"\$or\[0\]\.numeric" must be an object or an array$/],
  ];
  for (const [name, pattern, message] of invalid) {
    test(name, () => {
      assert.throws(() => parsePattern(pattern), (err: unknown) => err instanceof PatternError && message.test(err.message));
    });
  }

  const nested = (levels: number) => '{"a":'.repeat(levels - 1) + '{"leaf":["x"]}' + '}'.repeat(levels - 1);

  test(`nesting up to ${MAX_PATTERN_DEPTH} objects is accepted`, () => {
    const pattern = parsePattern(nested(MAX_PATTERN_DEPTH));
    const event = JSON.parse(nested(MAX_PATTERN_DEPTH).replace('["x"]', '"x"'));
    assert.equal(matchesPattern(pattern, event), true);
  });

  test(`nesting of ${MAX_PATTERN_DEPTH + 1} objects is rejected`, () => {
    assert.throws(() => parsePattern(nested(MAX_PATTERN_DEPTH + 1)), {
      name: 'PatternError',
      message: `Pattern nesting exceeds the maximum depth of ${MAX_PATTERN_DEPTH} objects`,
    });
  });

  test('very deep JSON is rejected without exhausting the stack', () => {
    assert.throws(() => parsePattern('{"a":'.repeat(100_000)), { name: 'PatternError', message: /maximum depth/ });
    assert.throws(() => parsePattern('['.repeat(100_000)), { name: 'PatternError', message: /maximum depth/ });
  });

  test('the deepest operand still parses at the maximum depth', () => {
    const deep = '{"a":'.repeat(MAX_PATTERN_DEPTH - 1) + '{"leaf":[{"anything-but":{"prefix":["x"]}}]}' + '}'.repeat(MAX_PATTERN_DEPTH - 1);
    assert.doesNotThrow(() => parsePattern(deep));
  });

  test('PatternError is an Error', () => {
    const err = new PatternError('why');
    assert.ok(err instanceof Error);
    assert.equal(err.name, 'PatternError');
    assert.equal(err.message, 'why');
  });
});

describe('valid patterns accepted', () => {
  const valid = [
    '{"a":["x",1,true,false,null,""]}',
    ' \t\n{ "a" : [ "x" ] }\r\n',
    '{"a":["\\u00e9\\n\\"\\/"]}',
    '{"a":[{"numeric":["=",-1.5e-3]}]}',
    '{"a":[{"numeric":[">=",-5e9,"<=",5e9]}]}',
    '{"a":[{"anything-but":{"equals-ignore-case":["a","b"]}}]}',
    '{"a":[{"cidr":"2001:db8::/32"}]}',
    '{"$or":[{"a":["x"]},{"b":["y"]},{"c":{"d":[1]}}]}',
  ];
  for (const pattern of valid) test(pattern.trim(), () => assert.doesNotThrow(() => parsePattern(pattern)));

  test('escaped strings decode like JSON.parse', () => {
    const pattern = parsePattern('{"k\\u0041":["\\u00e9\\n\\"\\/\\ud83d\\ude00"]}');
    assert.equal(matchesPattern(pattern, { kA: 'é\n"/😀' }), true);
  });
});

describe('parseEventJson', () => {
  test('keeps number source text', () => {
    const event = parseEventJson('{"a":300.0,"b":[3e2,-0]}') as { a: JsonNumber; b: JsonNumber[] };
    assert.ok(event.a instanceof JsonNumber);
    assert.equal(event.a.source, '300.0');
    assert.equal(event.a.value, 300);
    assert.deepEqual(event.b.map((n) => n.source), ['3e2', '-0']);
  });

  test('re-serialises numbers by value', () => {
    assert.equal(JSON.stringify(parseEventJson('{"a":1.50,"b":[true,null,"x"]}')), '{"a":1.5,"b":[true,null,"x"]}');
  });

  test('duplicate keys: the last one wins, like JSON.parse', () => {
    assert.deepEqual(parseEventJson('{"a":"1","a":"2"}'), JSON.parse('{"a":"1","a":"2"}'));
  });

  test('"__proto__" becomes an own property, not the prototype', () => {
    const event = parseEventJson('{"__proto__":{"polluted":"yes"}}') as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(event), Object.prototype);
    assert.ok(Object.hasOwn(event, '__proto__'));
    assert.equal((event as { polluted?: string }).polluted, undefined);
  });

  for (const bad of ['', '{', '{"a":1,}', '[1 2]', "'x'", '{"a":01}', '"\t"', 'tru', '1.', '.5', '+1', '{"a"}']) {
    test(`rejects ${JSON.stringify(bad)} with SyntaxError`, () => assert.throws(() => parseEventJson(bad), SyntaxError));
  }

  test(`rejects nesting deeper than ${MAX_EVENT_DEPTH}`, () => {
    assert.doesNotThrow(() => parseEventJson('['.repeat(MAX_EVENT_DEPTH) + ']'.repeat(MAX_EVENT_DEPTH)));
    assert.throws(() => parseEventJson('['.repeat(MAX_EVENT_DEPTH + 1) + ']'.repeat(MAX_EVENT_DEPTH + 1)), SyntaxError);
  });

  test('scalars parse too', () => {
    assert.equal(parseEventJson(' "x" '), 'x');
    assert.equal(parseEventJson('null'), null);
    assert.equal((parseEventJson('12') as JsonNumber).source, '12');
  });
});

describe('matching deep or odd events', () => {
  test('deeply nested event arrays are flattened without recursion', () => {
    let value: unknown = 'x';
    for (let i = 0; i < 100_000; i++) value = [value];
    assert.equal(matchesPattern(parsePattern('{"a":["x"]}'), { a: value }), true);
  });

  test('undefined-valued properties count as missing', () => {
    assert.equal(matchesPattern(parsePattern('{"a":[{"exists":false}]}'), { a: undefined }), true);
  });

  test('one parsed pattern can be reused', () => {
    const pattern = parsePattern('{"a":[{"prefix":"x"}]}');
    assert.deepEqual(['xa', 'ya', 'xb'].map((a) => matchesPattern(pattern, { a })), [true, false, true]);
  });
});

describe('matchesSqsRecord (Lambda DG "Properly filtering Amazon SQS messages")', () => {
  const record = (body: string, extra: Record<string, unknown> = {}) => ({
    messageId: '059f36b4-87a3-44ab-83d2-661975830a7d',
    receiptHandle: 'AQEBwJnKyrHigUMZj6rYigCgxlaS3SLy0a',
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '1545082649183', SenderId: 'AIDAIENQZJOLO23YVJ4VO' },
    messageAttributes: { Attr1: { stringValue: 'v', stringListValues: [], binaryListValues: [], dataType: 'String' } },
    md5OfBody: 'e4e68fb7bd0e697a0ae8f1bb342846b3',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-2:123456789012:my-queue',
    awsRegion: 'us-east-2',
    ...extra,
  });

  const rows: Array<{ name: string; pattern: string | object; body: string; match: boolean }> = [
    // The AWS table: incoming body format × pattern body format.
    { name: 'plain body, plain-string pattern: filtered', pattern: { body: ['Test message.'] }, body: 'Test message.', match: true },
    { name: 'plain body, plain-string pattern: other text', pattern: { body: ['Test message.'] }, body: 'Other.', match: false },
    { name: 'plain body, prefix rule', pattern: { body: [{ prefix: 'Test' }] }, body: 'Test message.', match: true },
    { name: 'plain body, no body pattern: metadata only', pattern: { eventSource: ['aws:sqs'] }, body: 'Test message.', match: true },
    { name: 'plain body, JSON pattern: dropped', pattern: { body: { a: ['x'] } }, body: 'Test message.', match: false },
    { name: 'plain body, JSON pattern of exists:false: still dropped', pattern: { body: { a: [{ exists: false }] } }, body: 'x', match: false },
    { name: 'JSON body, plain-string pattern: dropped', pattern: { body: ['{"a":"x"}'] }, body: '{"a":"x"}', match: false },
    { name: 'JSON body, exists:true leaf pattern: dropped', pattern: { body: [{ exists: true }] }, body: '{"a":"x"}', match: false },
    { name: 'JSON body, no body pattern: metadata only', pattern: { awsRegion: ['us-east-2'] }, body: '{"a":"x"}', match: true },
    { name: 'JSON body, JSON pattern: filtered', pattern: { body: { a: ['x'] } }, body: '{"a":"x"}', match: true },
    { name: 'JSON body, JSON pattern: other value', pattern: { body: { a: ['x'] } }, body: '{"a":"y"}', match: false },
    // Finer points.
    { name: 'JSON body with surrounding whitespace', pattern: { body: { a: ['x'] } }, body: ' \n{"a":"x"}\n', match: true },
    { name: 'nested body fields', pattern: { body: { order: { total: [{ numeric: ['>', 100] }] } } }, body: '{"order":{"total":150.5}}', match: true },
    { name: 'body numbers keep their string form (300 ≠ 300.0)', pattern: '{"body":{"n":[300]}}', body: '{"n":300.0}', match: false },
    { name: 'body numbers, same form', pattern: '{"body":{"n":[300]}}', body: '{"n":300}', match: true },
    { name: 'invalid JSON body is plain text', pattern: { body: ['{"a":'] }, body: '{"a":', match: true },
    { name: 'invalid JSON body against a JSON pattern', pattern: { body: { a: [{ exists: false }] } }, body: '{"a":', match: false },
    { name: 'JSON scalar body counts as plain text', pattern: { body: ['123'] }, body: '123', match: true },
    { name: 'JSON scalar body against a JSON pattern', pattern: { body: { a: ['x'] } }, body: '"x"', match: false },
    { name: 'JSON array body of objects', pattern: { body: { a: ['x'] } }, body: '[{"a":"y"},{"a":"x"}]', match: true },
    { name: 'JSON body, exists:false on a body field', pattern: { body: { b: [{ exists: false }] } }, body: '{"a":"x"}', match: true },
    { name: 'metadata AND body', pattern: { attributes: { ApproximateReceiveCount: ['1'] }, body: { a: ['x'] } }, body: '{"a":"x"}', match: true },
    { name: 'metadata fails, body matches', pattern: { attributes: { ApproximateReceiveCount: ['2'] }, body: { a: ['x'] } }, body: '{"a":"x"}', match: false },
    { name: 'message attributes', pattern: { messageAttributes: { Attr1: { stringValue: ['v'] } } }, body: 'x', match: true },
    { name: 'attributes are strings, not numbers', pattern: '{"attributes":{"ApproximateReceiveCount":[1]}}', body: 'x', match: false },
    { name: 'body inside a top-level $or: JSON branch taken', pattern: { $or: [{ body: { a: ['x'] } }, { messageId: ['nope'] }] }, body: '{"a":"x"}', match: true },
    { name: 'body inside a top-level $or: JSON branch dropped, other branch matches', pattern: { $or: [{ body: { a: ['x'] } }, { eventSource: ['aws:sqs'] }] }, body: 'plain', match: true },
    { name: 'body inside a top-level $or: no branch fits', pattern: { $or: [{ body: { a: ['x'] } }, { body: ['{"a":"x"}'] }] }, body: '{"a":"y"}', match: false },
    { name: 'a nested field named body is ordinary data', pattern: { body: { body: ['inner'] } }, body: '{"body":"inner"}', match: true },
  ];
  for (const row of rows) {
    test(`${row.match ? 'keeps' : 'drops'}: ${row.name}`, () => {
      assert.equal(matchesSqsRecord(parsePattern(text(row.pattern)), record(row.body)), row.match);
    });
  }

  test('a record without a string body only has metadata', () => {
    assert.equal(matchesSqsRecord(parsePattern('{"body":{"a":["x"]}}'), { body: { a: 'x' } }), false);
    assert.equal(matchesSqsRecord(parsePattern('{"body":[{"exists":false}]}'), {}), true);
  });

  test('the record passed in is not modified', () => {
    const r = record('{"a":"x"}');
    matchesSqsRecord(parsePattern('{"body":{"a":["x"]}}'), r);
    assert.equal(r.body, '{"a":"x"}');
  });
});
