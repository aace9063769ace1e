'use strict';
// A message is never lost through a stop: after SIGTERM each message sent is either done (deleted
// after its work finished) or back in the queue at once, whether its work finishes inside the
// shutdown timeout or not. The queue below keeps SQS's rules: a received message is hidden until it is
// deleted, released (visibility 0) or its visibility timeout passes; a long poll waits for a message,
// its wait time or its abort; and a message is hidden as SQS hands it out, before its answer reaches
// the worker (``answerMs`` later): a poll aborted in between loses the answer, not the hiding.
const test = require('node:test');
const assert = require('node:assert');
const { EventEmitter } = require('node:events');
const { Worker, healthServer, simulatedWork, stopOnSignals } = require('../worker.js');

class Queue {
  constructor({ visibilityTimeoutMs = 60_000, answerMs = 0 } = {}) {
    this.visibilityTimeoutMs = visibilityTimeoutMs;
    this.answerMs = answerMs;
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
  async receive({ waitSeconds, signal }) {
    const until = Date.now() + waitSeconds * 1000;
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const [id] = this.visible();
      if (id) {
        const message = this.messages.get(id);
        message.hiddenUntil = Date.now() + this.visibilityTimeoutMs;
        message.receipt = `${id}-${Math.random()}`;
        await waitFor(this.answerMs, signal); // dequeued: the answer is on its way
        if (signal.aborted) throw signal.reason;
        return [{ id, body: message.body, receipt: message.receipt }];
      }
      if (Date.now() >= until) return [];
      await waitFor(until - Date.now(), signal, this.waiters);
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

/** Resolves after ``ms``, on ``signal``'s abort, or when woken through ``waiters``. */
function waitFor(ms, signal, waiters = []) {
  return new Promise((resolve) => {
    const wake = () => { clearTimeout(timer); signal.removeEventListener('abort', wake); resolve(); };
    const timer = setTimeout(wake, ms);
    waiters.push(wake);
    signal.addEventListener('abort', wake, { once: true });
  });
}

function started(queue, shutdownTimeoutMs, options = {}) {
  const worker = new Worker({ queue, handle: simulatedWork, shutdownTimeoutMs, waitSeconds: 0.2, log: () => {},
    ...options });
  const signals = new EventEmitter();
  stopOnSignals(worker, signals);
  return { done: worker.run(), stop: () => signals.emit('SIGTERM') };
}

/** A queue whose receives fail (``answers``: 'fail' or 'empty', then failing for good), answering after
 * a turn of the event loop as a network call does; it records when each receive came. */
function scriptedQueue(answers = []) {
  const calls = [];
  const receive = async () => {
    calls.push(Date.now());
    await new Promise((resolve) => setImmediate(resolve));
    if ((answers.shift() ?? 'fail') === 'fail') throw new Error('AccessDenied: sqs:ReceiveMessage');
    return [];
  };
  return { calls, receive, delete: async () => {}, release: async () => {} };
}

const gaps = (times) => times.slice(1).map((time, i) => time - times[i]);

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

test('an idle worker stops when its open long poll ends, within its wait time', async () => {
  const queue = new Queue();
  const worker = started(queue, 1000);
  await sleep(20);
  const stoppedAt = Date.now();
  worker.stop();
  await worker.done;
  assert.ok(Date.now() - stoppedAt < 200 + 300, 'the 0.2 s poll, and no other');
  const later = queue.send(JSON.stringify({ work_ms: 0 }));
  assert.deepStrictEqual(queue.visible(), [later], 'a message sent after the stop waits for another task');
});

test('a message SQS hands out as the stop begins is released at once, not left hidden', async () => {
  const queue = new Queue({ answerMs: 50 });
  const worker = started(queue, 1000);
  await sleep(20); // the long poll is open
  const late = queue.send(JSON.stringify({ work_ms: 0 })); // dequeued and hidden, its answer on its way
  await sleep(10);
  worker.stop();
  await worker.done;
  assert.deepStrictEqual(queue.deleted, [], 'no work starts after the stop');
  assert.deepStrictEqual(queue.visible(), [late], 'visible now, not after its visibility timeout');
});

test('a long poll still open at the shutdown timeout is aborted', async () => {
  const worker = started(new Queue(), 100, { waitSeconds: 20 });
  await sleep(20);
  const stoppedAt = Date.now();
  worker.stop();
  await worker.done;
  assert.ok(Date.now() - stoppedAt < 100 + 300);
});

test('a failing receive is retried after a pause that doubles up to its cap, not at once', async () => {
  const queue = scriptedQueue();
  const worker = started(queue, 1000, { retryFirstMs: 20, retryMaxMs: 80 });
  await sleep(400);
  worker.stop();
  await worker.done;
  // Receives at about 0, 20, 60, 140, 220, 300, 380 ms: a spinning worker makes thousands.
  assert.ok(queue.calls.length <= 7, `${queue.calls.length} receives in 400 ms`);
  const [first, second, third, ...capped] = gaps(queue.calls);
  assert.ok(first >= 19 && second >= 39 && third >= 79, `pauses ${gaps(queue.calls)}`);
  assert.ok(capped.every((gap) => gap >= 79 && gap < 160), `pauses ${gaps(queue.calls)} stay at the cap`);
});

test('a successful receive starts the pauses over from the first', async () => {
  const queue = scriptedQueue(['fail', 'fail', 'fail', 'empty', 'fail', 'fail']);
  const worker = started(queue, 1000, { retryFirstMs: 20, retryMaxMs: 1000 });
  while (queue.calls.length < 6) await sleep(10);
  worker.stop();
  await worker.done;
  const pauses = gaps(queue.calls);
  assert.ok(pauses[2] >= 79, `pauses ${pauses}: 20, 40, 80 while failing`);
  assert.ok(pauses[4] >= 19 && pauses[4] < 80, `pauses ${pauses}: 20 again after the success, not 160`);
});

test('a stop ends a pause after a failed receive at once', async () => {
  const worker = started(scriptedQueue(), 1000, { retryFirstMs: 60_000 });
  await sleep(30);
  const stoppedAt = Date.now();
  worker.stop();
  await worker.done;
  assert.ok(Date.now() - stoppedAt < 200);
});

test('no message is lost through stops at any moment', async () => {
  for (const stopAfterMs of [0, 5, 12, 25, 40, 60, 120]) {
    const queue = new Queue({ answerMs: 15 });
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
  const worker = new Worker({ queue: new Queue(), handle: simulatedWork, shutdownTimeoutMs: 100, waitSeconds: 0.1,
    log: () => {} });
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
