'use strict';
// A message is never lost through a stop: after SIGTERM each message sent is either done (deleted
// after its work finished) or back in the queue at once, whether its work finishes inside the
// shutdown timeout or not. The queue below keeps SQS's rules: a received message is hidden until it is
// deleted, released (visibility 0) or its visibility timeout passes; a long poll waits for a message
// or its abort.
const test = require('node:test');
const assert = require('node:assert');
const { EventEmitter } = require('node:events');
const { Worker, healthServer, simulatedWork, stopOnSignals } = require('../worker.js');

class Queue {
  constructor(visibilityTimeoutMs = 60_000) {
    this.visibilityTimeoutMs = visibilityTimeoutMs;
    this.messages = new Map(); // id -> {body, hiddenUntil, receipt}
    this.deleted = [];
    this.next = 0;
    this.waiters = [];
  }
  send(body) {
    const id = `m${++this.next}`;
    this.messages.set(id, { body, hiddenUntil: 0, receipt: null });
    this.waiters.splice(0).forEach((wake) => wake());
    return id;
  }
  visible() {
    return [...this.messages].filter(([, m]) => m.hiddenUntil <= Date.now()).map(([id]) => id);
  }
  async receive({ signal }) {
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const [id] = this.visible();
      if (id) {
        const message = this.messages.get(id);
        message.hiddenUntil = Date.now() + this.visibilityTimeoutMs;
        message.receipt = `${id}-${Math.random()}`;
        return [{ id, body: message.body, receipt: message.receipt }];
      }
      await new Promise((resolve) => {
        this.waiters.push(resolve);
        signal.addEventListener('abort', resolve, { once: true });
      });
    }
  }
  find(receipt) {
    const found = [...this.messages].find(([, m]) => m.receipt === receipt);
    assert.ok(found, `no message with receipt ${receipt}`);
    return found;
  }
  async delete(receipt) {
    const [id] = this.find(receipt);
    this.messages.delete(id);
    this.deleted.push(id);
  }
  async release(receipt) {
    this.find(receipt)[1].hiddenUntil = 0;
  }
}

function started(queue, shutdownTimeoutMs) {
  const worker = new Worker({ queue, handle: simulatedWork, shutdownTimeoutMs, log: () => {} });
  const signals = new EventEmitter();
  stopOnSignals(worker, signals);
  return { done: worker.run(), stop: () => signals.emit('SIGTERM') };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test('work that finishes inside the shutdown timeout is done and deleted, the rest stays queued', async () => {
  const queue = new Queue();
  const first = queue.send(JSON.stringify({ work_ms: 150 }));
  const second = queue.send(JSON.stringify({ work_ms: 10 }));
  const worker = started(queue, 1000);
  await sleep(50); // the first is in hand
  worker.stop();
  await worker.done;
  assert.deepStrictEqual(queue.deleted, [first]);
  assert.deepStrictEqual(queue.visible(), [second]);
});

test('work that outlasts the shutdown timeout is aborted and its message released at once', async () => {
  const queue = new Queue();
  const slow = queue.send(JSON.stringify({ work_ms: 10_000 }));
  const worker = started(queue, 100);
  await sleep(50);
  const stoppedAt = Date.now();
  worker.stop();
  await worker.done;
  assert.ok(Date.now() - stoppedAt < 1000, 'the worker returns soon after the shutdown timeout');
  assert.deepStrictEqual(queue.deleted, []);
  assert.deepStrictEqual(queue.visible(), [slow], 'visible now, not after its visibility timeout');
});

test('an idle worker stops at once: its long poll is aborted', async () => {
  const queue = new Queue();
  const worker = started(queue, 1000);
  await sleep(20);
  const stoppedAt = Date.now();
  worker.stop();
  await worker.done;
  assert.ok(Date.now() - stoppedAt < 200);
  const later = queue.send(JSON.stringify({ work_ms: 0 }));
  assert.deepStrictEqual(queue.visible(), [later], 'a message sent after the stop waits for another task');
});

test('no message is lost through stops at any moment', async () => {
  for (const stopAfterMs of [0, 5, 25, 60, 120]) {
    const queue = new Queue();
    const sent = [10, 30, 50, 400].map((ms) => queue.send(JSON.stringify({ work_ms: ms })));
    const worker = started(queue, 80);
    await sleep(stopAfterMs);
    worker.stop();
    await worker.done;
    const accounted = [...queue.deleted, ...queue.visible()].sort();
    assert.deepStrictEqual(accounted, [...sent].sort(), `stopped after ${stopAfterMs} ms`);
  }
});

test('the health check passes while the worker receives and fails once it stops', async () => {
  const worker = new Worker({ queue: new Queue(), handle: simulatedWork, shutdownTimeoutMs: 100, log: () => {} });
  const server = healthServer(worker, '/health').listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  const url = `http://127.0.0.1:${server.address().port}/health`;
  const done = worker.run();
  assert.strictEqual((await fetch(url)).status, 200);
  worker.stop();
  assert.strictEqual((await fetch(url)).status, 503);
  await done;
  server.close();
});
