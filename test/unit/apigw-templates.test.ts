// REST API mapping templates (Velocity) with $input, $util, $context and $stageVariables.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { invocationType, mapResponse, selectResponse } from '../../src/apigw/engine/custom-integration.js';
import { MAX_FOREACH_ITERATIONS, renderTemplate, TemplateError, type TemplateInput } from '../../src/apigw/engine/mapping-template.js';
import type { Integration } from '../../src/apigw/engine/rest-api.js';

const INPUT: TemplateInput = {
  body: '{"name":"Ann \\"A\\"","items":[{"id":1},{"id":2}],"n":3}',
  params: { path: { id: '42' }, querystring: { q: 'x y', id: 'query-id' }, header: { 'X-Trace': 't-1' } },
  context: { requestId: 'req-1', stage: 'prod', httpMethod: 'POST', identity: { sourceIp: '10.0.0.1' } },
  stageVariables: { env: 'test' },
};

describe('mapping templates', () => {
  test('$input.json, $input.path and $input.body', () => {
    const out = renderTemplate('{"whole": $input.json(\'$\'), "name": $input.json(\'$.name\'), "second": $input.path(\'$.items[1].id\'), "count": $input.path(\'$.items\').size(), "raw": "$util.escapeJavaScript($input.body)"}', INPUT);
    const parsed = JSON.parse(out);
    assert.deepEqual(parsed.whole, JSON.parse(INPUT.body));
    assert.equal(parsed.name, 'Ann "A"');
    assert.equal(parsed.second, 2);
    assert.equal(parsed.count, 2);
    assert.equal(parsed.raw, INPUT.body);
  });
  test('$input.params: one by name (path, then query string, then header, case-insensitively), or all of them', () => {
    assert.equal(renderTemplate("$input.params('id')|$input.params('q')|$input.params('x-trace')|$input.params('none')|", INPUT), '42|x y|t-1||');
    const all = renderTemplate(`#set($all = $input.params())
{#foreach($type in $all.keySet())"$type": {#foreach($n in $all.get($type).keySet())"$n": "$util.escapeJavaScript($all.get($type).get($n))"#if($foreach.hasNext),#end#end}#if($foreach.hasNext),#end#end}`, INPUT);
    assert.deepEqual(JSON.parse(all), INPUT.params);
  });
  test('$context, $stageVariables, #if and #foreach', () => {
    const out = renderTemplate('#if($context.httpMethod == "POST")$context.requestId/$context.stage/$context.identity.sourceIp/$stageVariables.env#end;#foreach($i in $input.path(\'$.items\'))$i.id,#end', INPUT);
    assert.equal(out, 'req-1/prod/10.0.0.1/test;1,2,');
  });
  test('$util helpers', () => {
    const out = renderTemplate("$util.urlEncode('a b&c')|$util.urlDecode('a+b%26c')|$util.base64Encode('hi')|$util.base64Decode('aGk=')|$util.parseJson('{\"a\":5}').a|$util.escapeJavaScript(\"it's\")", INPUT);
    assert.equal(out, "a+b%26c|a b&c|aGk=|hi|5|it\\'s");
  });
  test('$util.urlEncode / urlDecode are Java\'s URLEncoder / URLDecoder (UTF-8)', () => {
    assert.equal(renderTemplate("$util.urlEncode('a b*c.d-e_f~g!h(é)/')", INPUT), 'a+b*c.d-e_f%7Eg%21h%28%C3%A9%29%2F');
    assert.equal(renderTemplate("$util.urlDecode('a+b%C3%A9%2f%2B')", INPUT), 'a bé/+');
    assert.throws(() => renderTemplate("$util.urlDecode('100%')", INPUT), TemplateError);
  });
  test('a body that is not JSON: $input.json gives null, $input.body the text', () => {
    const out = renderTemplate('$input.json(\'$.a\')|$input.body', { ...INPUT, body: 'plain text' });
    assert.equal(out, 'null|plain text');
  });
  test('a template that does not parse is a TemplateError', () => {
    assert.throws(() => renderTemplate('#foreach($x in', INPUT), TemplateError);
  });
});

const run = (template: string, body = '{}') => renderTemplate(template, { ...INPUT, body });

describe('mapping templates: values behave as Java objects', () => {
  test('String methods', () => {
    const out = run(`#set($s = " Hello World ")#set($t = $s.trim())$t.length()|$t.isEmpty()|$t.equals('Hello World')|$t.equalsIgnoreCase('hello world')|$t.contains('lo W')|$t.startsWith('Hell')|$t.endsWith('ld')|$t.indexOf('o')|$t.substring(6)|$t.substring(0, 5)|$t.toLowerCase()|$t.toUpperCase()|$t.charAt(4)|#set($e = "")$e.isEmpty()`);
    assert.equal(out, '11|false|true|true|true|true|true|4|World|Hello|hello world|HELLO WORLD|o|true');
  });
  test('String regex methods take Java regexes: matches (whole), replaceAll / replaceFirst with $n, split; replace is literal and global', () => {
    const out = run(`#set($s = "Order 66 of 2026")$s.matches('(?i)order \\p{Digit}+.*')|$s.matches('\\d+')|$s.replaceAll('(\\d+)', '<$1>')|$s.replaceFirst('\\d+', 'N')|$s.split('\\s+').size()|$s.split(' ').get(1)|$s.replace('6', 'x')|$s.replace('.', '!')`);
    assert.equal(out, 'true|false|Order <66> of <2026>|Order N of 2026|4|66|Order xx of 202x|Order 66 of 2026');
  });
  test('Map methods on JSON objects and List methods on JSON arrays', () => {
    const body = '{"user": {"name": "Ann", "Tags": []}, "items": [1, 2, 3], "none": []}';
    const out = run(`#set($u = $input.path('$.user'))#set($l = $input.path('$.items'))$u.containsKey('name')|$u.containsKey('nope')|$u.isEmpty()|$u.size()|$u.get('name')|$u.keySet()|$input.path('$.none').isEmpty()|$l.isEmpty()|$l.contains(2)|$l.contains(7)|$l.size()|$l.get(0)#foreach($e in $u.entrySet())|$e.key#end`, body);
    assert.equal(out, 'true|false|false|2|Ann|[name, Tags]|true|false|true|false|3|1|name|Tags');
  });
  test('Map.get is exact (no case folding); an index out of range fails the template as a Java exception would', () => {
    assert.equal(run(`$!input.path('$').get('tags')|`, '{"Tags": 1}'), '|');
    assert.throws(() => run(`$input.path('$.l').get(3)`, '{"l": [1]}'), TemplateError);
    assert.throws(() => run(`#set($s = "abc")$s.substring(5)`), TemplateError);
    assert.throws(() => run(`#set($s = "abc")$s.charAt(3)`), TemplateError);
  });
  test('the functions of $input and $util are not taken for Map methods', () => {
    assert.equal(run(`$input.params().size()|$input.params().get('path').get('id')`), '3|42');
  });
});

describe('mapping templates: API Gateway\'s #foreach quota', () => {
  test(`a #foreach runs up to ${MAX_FOREACH_ITERATIONS} iterations`, () => {
    const items = JSON.stringify(Array.from({ length: MAX_FOREACH_ITERATIONS }, (_, i) => i));
    assert.equal(run(`#set($n = 0)#foreach($i in $input.path('$'))#set($n = $n + 1)#end$n`, items), String(MAX_FOREACH_ITERATIONS));
    assert.equal(run(`#foreach($i in [1..${MAX_FOREACH_ITERATIONS}])#end done`), ' done');
  });
  test('a #foreach over more items than the quota fails the template (before iterating)', () => {
    const items = JSON.stringify(Array.from({ length: MAX_FOREACH_ITERATIONS + 1 }, (_, i) => i));
    assert.throws(() => run(`#foreach($i in $input.path('$'))$i#end`, items), TemplateError);
    assert.throws(() => run(`#foreach($i in $input.path('$'))$i#end`, JSON.stringify(new Array(3_300_000).fill(0))), TemplateError);
  });
  test('a huge range fails before any array is built', () => {
    assert.throws(() => run('#foreach($i in [1..10000000])$i#end'), /range \[1\.\.10000000\]/);
    assert.throws(() => run('#set($n = 1000000000)#foreach($i in [$n..1])$i#end'), TemplateError);
    assert.equal(run('#set($n = 3)#foreach($i in [$n..1])$i#end'), '321');
  });
  test('nested loops within the per-loop quota are bounded in total', () => {
    assert.throws(() => run('#foreach($i in [1..1000])#foreach($j in [1..1000])#foreach($k in [1..1000])#end#end#end'), /in all/);
  });
  test('an output that keeps repeating a large value is stopped', () => {
    assert.throws(() => run(`#foreach($i in [1..1000])$input.body#end`, JSON.stringify({ a: 'x'.repeat(1_000_000) })), /output exceeds/);
  });
});

describe('selection patterns (Java regex, whole match) pick the integration response', () => {
  const integration = (patterns: Record<string, string>): Integration => ({
    type: 'AWS', passthroughBehavior: 'WHEN_NO_MATCH', timeoutInMillis: 29000, cacheNamespace: 'x', cacheKeyParameters: [],
    integrationResponses: {
      200: { statusCode: '200' },
      ...Object.fromEntries(Object.entries(patterns).map(([status, selectionPattern]) => [status, { statusCode: status, selectionPattern }])),
    },
  } as unknown as Integration);
  const error = (message: string) => JSON.stringify({ errorMessage: message, errorType: 'Error' });
  test('(?i) makes the match case-insensitive', () => {
    const i = integration({ 404: '(?i).*not found.*' });
    assert.equal(selectResponse(i, true, error('Item NOT FOUND'))?.statusCode, '404');
    assert.equal(selectResponse(i, false, '{"ok":true}')?.statusCode, '200');
  });
  test('. does not cross a line break unless (?s), as the selectionPattern docs warn', () => {
    assert.equal(selectResponse(integration({ 400: 'Bad.+' }), true, error('Bad request\nat line 3'))?.statusCode, '200');
    assert.equal(selectResponse(integration({ 400: '(?s)Bad.+' }), true, error('Bad request\nat line 3'))?.statusCode, '400');
  });
  test('\\Q…\\E and POSIX classes', () => {
    assert.equal(selectResponse(integration({ 409: '\\Q[conflict]\\E \\p{Alpha}+' }), true, error('[conflict] version'))?.statusCode, '409');
  });
});

describe('JSONPath in templates (Jayway semantics)', () => {
  const input: TemplateInput = {
    body: '{"items":[{"id":1,"x":1},{"id":2,"x":3}],"a":{"b":5}}', params: { path: {}, querystring: {}, header: {} }, context: {}, stageVariables: {},
  };
  test('wildcards, recursive descent, filters, unions and slices select lists; definite paths one value', () => {
    assert.equal(renderTemplate("$input.json('$.items[*].id')", input), '[1,2]');
    assert.equal(renderTemplate("$input.json('$..id')", input), '[1,2]');
    assert.equal(renderTemplate("$input.json('$.items[?(@.x > 1)].id')", input), '[2]');
    assert.equal(renderTemplate("$input.json('$.items[-1:]')", input), '[{"id":2,"x":3}]');
    assert.equal(renderTemplate("$input.json('$.items[0,1].id')", input), '[1,2]');
    assert.equal(renderTemplate("$input.json('$.a.b')", input), '5');
    assert.equal(renderTemplate("$input.json('$.nope')", input), 'null');
    assert.equal(renderTemplate("#foreach($it in $input.path('$.items[*]'))$it.id;#end", input), '1;2;');
  });
});

describe('integration request parameters and response templates', () => {
  const base: TemplateInput = { body: '{"v":1}', params: { path: {}, querystring: {}, header: { Accept: 'text/html, application/json' } }, context: { stage: 'prod' }, stageVariables: { mode: 'Event' } };
  const integration = (source: string) => ({ type: 'AWS', passthroughBehavior: 'WHEN_NO_MATCH', timeoutInMillis: 29000, cacheNamespace: 'x', cacheKeyParameters: [], requestParameters: { 'integration.request.header.X-Amz-Invocation-Type': source } }) as any;
  test('X-Amz-Invocation-Type from a literal, a stage variable or the context', () => {
    assert.equal(invocationType(integration("'Event'"), base), 'Event');
    assert.equal(invocationType(integration('stageVariables.mode'), base), 'Event');
    assert.equal(invocationType(integration('stageVariables.missing'), base), 'RequestResponse');
    assert.equal(invocationType(integration('context.stage'), base), 'prod');
  });
  test('the response template for the first Accept type, else the JSON one', () => {
    const response = { statusCode: '200', responseTemplates: { 'application/json': '{"json":true}', 'text/html': '<p>html</p>' } };
    assert.equal(mapResponse(response, '{}', base).body, '<p>html</p>');
    assert.equal(mapResponse(response, '{}', { ...base, params: { ...base.params, header: {} } }).body, '{"json":true}');
  });
});
