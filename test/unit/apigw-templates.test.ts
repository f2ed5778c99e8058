// REST API mapping templates (Velocity) with $input, $util, $context and $stageVariables.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { renderTemplate, TemplateError, type TemplateInput } from '../../src/apigw/engine/mapping-template.js';

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
    assert.equal(out, "a%20b%26c|a b&c|aGk=|hi|5|it\\'s");
  });
  test('a body that is not JSON: $input.json gives null, $input.body the text', () => {
    const out = renderTemplate('$input.json(\'$.a\')|$input.body', { ...INPUT, body: 'plain text' });
    assert.equal(out, 'null|plain text');
  });
  test('a template that does not parse is a TemplateError', () => {
    assert.throws(() => renderTemplate('#foreach($x in', INPUT), TemplateError);
  });
});
