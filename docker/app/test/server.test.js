'use strict';
const test = require('node:test');
const assert = require('node:assert');
const http = require('node:http');
const { createApp } = require('../server.js');

function get(port, path, agent) {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(body) }));
      })
      .on('error', reject);
  });
}

async function started(options) {
  const app = createApp(options);
  await new Promise((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  return { app, port: app.server.address().port };
}

test('health answers 200 while serving', async () => {
  const { app, port } = await started();
  assert.deepStrictEqual(await get(port, '/health'), { status: 200, body: { status: 'ok' } });
  await app.shutdown('test');
});

test('the native bcrypt module hashes and verifies', async () => {
  const { app, port } = await started();
  const { status, body } = await get(port, '/hash');
  assert.strictEqual(status, 200);
  assert.match(body.hash, /^\$2b\$08\$/);
  assert.strictEqual(body.valid, true);
  await app.shutdown('test');
});

test('health answers 503 while draining', async () => {
  const { app, port } = await started({ drainDelayMs: 300 });
  const agent = new http.Agent({ keepAlive: true });
  await get(port, '/health', agent);
  const done = app.shutdown('SIGTERM');
  assert.strictEqual((await get(port, '/health', agent)).status, 503);
  agent.destroy();
  await done;
});

test('shutdown lets an in-flight request finish, then closes its keep-alive connection at once', async () => {
  const { app, port } = await started();
  const agent = new http.Agent({ keepAlive: true });
  const inFlight = get(port, '/slow?ms=400', agent);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const started_ = Date.now();
  const done = app.shutdown('SIGTERM');
  assert.deepStrictEqual(await inFlight, { status: 200, body: { waitedMs: 400 } });
  await done;
  assert.ok(Date.now() - started_ < 1500, 'closed without waiting for the keep-alive timeout');
  assert.strictEqual(app.server.listening, false);
  agent.destroy();
});

test('a request the drain takes in gets the whole shutdown budget after the drain, not from SIGTERM', async () => {
  // docs/app-contract.md: SHUTDOWN_TIMEOUT_MS is what in-flight requests get once the drain is over.
  const { app, port } = await started({ drainDelayMs: 300, shutdownTimeoutMs: 500 });
  const done = app.shutdown('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 200));
  // Ends at about 600 ms: past 500 ms after SIGTERM, within 300 + 500 ms.
  assert.deepStrictEqual(await get(port, '/slow?ms=400'), { status: 200, body: { waitedMs: 400 } });
  await done;
});

test('a request still in flight when the budget after the drain runs out is cut, and shutdown ends then', async () => {
  const { app, port } = await started({ drainDelayMs: 100, shutdownTimeoutMs: 200 });
  const inFlight = get(port, '/slow?ms=5000').then(
    () => 'answered',
    (err) => err.code,
  );
  await new Promise((resolve) => setTimeout(resolve, 50));
  const started_ = Date.now();
  await app.shutdown('SIGTERM');
  const took = Date.now() - started_;
  assert.strictEqual(await inFlight, 'ECONNRESET');
  assert.ok(took >= 250 && took < 2000, `shutdown took ${took} ms: drain 100 + budget 200, not the request's 5 s`);
});

test('a base path serves the same routes under it, and keeps the plain paths', async () => {
  const { app, port } = await started({ basePath: '/api' });
  assert.deepStrictEqual(await get(port, '/api/health'), { status: 200, body: { status: 'ok' } });
  assert.deepStrictEqual(await get(port, '/health'), { status: 200, body: { status: 'ok' } });
  assert.strictEqual((await get(port, '/apix/health')).status, 404);
  await app.shutdown('test');
});
