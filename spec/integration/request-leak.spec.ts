import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
import { createRequester } from '../../lib/requester';
import { isRequestTimeoutError } from '../../lib/errors';
import { pingCodec, pongCodec } from '../support/echo-responder';
import { createTopic } from '../support/kafka-fixtures';
import { inParallel, testTransport } from '../support/test-transport';

const total = Number(process.env.LEAK_REQUESTS ?? 100_000);

function settledHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run node with --expose-gc (npm test does) to measure the heap');
  for (let round = 0; round < 3; round += 1) gc();
  return process.memoryUsage().heapUsed;
}

describe('no leak after many timed-out requests (real broker)', () => {
  it(`${total} requests with short timeouts and no responder: pending ends empty, the heap returns to its baseline`, async function () {
    this.timeout(300_000);
    const [requests, replies] = await Promise.all([createTopic('leak-requests', 1), createTopic('leak-replies', 1)]);
    const transport = testTransport();
    const requester = createRequester({ transport, replyTopic: replies, timeoutMs: 100, keepAliveMs: 60_000 });
    const fire = (count: number) =>
      inParallel(count, 2_000, async (n) => {
        const outcome = await firstValueFrom(
          requester.request({
            topic: requests,
            value: { instance: 'leak', n },
            codec: pingCodec,
            replyCodec: pongCodec,
          }),
        ).catch((error: unknown) => error);
        if (!isRequestTimeoutError(outcome)) throw new Error(`expected a timeout, got ${String(outcome)}`);
      });
    try {
      // Requests sent before the reply consumer is ready would fail as NotReadyError, not time out.
      await firstValueFrom(requester.warmUp());
      await fire(30_000); // warm-up: the listener, the producer, JIT and the bounded outcome memory settle
      const baseline = settledHeap();
      const started = Date.now();
      await fire(total);
      const elapsed = Date.now() - started;
      const after = settledHeap();
      const metrics = requester.metrics();
      const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
      console.log(
        `      ${total} timed-out requests in ${elapsed} ms; pending ${metrics.pending}; ` +
          `heap baseline ${mib(baseline)} MiB, after ${mib(after)} MiB (delta ${mib(after - baseline)} MiB)`,
      );
      expect(metrics.pending).to.equal(0);
      expect(metrics.timedOut).to.equal(total + 30_000);
      expect(after - baseline, 'heap growth in bytes').to.be.below(8 * 2 ** 20);
    } finally {
      requester.close();
      await transport.close();
    }
  });
});
