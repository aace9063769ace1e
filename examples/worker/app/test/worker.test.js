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
  constructor({ visibilityTimeoutMs = 60_000, answerMs = 0, maxReceiveCount = Infinity } = {}) {
    this.visibilityTimeoutMs = visibilityTimeoutMs;
    this.answerMs = answerMs;
    this.maxReceiveCount = maxReceiveCount;
    this.messages = new Map(); // id -> {body, hiddenUntil, receipt, receives}
    this.deleted = [];
    this.deadLetters = [];
    this.gone = new Map(); // id -> a deleted or dead-lettered message, its receives kept
    this.next = 0;
    this.waiters = [];
  }
  send(body) {
    const id = `m${++this.next}`;
    this.messages.set(id, { body, hiddenUntil: 0, receipt: null, receives: 0 });
    this.waiters.splice(0).forEach((wake) => wake());
    return id;
  }
  visible() {
    return [...this.messages].filter(([, m]) => m.hiddenUntil <= Date.now()).map(([id]) => id);
  }
  receiveCount(id) {
    return (this.messages.get(id) ?? this.gone.get(id)).receives;
  }
  /** The next visible message, hidden and counted as SQS hands it out; one received more than
   * maxReceiveCount times goes to the dead-letter queue instead ("after the value of maxReceiveCount is
   * exceeded": botocore sqs SetQueueAttributes RedrivePolicy). */
  dequeue() {
    for (const id of this.visible()) {
      const message = this.messages.get(id);
      if (message.receives >= this.maxReceiveCount) {
        this.remove(id);
        this.deadLetters.push(id);
        continue;
      }
      message.receives += 1;
      message.hiddenUntil = Date.now() + this.visibilityTimeoutMs;
      message.receipt = `${id}-${message.receives}`; // each receive its own handle
      return id;
    }
    return undefined;
  }
  remove(id) {
    this.gone.set(id, this.messages.get(id));
    this.messages.delete(id);
  }
  async receive({ waitSeconds, signal }) {
    const until = Date.now() + waitSeconds * 1000;
    for (;;) {
      if (signal.aborted) throw signal.reason;
      const id = this.dequeue();
      if (id) {
        const message = this.messages.get(id);
        await waitFor(this.answerMs, signal); // dequeued: the answer is on its way
        if (signal.aborted) throw signal.reason;
        return [{ id, body: message.body, receipt: message.receipt }];
      }
      if (Date.now() >= until) return [];
      await waitFor(until - Date.now(), signal, this.waiters);
    }
  }
  /** The message ``receipt`` was the latest handle of, if any. */
  find(receipt) {
    return [...this.messages].find(([, m]) => m.receipt === receipt);
  }
  /** An old handle's delete "will succeed, but the message might not be deleted" (botocore sqs
   * DeleteMessage): here it never is, the worst case. */
  async delete(receipt) {
    const [id] = this.find(receipt) ?? [];
    if (id === undefined) return;
    this.remove(id);
    this.deleted.push(id);
  }
  /** ChangeMessageVisibility: from now, for ``seconds``; only a message in flight under this handle
   * (botocore sqs ChangeMessageVisibility's error MessageNotInflight, "The specified message isn't in flight"). */
  async extend(receipt, seconds) {
    const [, message] = this.find(receipt) ?? [];
    if (!message || message.hiddenUntil <= Date.now()) throw new Error('MessageNotInflight');
    message.hiddenUntil = Date.now() + seconds * 1000;
  }
  async release(receipt) {
    await this.extend(receipt, 0);
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
    visibilitySeconds: (queue.visibilityTimeoutMs ?? 60_000) / 1000, ...options });
  const signals = new EventEmitter();
  stopOnSignals(worker, signals);
  return { worker, done: worker.run(), stop: () => signals.emit('SIGTERM') };
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
  return { calls, receive, delete: async () => {}, extend: async () => {}, release: async () => {} };
}

const gaps = (times) => times.slice(1).map((time, i) => time - times[i]);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until ``done()`` holds, failing after ``ms``. */
async function until(done, ms = 2000) {
  const end = Date.now() + ms;
  while (!done()) {
    assert.ok(Date.now() < end, `still waiting after ${ms} ms`);
    await sleep(5);
  }
}

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
    visibilitySeconds: 60, log: () => {} });
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

test('the queue hands a message out again once its visibility ends, counted, and an old handle deletes nothing', async () => {
  const queue = new Queue({ visibilityTimeoutMs: 30, maxReceiveCount: 2 });
  const id = queue.send('{}');
  const never = new AbortController().signal;
  const [first] = await queue.receive({ waitSeconds: 0, signal: never });
  await sleep(40);
  const [second] = await queue.receive({ waitSeconds: 0, signal: never });
  assert.strictEqual(queue.receiveCount(id), 2);
  await queue.delete(first.receipt);
  assert.deepStrictEqual(queue.deleted, [], 'the first handle is stale: its delete succeeds and deletes nothing');
  await assert.rejects(queue.extend(first.receipt, 1), /MessageNotInflight/);
  await sleep(40);
  assert.deepStrictEqual(await queue.receive({ waitSeconds: 0, signal: never }), []);
  assert.deepStrictEqual(queue.deadLetters, [id], 'a third receive exceeds maxReceiveCount 2');
  assert.ok(second.receipt !== first.receipt);
});

test('two workers on work longer than the visibility timeout handle each message once, received once', async () => {
  // Scaled: 100 ms stands for the example's 300 s visibility timeout, 250 ms work for 750 s.
  const queue = new Queue({ visibilityTimeoutMs: 100, maxReceiveCount: 2 });
  const sent = [1, 2, 3, 4].map(() => queue.send(JSON.stringify({ work_ms: 250 })));
  const handled = [];
  const handle = (body, signal) => { handled.push(body); return simulatedWork(body, signal); };
  const workers = [started(queue, 1000, { handle, waitSeconds: 0.02 }), started(queue, 1000, { handle, waitSeconds: 0.02 })];
  await until(() => queue.deleted.length === sent.length || handled.length > sent.length);
  workers.forEach((worker) => worker.stop());
  await Promise.all(workers.map((worker) => worker.done));
  assert.deepStrictEqual([...queue.deleted].sort(), sent);
  assert.strictEqual(handled.length, sent.length, 'no message is worked on twice');
  assert.deepStrictEqual(sent.map((id) => queue.receiveCount(id)), [1, 1, 1, 1]);
  assert.deepStrictEqual(queue.deadLetters, []);
});

test('a delete that fails is logged and the worker keeps receiving until it is stopped', async () => {
  const queue = new Queue();
  const failing = queue.delete.bind(queue);
  let fails = 1;
  queue.delete = async (receipt) => {
    if (fails-- > 0) throw new Error('RequestThrottled');
    return failing(receipt);
  };
  const logged = [];
  const first = queue.send(JSON.stringify({ work_ms: 0 }));
  const worker = started(queue, 1000, { waitSeconds: 0.02, log: (line) => logged.push(line) });
  let resolved = false;
  worker.done.then(() => { resolved = true; });
  await sleep(50);
  const second = queue.send(JSON.stringify({ work_ms: 0 }));
  await sleep(50);
  assert.ok(!resolved, 'run() neither rejects nor resolves before the stop');
  assert.deepStrictEqual(queue.deleted, [second], 'the next message is received and done');
  assert.ok(queue.messages.has(first), 'the first stays queued, to come back after its visibility');
  assert.ok(logged.some((line) => line.msg === 'delete failed' && line.id === first));
  worker.stop();
  await worker.done;
});

test('a failed extension is logged and the work goes on to its delete', async () => {
  const queue = new Queue({ visibilityTimeoutMs: 40 });
  queue.extend = async () => { throw new Error('RequestThrottled'); };
  const logged = [];
  const id = queue.send(JSON.stringify({ work_ms: 50 }));
  const worker = started(queue, 1000, { waitSeconds: 0.02, log: (line) => logged.push(line) });
  await until(() => logged.some((line) => line.msg === 'extend failed'));
  worker.stop();
  await worker.done;
  assert.deepStrictEqual(queue.deleted, [id], 'its handle was still the latest: nothing received it meanwhile');
});

test('the heartbeat stops with the work: a released message is visible at once, not hidden again', async () => {
  const queue = new Queue({ visibilityTimeoutMs: 40 });
  const id = queue.send(JSON.stringify({ work_ms: 10_000 }));
  const worker = started(queue, 70);
  await sleep(10);
  worker.stop();
  await worker.done;
  await sleep(60); // past the next beat, had one been left running
  assert.deepStrictEqual(queue.visible(), [id]);
});

test('an extension that hangs is given up at the shutdown timeout, and the message released', async () => {
  const queue = new Queue({ visibilityTimeoutMs: 40 });
  // A socket waiting on SQS keeps the event loop alive, as this timer does for the fake call; the release
  // (visibility 0) is the queue's own.
  const { extend } = queue;
  queue.extend = (receipt, seconds, signal) =>
    seconds === 0 ? extend.call(queue, receipt, 0) : new Promise((resolve, reject) => {
      const pending = setTimeout(resolve, 5000);
      signal?.addEventListener('abort', () => { clearTimeout(pending); reject(signal.reason); }, { once: true });
    });
  const id = queue.send(JSON.stringify({ work_ms: 10_000 }));
  const worker = started(queue, 100);
  await sleep(40); // the first beat (20 ms) is hanging
  const stoppedAt = Date.now();
  worker.stop();
  await worker.done;
  assert.ok(Date.now() - stoppedAt < 1000, 'the worker returns soon after the shutdown timeout');
  assert.deepStrictEqual(queue.visible(), [id]);
});

test('a worker refuses a visibility timeout SQS would not take or that would beat without pause', () => {
  for (const visibilitySeconds of [undefined, Number.NaN, 0, -1, 43_201]) {
    assert.throws(() => new Worker({ queue: new Queue(), handle: simulatedWork, shutdownTimeoutMs: 100,
      visibilitySeconds }), RangeError, String(visibilitySeconds));
  }
});
