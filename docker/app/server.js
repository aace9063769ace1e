'use strict';
// HTTP service for ECS Fargate on Graviton.
// - GET /health: 200 while serving, 503 once draining (load balancers stop routing here).
// - GET /hash: a bcrypt hash, so the native module is exercised on every deploy.
// - GET /slow?ms=N: answers after N ms (bounded); lets tests hold a request in flight.
// - BASE_PATH=/api serves the same routes under /api (behind a path-based listener rule).
// - One JSON log line per request on stdout (CloudWatch Logs parses JSON).
// - SIGTERM (a Spot interruption sends one two minutes ahead, a deployment one with stopTimeout to
//   spare): stop accepting, finish in-flight requests, exit 0 well inside Fargate's 120 s.
const http = require('node:http');
const os = require('node:os');
const v8 = require('node:v8');
const bcrypt = require('bcrypt');

const MAX_SLOW_MS = 60_000;

function log(fields) {
  process.stdout.write(JSON.stringify({ time: new Date().toISOString(), ...fields }) + '\n');
}

function send(res, status, body) {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

// basePath lets the service sit behind a listener rule such as /api/*: /api/health is /health.
function createApp({ drainDelayMs = 0, shutdownTimeoutMs = 100_000, basePath = '' } = {}) {
  let draining = false;
  let shutdownPromise = null;

  async function handle(req, res) {
    const url = new URL(req.url, 'http://localhost');
    if (basePath && (url.pathname === basePath || url.pathname.startsWith(basePath + '/'))) {
      url.pathname = url.pathname.slice(basePath.length) || '/';
    }
    if (req.method !== 'GET') return send(res, 405, { error: 'method not allowed' });
    switch (url.pathname) {
      case '/health':
        return send(res, draining ? 503 : 200, { status: draining ? 'draining' : 'ok' });
      case '/':
        return send(res, 200, {
          service: 'graviton-node-app',
          arch: process.arch,
          node: process.version,
          heapLimitMiB: Math.round(v8.getHeapStatistics().heap_size_limit / 1048576),
          host: os.hostname(),
        });
      case '/hash': {
        const hash = await bcrypt.hash('graviton', 8);
        return send(res, 200, { hash, valid: await bcrypt.compare('graviton', hash) });
      }
      case '/slow': {
        const ms = Math.min(Math.max(Number(url.searchParams.get('ms')) || 0, 0), MAX_SLOW_MS);
        await new Promise((resolve) => setTimeout(resolve, ms));
        return send(res, 200, { waitedMs: ms });
      }
      default:
        return send(res, 404, { error: 'not found' });
    }
  }

  const server = http.createServer((req, res) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log({ method: req.method, path: req.url, status: res.statusCode, ms: Math.round(ms * 10) / 10 });
    });
    if (draining) res.setHeader('connection', 'close');
    handle(req, res).catch((err) => {
      log({ level: 'error', message: err.message });
      if (!res.headersSent) send(res, 500, { error: 'internal error' });
    });
  });

  // Resolves once every in-flight request has finished and the server is closed.
  function shutdown(signal) {
    if (shutdownPromise) return shutdownPromise;
    draining = true;
    log({ level: 'info', message: 'draining', signal });
    shutdownPromise = new Promise((resolve) => {
      const force = setTimeout(() => {
        log({ level: 'error', message: 'shutdown timed out; closing open connections' });
        server.closeAllConnections();
      }, shutdownTimeoutMs);
      force.unref();
      setTimeout(() => {
        server.close(() => {
          clearTimeout(force);
          log({ level: 'info', message: 'stopped' });
          resolve();
        });
        server.closeIdleConnections();
      }, drainDelayMs);
    });
    return shutdownPromise;
  }

  return { server, shutdown, isDraining: () => draining };
}

if (require.main === module) {
  const port = Number(process.env.PORT) || 3000;
  const app = createApp({
    drainDelayMs: Number(process.env.DRAIN_DELAY_MS) || 0,
    shutdownTimeoutMs: Number(process.env.SHUTDOWN_TIMEOUT_MS) || 100_000,
    basePath: (process.env.BASE_PATH || '').replace(/\/+$/, ''),
  });
  for (const signal of ['SIGTERM', 'SIGINT']) {
    process.on(signal, () => app.shutdown(signal).then(() => process.exit(0)));
  }
  app.server.listen(port, '0.0.0.0', () => log({ level: 'info', message: 'listening', port, arch: process.arch }));
}

module.exports = { createApp };
