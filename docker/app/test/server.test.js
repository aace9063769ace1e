'use strict';
const test = require('node:test');
const assert = require('node:assert');
const http = require('node:http');
const net = require('node:net');
const { createApp } = require('../server.js');

function get(port, path, agent) {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent }, (res) => {
        let body = '';
        res.on('data', (chunk) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(body), headers: res.headers }));
      })
      .on('error', reject);
  });
}

// What a test compares: the status and body, not the headers.
const answer = ({ status, body }) => ({ status, body });

async function started(options) {
  const app = createApp(options);
  await new Promise((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  return { app, port: app.server.address().port };
}

test('health answers 200 while serving', async () => {
  const { app, port } = await started();
  assert.deepStrictEqual(answer(await get(port, '/health')), { status: 200, body: { status: 'ok' } });
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
  assert.deepStrictEqual(answer(await inFlight), { status: 200, body: { waitedMs: 400 } });
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
  assert.deepStrictEqual(answer(await get(port, '/slow?ms=400')), { status: 200, body: { waitedMs: 400 } });
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
  assert.deepStrictEqual(answer(await get(port, '/api/health')), { status: 200, body: { status: 'ok' } });
  assert.deepStrictEqual(answer(await get(port, '/health')), { status: 200, body: { status: 'ok' } });
  assert.strictEqual((await get(port, '/apix/health')).status, 404);
  await app.shutdown('test');
});

test('a health check path that includes the base path answers as the target group asks it', async () => {
  // The target group and the container's health check ask HEALTH_CHECK_PATH as configured: /api/health.
  const { app, port } = await started({ basePath: '/api', healthPath: '/api/health' });
  assert.deepStrictEqual(answer(await get(port, '/api/health')), { status: 200, body: { status: 'ok' } });
  assert.strictEqual((await get(port, '/api/hash')).status, 200);
  await app.shutdown('test');
});

test('the root names the service and heap ceiling, not the Node version or the host', async () => {
  const { app, port } = await started();
  const { body } = await get(port, '/');
  assert.deepStrictEqual(Object.keys(body).sort(), ['arch', 'heapLimitMiB', 'instance', 'service']);
  assert.match(body.instance, /^[0-9a-f]{12}$/);
  await app.shutdown('test');
});

test('a response to a request taken in before SIGTERM that ends during the drain closes its connection', async () => {
  const { app, port } = await started({ drainDelayMs: 800 });
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const inFlight = get(port, '/slow?ms=300', agent);
  await new Promise((resolve) => setTimeout(resolve, 100));
  const done = app.shutdown('SIGTERM');
  assert.strictEqual((await inFlight).headers.connection, 'close');
  assert.strictEqual((await get(port, '/', agent)).headers.connection, 'close');
  agent.destroy();
  await done;
});

test('a connection that never sent a byte does not hold shutdown for the budget', async () => {
  const { app, port } = await started({ shutdownTimeoutMs: 3000 });
  const silent = net.connect(port, '127.0.0.1');
  silent.on('error', () => {});
  await new Promise((resolve) => silent.on('connect', resolve));
  await new Promise((resolve) => setTimeout(resolve, 100));
  const started_ = Date.now();
  await app.shutdown('SIGTERM');
  const took = Date.now() - started_;
  assert.ok(took < 1000, `shutdown took ${took} ms: the silent connection held it`);
  silent.destroy();
});
