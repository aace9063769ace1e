'use strict';
// HTTP service for ECS Fargate on Graviton. Every setting comes from the environment the task
// definition gives it (docs/app-contract.md); the defaults only serve a bare `node server.js`.
// - GET /health (HEALTH_CHECK_PATH): 200 while serving, 503 once draining.
// - GET /hash: a bcrypt hash, so the native module is exercised on every deploy.
// - GET /slow?ms=N: answers after N ms (bounded); lets tests hold a request in flight.
// - BASE_PATH=/api serves the same routes under /api (behind a path-based listener rule).
// - One JSON log line per request on stdout (CloudWatch Logs parses JSON).
// - Keep-alive above any idle timeout the load balancer allows (KEEP_ALIVE_TIMEOUT_MS; HEADERS_TIMEOUT_MS and
//   REQUEST_TIMEOUT_MS bound a request in progress): the ALB reuses idle connections, and one the app
//   closed first is a 502.
// - SIGTERM (a task being stopped, Spot's two-minute notice included, which ECS deregisters first):
//   /health answers 503 at once, every response says `connection: close`, and the server keeps serving
//   for DRAIN_DELAY_MS in case the ALB still routes here; then it stops accepting, closes connections
//   that never carried a request, lets in-flight requests finish (at most SHUTDOWN_TIMEOUT_MS from then)
//   and exits 0 before ECS's stopTimeout runs out.
// - GET / names the service and the heap ceiling, not the Node version or the host name (on awsvpc the
//   ENI's private DNS name): `instance` is a random id per process, so a client can count the tasks
//   that answered without learning anything about them.
const crypto = require('node:crypto');
const http = require('node:http');
const v8 = require('node:v8');
const bcrypt = require('bcrypt');

const MAX_SLOW_MS = 60_000;

function log(fields) {
  process.stdout.write(JSON.stringify({ time: new Date().toISOString(), ...fields }) + '\n');
}

const INSTANCE = crypto.randomBytes(6).toString('hex');

function send(res, status, body, headers = {}) {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...headers,
  });
  res.end(payload);
}

// basePath lets the service sit behind a listener rule such as /api/*: /api/health is /health.
function createApp({
  drainDelayMs = 0,
  shutdownTimeoutMs = 100_000,
  basePath = '',
  healthPath = '/health',
  keepAliveTimeoutMs = 4_005_000,
  headersTimeoutMs = 60_000,
  requestTimeoutMs = 300_000,
} = {}) {
  let draining = false;
  let shutdownPromise = null;
  // Connections that have not carried a request yet: Node counts them open, and closeIdleConnections()
  // leaves them, so one that never sends a byte would hold close() for the whole shutdown budget.
  const unused = new Set();

  // Decided when the response is written, not when the request arrived: a request taken in before
  // SIGTERM that ends during the drain must close its connection too.
  function reply(res, status, body) {
    send(res, status, body, draining ? { connection: 'close' } : {});
  }

  // The health check path as the target group asks it: whole (HEALTH_CHECK_PATH may include the base
  // path, /api/health under BASE_PATH=/api), or under the base path.
  function isHealth(url, stripped) {
    return [url, stripped].some((u) => u.pathname === healthPath || u.pathname + u.search === healthPath);
  }

  async function handle(req, res) {
    const url = new URL(req.url, 'http://localhost');
    const stripped = new URL(url);
    if (basePath && (url.pathname === basePath || url.pathname.startsWith(basePath + '/'))) {
      stripped.pathname = url.pathname.slice(basePath.length) || '/';
    }
    if (req.method !== 'GET') return reply(res, 405, { error: 'method not allowed' });
    if (isHealth(url, stripped)) {
      return reply(res, draining ? 503 : 200, { status: draining ? 'draining' : 'ok' });
    }
    switch (stripped.pathname) {
      case '/':
        return reply(res, 200, {
          service: 'graviton-node-app',
          arch: process.arch,
          heapLimitMiB: Math.round(v8.getHeapStatistics().heap_size_limit / 1048576),
          instance: INSTANCE,
        });
      case '/hash': {
        const hash = await bcrypt.hash('graviton', 8);
        return reply(res, 200, { hash, valid: await bcrypt.compare('graviton', hash) });
      }
      case '/slow': {
        const ms = Math.min(Math.max(Number(stripped.searchParams.get('ms')) || 0, 0), MAX_SLOW_MS);
        await new Promise((resolve) => setTimeout(resolve, ms));
        return reply(res, 200, { waitedMs: ms });
      }
      default:
        return reply(res, 404, { error: 'not found' });
    }
  }

  // Node checks headersTimeout <= requestTimeout only when both are given here.
  const server = http.createServer({ headersTimeout: headersTimeoutMs, requestTimeout: requestTimeoutMs }, (req, res) => {
    unused.delete(req.socket);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log({ method: req.method, path: req.url, status: res.statusCode, ms: Math.round(ms * 10) / 10 });
    });
    handle(req, res).catch((err) => {
      log({ level: 'error', message: err.message });
      if (!res.headersSent) reply(res, 500, { error: 'internal error' });
    });
  });
  server.on('connection', (socket) => {
    unused.add(socket);
    socket.on('close', () => unused.delete(socket));
  });

  server.keepAliveTimeout = keepAliveTimeoutMs;

  // Resolves once every in-flight request has finished and the server is closed.
  function shutdown(signal) {
    if (shutdownPromise) return shutdownPromise;
    draining = true;
    log({ level: 'info', message: 'draining', signal });
    shutdownPromise = new Promise((resolve) => {
      setTimeout(() => {
        // In-flight requests get SHUTDOWN_TIMEOUT_MS from here, once the drain is over (the contract's
        // budget after it, docs/app-contract.md); counted from SIGTERM it would reset requests the drain
        // still took in.
        const force = setTimeout(() => {
          log({ level: 'error', message: 'shutdown timed out; closing open connections' });
          server.closeAllConnections();
        }, shutdownTimeoutMs);
        force.unref();
        // A keep-alive connection whose request began before SIGTERM turns idle only when it ends:
        // close each as it does, or close() would wait out the keep-alive timeout.
        const sweep = setInterval(() => server.closeIdleConnections(), 100);
        server.close(() => {
          clearInterval(sweep);
          clearTimeout(force);
          log({ level: 'info', message: 'stopped' });
          resolve();
        });
        server.closeIdleConnections();
        for (const socket of unused) socket.destroy();
      }, drainDelayMs);
    });
    return shutdownPromise;
  }

  return { server, shutdown, isDraining: () => draining };
}

// A number from the environment, or the default when the variable is unset or empty.
function envNumber(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number, got ${raw}`);
  return value;
}

if (require.main === module) {
  const port = envNumber('PORT', 3000);
  const app = createApp({
    drainDelayMs: envNumber('DRAIN_DELAY_MS', 0),
    shutdownTimeoutMs: envNumber('SHUTDOWN_TIMEOUT_MS', 100_000),
    basePath: (process.env.BASE_PATH || '').replace(/\/+$/, ''),
    healthPath: process.env.HEALTH_CHECK_PATH || '/health',
    keepAliveTimeoutMs: envNumber('KEEP_ALIVE_TIMEOUT_MS', 4_005_000),
    headersTimeoutMs: envNumber('HEADERS_TIMEOUT_MS', 60_000),
    requestTimeoutMs: envNumber('REQUEST_TIMEOUT_MS', 300_000),
  });
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.on(signal, () => app.shutdown(signal).then(() => process.exit(0)));
  }
  app.server.listen(port, '0.0.0.0', () =>
    log({ level: 'info', message: 'listening', port: app.server.address().port, arch: process.arch }),
  );
}

module.exports = { createApp };
