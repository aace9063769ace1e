'use strict';
// A queue worker that never loses a message through a stop (a Spot interruption, a deploy, a scale-in).
//
// SQS hides a received message for the queue's visibility timeout and deletes it only when asked: a
// message is deleted after its work is done, never before. On SIGTERM the worker stops receiving and
// lets the message in hand finish within SHUTDOWN_TIMEOUT_MS (the task's stopTimeout less a margin, so
// it exits before ECS sends SIGKILL); if the work cannot finish by then it is aborted and the message
// released (visibility 0: another task receives it at once) instead of staying hidden until its
// timeout. Either way the message is done or back in the queue.
//
// Work may outlast the queue's visibility timeout (VISIBILITY_TIMEOUT_SECONDS, the queue's own, set by the
// Pulumi program): while it runs a heartbeat extends the message's visibility every half timeout
// (ChangeMessageVisibility), or SQS would hand it to another task, count that receive toward the
// dead-letter queue's maxReceiveCount, and ignore this task's delete with its old receipt handle. SQS keeps
// a message hidden at most 12 hours from its receive: work longer than that is received again.
//
// A failed delete, release or extension (after the SDK's own retries) is logged and the worker goes on:
// the message comes back when its visibility ends, and a worker that exited would stop the task.
//
// An open long poll is let finish, not aborted: SQS may already have handed a message out (hidden for
// the whole visibility timeout) whose answer an abort would throw away. The poll ends within
// WAIT_SECONDS, well inside the stop budget, and whatever it brings after the stop began is released.

const WAIT_SECONDS = 20; // SQS long polling: the most a ReceiveMessage waits (1-20 s).
// After a failed receive (a missing permission, a throttle the SDK's own retries gave up on) the next
// waits 1 s, doubling to 20 s, the cap of the SDK's own retries (@smithy/util-retry
// MAXIMUM_RETRY_DELAY): a broken worker neither spins its CPU nor hammers SQS.
const RETRY_FIRST_MS = 1000;
const RETRY_MAX_MS = 20_000;
// ChangeMessageVisibility's VisibilityTimeout: 0 to 43200 s, "Maximum: 12 hours", and SQS refuses one
// beyond "the maximum time left" of those 12 hours (botocore sqs ChangeMessageVisibility).
const MAX_VISIBILITY_SECONDS = 43_200;

/** Resolves after ``ms``, or at once when ``signal`` aborts. */
function pause(ms, signal) {
  return new Promise((resolve) => {
    const done = () => { clearTimeout(timer); signal.removeEventListener('abort', done); resolve(); };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    if (signal.aborted) done();
  });
}

class Worker {
  /**
   * @param {object} options
   * @param {{receive: Function, delete: Function, extend: Function, release: Function}} options.queue
   *   (``extend(receipt, seconds, signal)`` gives up when ``signal`` aborts)
   * @param {(body: string, signal: AbortSignal) => Promise<void>} options.handle the work on one message
   * @param {number} options.shutdownTimeoutMs how long a stop waits for the poll and the message in hand
   * @param {number} options.visibilitySeconds the queue's visibility timeout: the heartbeat extends a message
   *   in hand by it every half of it (more than 0, at most 43200)
   * @param {number} [options.waitSeconds] how long a receive waits for a message (SQS long polling)
   * @param {number} [options.retryFirstMs] the pause after a failed receive, doubled after each further one
   * @param {number} [options.retryMaxMs] the longest pause after failed receives
   */
  constructor({
    queue, handle, shutdownTimeoutMs, visibilitySeconds, waitSeconds = WAIT_SECONDS, retryFirstMs = RETRY_FIRST_MS,
    retryMaxMs = RETRY_MAX_MS, log = (line) => console.log(JSON.stringify(line)),
  }) {
    // A missing or zero timeout would beat without pause; ChangeMessageVisibility takes no longer one.
    if (!(visibilitySeconds > 0 && visibilitySeconds <= MAX_VISIBILITY_SECONDS)) {
      throw new RangeError(`visibilitySeconds ${visibilitySeconds}: more than 0, at most ${MAX_VISIBILITY_SECONDS}`);
    }
    Object.assign(this, {
      queue, handle, shutdownTimeoutMs, visibilitySeconds, waitSeconds, retryFirstMs, retryMaxMs, log,
    });
    this.stopped = new AbortController(); // a stop began: no more receives, a pause ends
    this.overdue = new AbortController(); // the shutdown timeout passed: the poll and the work in hand end
  }

  get stopping() {
    return this.stopped.signal.aborted;
  }

  /** Receive and work until stopped; resolves once nothing is in hand. */
  async run() {
    let retryMs = this.retryFirstMs;
    while (!this.stopping) {
      let messages;
      const asked = Date.now(); // SQS hands a message out after this: its 12 hours end no sooner
      try {
        messages = await this.queue.receive({ max: 1, waitSeconds: this.waitSeconds, signal: this.overdue.signal });
      } catch (error) {
        if (this.stopping) break;
        this.log({ level: 'error', msg: 'receive failed', error: String(error), retryMs });
        await pause(retryMs, this.stopped.signal);
        retryMs = Math.min(retryMs * 2, this.retryMaxMs);
        continue;
      }
      retryMs = this.retryFirstMs;
      // A message the poll brings after the stop began goes straight back: no new work is started.
      for (const message of messages) await (this.stopping ? this.release(message) : this.process(message, asked));
    }
  }

  async release(message, error) {
    this.log({ level: 'warn', msg: 'released', id: message.id, ...(error && { error: String(error) }) });
    await this.settle('release', message);
  }

  /** Delete or release ``message``; a failure is logged, and the message comes back after its visibility. */
  async settle(action, message) {
    try {
      await this.queue[action](message.receipt);
      return true;
    } catch (error) {
      this.log({ level: 'error', msg: `${action} failed`, id: message.id, error: String(error) });
      return false;
    }
  }

  async process(message, receivedAt) {
    const handled = new AbortController();
    const heartbeat = this.heartbeat(message, receivedAt, handled.signal);
    let failed = false;
    let failure;
    try {
      await this.handle(message.body, this.overdue.signal);
    } catch (error) {
      [failed, failure] = [true, error];
    } finally {
      handled.abort();
      await heartbeat; // an extension landing after a release would hide the message again
    }
    // Failed or aborted: back to the queue now (its redrive policy counts the receives).
    if (failed) return this.release(message, failure);
    if (await this.settle('delete', message)) this.log({ level: 'info', msg: 'done', id: message.id });
  }

  /** Keeps ``message`` hidden until ``signal`` aborts: every half visibility timeout, for another whole one,
   * within the 12 hours SQS allows from ``receivedAt``. */
  async heartbeat(message, receivedAt, signal) {
    for (;;) {
      await pause(this.visibilitySeconds * 500, signal);
      if (signal.aborted) return;
      const left = Math.floor(MAX_VISIBILITY_SECONDS - (Date.now() - receivedAt) / 1000);
      const seconds = Math.min(this.visibilitySeconds, left);
      if (seconds <= 0) {
        this.log({ level: 'warn', msg: 'visibility at the 12-hour maximum: SQS hands the message out again', id: message.id });
        return;
      }
      try {
        // Bounded by the shutdown timeout, as the work is: a hung call must not hold the stop past stopTimeout.
        await this.queue.extend(message.receipt, seconds, this.overdue.signal);
      } catch (error) {
        this.log({ level: 'error', msg: 'extend failed', id: message.id, error: String(error) });
      }
    }
  }

  /** Stop receiving; abort the poll and the work in hand if they outlast the shutdown timeout. */
  stop() {
    if (this.stopping) return;
    this.stopped.abort();
    this.deadline = setTimeout(() => this.overdue.abort(new Error('shutdown timeout')), this.shutdownTimeoutMs);
    this.deadline.unref();
  }
}

/** The queue as SQS serves it (AWS SDK for JavaScript v3). */
function sqsQueue(client, commands, queueUrl) {
  const { ReceiveMessageCommand, DeleteMessageCommand, ChangeMessageVisibilityCommand } = commands;
  return {
    async receive({ max, waitSeconds, signal }) {
      const input = { QueueUrl: queueUrl, MaxNumberOfMessages: max, WaitTimeSeconds: waitSeconds };
      const answer = await client.send(new ReceiveMessageCommand(input), { abortSignal: signal });
      return (answer.Messages || []).map((m) => ({ id: m.MessageId, body: m.Body, receipt: m.ReceiptHandle }));
    },
    delete: (receipt) => client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: receipt })),
    extend: (receipt, seconds, signal) =>
      client.send(
        new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: receipt, VisibilityTimeout: seconds }),
        { abortSignal: signal },
      ),
    release: (receipt) =>
      client.send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: receipt, VisibilityTimeout: 0 })),
  };
}

/** The example's work: a JSON job {"work_ms": n} that takes n milliseconds, or is aborted. */
function simulatedWork(body, signal) {
  const { work_ms: ms = 0 } = JSON.parse(body);
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason); }, { once: true });
  });
}

/** The container health check's endpoint (``HEALTH_CHECK_PATH`` on ``PORT``): 200 while receiving,
 * 503 once stopping. */
function healthServer(worker, path) {
  return require('node:http').createServer((request, response) => {
    response.statusCode = request.url === path ? (worker.stopping ? 503 : 200) : 404;
    response.end();
  });
}

/** SIGTERM (ECS's stop) and SIGINT stop the worker; ``run`` then resolves. */
function stopOnSignals(worker, target = process) {
  for (const signal of ['SIGTERM', 'SIGINT']) target.once(signal, () => worker.stop());
}

async function main() {
  const sqs = require('@aws-sdk/client-sqs');
  const client = new sqs.SQSClient({});
  const { QueueUrl } = await client.send(new sqs.GetQueueUrlCommand({ QueueName: process.env.QUEUE_NAME }));
  const worker = new Worker({
    queue: sqsQueue(client, sqs, QueueUrl),
    handle: simulatedWork,
    shutdownTimeoutMs: Number(process.env.SHUTDOWN_TIMEOUT_MS || 25000),
    // The queue's own timeout, from the Pulumi program: no default that could differ from it.
    visibilitySeconds: Number(process.env.VISIBILITY_TIMEOUT_SECONDS),
  });
  const health = healthServer(worker, process.env.HEALTH_CHECK_PATH || '/health');
  health.listen(Number(process.env.PORT || 3000));
  stopOnSignals(worker);
  await worker.run();
  health.close();
}

if (require.main === module) {
  main().then(() => process.exit(0), (error) => { console.error(error); process.exit(1); });
}

module.exports = {
  Worker, healthServer, sqsQueue, simulatedWork, stopOnSignals, WAIT_SECONDS, RETRY_FIRST_MS, RETRY_MAX_MS,
  MAX_VISIBILITY_SECONDS,
};
