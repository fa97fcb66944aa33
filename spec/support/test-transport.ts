import { kafkajsTransport } from '../../lib/transport/kafkajs/kafkajs-transport';
import type { Transport } from '../../lib/transport/transport';
import { testKafka, uniqueName } from './kafka-fixtures';

/** A kafkajs transport on the test brokers, with its own client id. */
export function testTransport(clientId = uniqueName('transport')): Transport {
  return kafkajsTransport({ kafka: testKafka(clientId) });
}

/** Runs `task` for 0..count-1 with at most `concurrency` at once; results in index order. */
export async function inParallel<T>(
  count: number,
  concurrency: number,
  task: (index: number) => Promise<T>,
): Promise<T[]> {
  const results = new Array<T>(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}

/** Polls `check` every `everyMs` until it returns true or `withinMs` passes; returns the last answer. */
export async function eventually(check: () => Promise<boolean>, withinMs = 15_000, everyMs = 200): Promise<boolean> {
  const deadline = Date.now() + withinMs;
  for (;;) {
    if (await check()) return true;
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
