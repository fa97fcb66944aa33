import { Subscription } from 'rxjs';
import { createRequester, kafkajsTransport } from '../lib';
import type { BenchTopics } from './bench-types';
import { echoCodec } from './responders/pubscribe-serve';
import { logLevel } from 'kafkajs';

/** What one pending request costs on the heap. */
export interface PendingMemoryResult {
  readonly pendingRequests: number;
  readonly heapBytesPerPending: number;
  readonly heapBeforeMiB: number;
  readonly heapWithPendingMiB: number;
  readonly heapAfterCancelMiB: number;
  readonly pendingAfterCancel: number;
}

function settledHeap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  for (let round = 0; round < 3; round += 1) gc();
  return process.memoryUsage().heapUsed;
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Subscribes `count` requests that nobody answers (long timeout), measures the heap they hold
 * once their records are produced, then cancels them all and measures again.
 */
export async function measurePendingMemory(topics: BenchTopics, count: number): Promise<PendingMemoryResult> {
  const transport = kafkajsTransport({
    kafka: { clientId: 'bench-pending', brokers: [...topics.brokers], logLevel: logLevel.NOTHING },
  });
  const requester = createRequester({
    transport,
    replyTopic: topics.replies,
    timeoutMs: 600_000,
    maxInFlight: count + 1,
  });
  const request = (n: number) =>
    requester.request({
      topic: topics.requests,
      key: String(n),
      value: { n },
      codec: echoCodec,
      replyCodec: echoCodec,
    });
  try {
    const warm = new Subscription();
    for (let n = 0; n < 1_000; n += 1) warm.add(request(n).subscribe({ error: () => undefined }));
    for (let i = 0; i < 50; i += 1) await tick();
    warm.unsubscribe();
    const before = settledHeap();
    const held = new Subscription();
    for (let n = 0; n < count; n += 1) held.add(request(n).subscribe({ error: () => undefined }));
    // Let the produce calls settle so only the pending state remains.
    while (requester.metrics().pending < count) await tick();
    for (let i = 0; i < 200; i += 1) await tick();
    const withPending = settledHeap();
    held.unsubscribe();
    const after = settledHeap();
    return {
      pendingRequests: count,
      heapBytesPerPending: Math.round((withPending - before) / count),
      heapBeforeMiB: before / 2 ** 20,
      heapWithPendingMiB: withPending / 2 ** 20,
      heapAfterCancelMiB: after / 2 ** 20,
      pendingAfterCancel: requester.metrics().pending,
    };
  } finally {
    requester.close();
    await transport.close();
  }
}
