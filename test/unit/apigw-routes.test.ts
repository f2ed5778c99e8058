// Path matching for REST resources and HTTP API routes: literal > {param} > {greedy+}, method > ANY, then $default.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { bestMatch, matchPath, parseRouteKey, selectRoute } from '../../src/apigw/engine/routes.js';

describe('matchPath', () => {
  test('literals, parameters (decoded) and greedy tails', () => {
    assert.deepEqual(matchPath('/', '/')?.pathParameters, {});
    assert.deepEqual(matchPath('/items/{id}', '/items/a%20b')?.pathParameters, { id: 'a b' });
    assert.deepEqual(matchPath('/{proxy+}', '/a/b%2Fc/d')?.pathParameters, { proxy: 'a/b/c/d' });
    assert.deepEqual(matchPath('/files/{path+}', '/files/x/y')?.pathParameters, { path: 'x/y' });
    assert.equal(matchPath('/files/{path+}', '/files'), undefined, 'a greedy part needs at least one segment');
    assert.equal(matchPath('/items/{id}', '/items'), undefined);
    assert.equal(matchPath('/items/{id}', '/items/1/more'), undefined);
    assert.equal(matchPath('/items', '/other'), undefined);
    assert.ok(matchPath('/items/', '/items'), 'a trailing slash does not matter');
  });
  test('the most specific resource wins', () => {
    const resources = ['/', '/items', '/items/{id}', '/items/special', '/{proxy+}', '/items/{id}/{rest+}'];
    const pick = (p: string) => bestMatch(resources, (r) => r, p)?.candidate;
    assert.equal(pick('/'), '/');
    assert.equal(pick('/items'), '/items');
    assert.equal(pick('/items/special'), '/items/special');
    assert.equal(pick('/items/7'), '/items/{id}');
    assert.equal(pick('/items/7/a/b'), '/items/{id}/{rest+}');
    assert.equal(pick('/elsewhere/x'), '/{proxy+}');
  });
});

describe('HTTP API routes', () => {
  const routes = [
    { routeKey: 'GET /items/{id}' }, { routeKey: 'ANY /items/{id}' }, { routeKey: 'POST /items' }, { routeKey: 'ANY /{proxy+}' },
    { routeKey: '$default' },
  ];
  test('route keys', () => {
    assert.deepEqual(parseRouteKey('GET /items/{id}'), { method: 'GET', path: '/items/{id}' });
    assert.equal(parseRouteKey('$default'), undefined);
    assert.equal(parseRouteKey('get /x'), undefined);
  });
  test('the method beats ANY on the same path; a more specific path beats both; $default catches the rest', () => {
    assert.equal(selectRoute(routes, 'GET', '/items/1')?.route.routeKey, 'GET /items/{id}');
    assert.deepEqual(selectRoute(routes, 'GET', '/items/1')?.pathParameters, { id: '1' });
    assert.equal(selectRoute(routes, 'DELETE', '/items/1')?.route.routeKey, 'ANY /items/{id}');
    assert.equal(selectRoute(routes, 'POST', '/items')?.route.routeKey, 'POST /items');
    assert.equal(selectRoute(routes, 'GET', '/items')?.route.routeKey, 'ANY /{proxy+}');
    assert.equal(selectRoute(routes, 'GET', '/')?.route.routeKey, '$default');
    assert.equal(selectRoute([{ routeKey: 'GET /a' }], 'GET', '/b'), undefined);
  });
});
