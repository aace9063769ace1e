'use strict';
// A queue worker that never loses a message through a stop (a Spot interruption, a deploy, a scale-in).
//
// SQS hides a received message for the queue's visibility timeout and deletes it only when asked: a
// message is deleted after its work is done, never before. On SIGTERM the worker stops receiving
// (an open long poll is aborted) and lets the message in hand finish within SHUTDOWN_TIMEOUT_MS (the
// task's stopTimeout less a margin, so it exits before ECS sends SIGKILL); if the work cannot finish
// by then it is aborted and the message released (visibility 0: another task receives it at once)
// instead of staying hidden until its timeout. Either way the message is done or back in the queue.

const WAIT_SECONDS = 20; // SQS long polling: the most a ReceiveMessage waits (1-20 s).

class Worker {
  /**
   * @param {object} options
   * @param {{receive: Function, delete: Function, release: Function}} options.queue
   * @param {(body: string, signal: AbortSignal) => Promise<void>} options.handle the work on one message
   * @param {number} options.shutdownTimeoutMs how long a stop waits for the message in hand
   */
  constructor({ queue, handle, shutdownTimeoutMs, log = (line) => console.log(JSON.stringify(line)) }) {
    this.queue = queue;
    this.handle = handle;
    this.shutdownTimeoutMs = shutdownTimeoutMs;
    this.log = log;
    this.stopping = false;
    this.polling = new AbortController();
    this.working = new AbortController();
  }

  /** Receive and work until stopped; resolves once nothing is in hand. */
  async run() {
    while (!this.stopping) {
      let messages = [];
      try {
        messages = await this.queue.receive({ max: 1, waitSeconds: WAIT_SECONDS, signal: this.polling.signal });
      } catch (error) {
        if (this.stopping) break;
        this.log({ level: 'error', msg: 'receive failed', error: String(error) });
        continue;
      }
      for (const message of messages) await this.process(message);
    }
  }

  async process(message) {
    try {
      await this.handle(message.body, this.working.signal);
    } catch (error) {
      // Failed or aborted: back to the queue now (its redrive policy counts the receives).
      this.log({ level: 'warn', msg: 'released', id: message.id, error: String(error) });
      await this.queue.release(message.receipt);
      return;
    }
    await this.queue.delete(message.receipt);
    this.log({ level: 'info', msg: 'done', id: message.id });
  }

  /** Stop receiving; abort the work in hand if it outlasts the shutdown timeout. */
  stop() {
    if (this.stopping) return;
    this.stopping = true;
    this.polling.abort();
    this.deadline = setTimeout(() => this.working.abort(new Error('shutdown timeout')), this.shutdownTimeoutMs);
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

module.exports = { Worker, healthServer, sqsQueue, simulatedWork, stopOnSignals, WAIT_SECONDS };
