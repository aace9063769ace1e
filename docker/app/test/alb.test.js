'use strict';
// The server against the load balancer's real behaviour, on loopback:
// - the ALB keeps an idle keep-alive connection for its idle timeout and then reuses it;
// - when a task stops, ECS sends SIGTERM and deregisters the target, and the ALB keeps sending new
//   requests until deregistration has propagated (or its health check has failed the target).
// Times are shortened; the ratios are the task definition's (components/app_contract.py).
const test = require('node:test');
const assert = require('node:assert');
const http = require('node:http');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { createApp } = require('../server.js');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function request(port, agent, urlPath = '/') {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode, connection: res.headers.connection, reused: req.reusedSocket }),
      );
    });
    req.on('error', reject);
  });
}

// One connection, reused like the ALB reuses its pooled connections to a target.
function albConnection() {
  return new http.Agent({ keepAlive: true, maxSockets: 1 });
}

async function idleThenReuse(keepAliveTimeoutMs, albIdleMs) {
  const app = createApp({ keepAliveTimeoutMs, headersTimeoutMs: keepAliveTimeoutMs + 1000 });
  await new Promise((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  const port = app.server.address().port;
  let open = 0;
  app.server.on('connection', (socket) => {
    open += 1;
    socket.on('close', () => (open -= 1));
  });
  const agent = albConnection();
  await request(port, agent);
  await sleep(albIdleMs + 200); // idle past the ALB's timeout: the ALB would still reuse its end
  const stillOpen = open === 1;
  const second = await request(port, agent);
  agent.destroy();
  await app.shutdown('test');
  return { stillOpen, second };
}

test('an idle connection outlives the ALB idle timeout, so the ALB never reuses a closed one', async () => {
  // ALB idle 1 s; keep-alive derived above it as the task definition derives it (+ margin).
  const { stillOpen, second } = await idleThenReuse(2000, 1000);
  assert.strictEqual(stillOpen, true);
  assert.deepStrictEqual([second.status, second.reused], [200, true]);
});

test('with a keep-alive below the ALB idle timeout the server closes first (the 502 case)', async () => {
  const { stillOpen, second } = await idleThenReuse(500, 1000);
  assert.strictEqual(stillOpen, false);
  assert.strictEqual(second.reused, false);
});

test("the contract's timeouts are accepted: keep-alive above the longest ALB idle timeout (4000 s), Node's headers and request timeouts", () => {
  const keepAlive = 4000 * 1000 + 5000;
  const app = createApp({ keepAliveTimeoutMs: keepAlive, headersTimeoutMs: 60_000, requestTimeoutMs: 300_000 });
  assert.strictEqual(app.server.keepAliveTimeout, keepAlive);
  assert.strictEqual(app.server.headersTimeout, 60_000);
  assert.throws(() => createApp({ headersTimeoutMs: 400_000, requestTimeoutMs: 300_000 }), /headersTimeout/);
});

test('an idle keep-alive connection outlives the headers and request timeouts: they bound a request in progress', async () => {
  // Shortened: headers 300 ms, request 600 ms, checked every 50 ms; the connection idles 1.2 s, as the ALB
  // may leave it idle far longer than the app's 60 s headers timeout before reusing it.
  const app = createApp({ keepAliveTimeoutMs: 5000, headersTimeoutMs: 300, requestTimeoutMs: 600 });
  app.server.connectionsCheckingInterval = 50;
  await new Promise((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  const port = app.server.address().port;
  const agent = albConnection();
  await request(port, agent);
  await sleep(1200);
  const second = await request(port, agent);
  agent.destroy();
  await app.shutdown('test');
  assert.strictEqual(second.status, 200);
  assert.strictEqual(second.reused, true);
});

test('a steady request stream through SIGTERM: no failed request, 503 health, exit 0 inside stopTimeout', async () => {
  // Task settings, shortened 1:20: stopTimeout 120 s -> 6 s, drain 45 s -> 2.25 s, finish budget 70 s -> 3.5 s.
  const stopTimeoutMs = 6000;
  const drainMs = 2250;
  const child = spawn(process.execPath, [path.join(__dirname, '..', 'server.js')], {
    env: { ...process.env, PORT: '0', DRAIN_DELAY_MS: String(drainMs), SHUTDOWN_TIMEOUT_MS: '3500' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const port = await new Promise((resolve) => {
    let buffered = '';
    child.stdout.on('data', (chunk) => {
      buffered += chunk;
      const line = buffered.split('\n').find((l) => l.includes('"listening"'));
      if (line) resolve(JSON.parse(line).port);
    });
  });

  const results = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  let sending = true;
  const stream = (async () => {
    while (sending) {
      results.push(request(port, agent, '/').then((r) => ({ ...r, at: Date.now() }), (e) => ({ error: e.code, at: Date.now() })));
      await sleep(20);
    }
  })();
  await sleep(300);
  const terminatedAt = Date.now();
  child.kill('SIGTERM');
  await sleep(100);
  const health = await request(port, agent, '/health');
  const inFlight = request(port, agent, '/slow?ms=1500');
  // The ALB stops sending once deregistration has propagated, before the drain ends.
  await sleep(drainMs - 400);
  sending = false;
  await stream;
  const code = await exited;
  const elapsed = Date.now() - terminatedAt;
  agent.destroy();

  const settled = await Promise.all(results);
  const failed = settled.filter((r) => r.error || r.status !== 200);
  assert.deepStrictEqual(failed, []);
  assert.ok(settled.length > 50, `only ${settled.length} requests were sent`);
  assert.ok(settled.filter((r) => r.at > terminatedAt + 50).every((r) => r.connection === 'close'));
  assert.strictEqual(health.status, 503);
  assert.strictEqual((await inFlight).status, 200);
  assert.strictEqual(code, 0);
  assert.ok(elapsed < stopTimeoutMs, `exited after ${elapsed} ms, stopTimeout is ${stopTimeoutMs} ms`);
});
