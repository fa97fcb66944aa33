/**
 * A requester instance in its own process, for the crossing test: sends `count` echo requests
 * with at most `concurrency` in flight and checks each caller got exactly its own reply. Reports a
 * RequesterRunResult over IPC, then exits.
 */
import { Kafka, logLevel } from 'kafkajs';
import { firstValueFrom } from 'rxjs';
import { createRequester } from '../../lib/requester';
import { kafkajsTransport } from '../../lib/transport';
import { pingCodec, pongCodec } from './echo-responder';
import { inParallel } from './test-transport';

/** What one requester process reports. */
export interface RequesterRunResult {
  readonly instance: string;
  readonly sent: number;
  readonly ok: number;
  readonly crossed: number;
  readonly failed: number;
  readonly failures: readonly string[];
  readonly foreignReplies: number;
  readonly pendingAtEnd: number;
  readonly elapsedMs: number;
}

async function main(): Promise<RequesterRunResult> {
  const instance = process.env.INSTANCE ?? 'requester';
  const count = Number(process.env.COUNT ?? 1000);
  const concurrency = Number(process.env.CONCURRENCY ?? 64);
  const requests = process.env.REQUEST_TOPIC ?? '';
  const replies = process.env.REPLY_TOPIC ?? '';
  const kafka = new Kafka({
    clientId: instance,
    brokers: (process.env.BROKERS ?? '').split(','),
    logLevel: logLevel.NOTHING,
  });
  const transport = kafkajsTransport({ kafka });
  const requester = createRequester({ transport, replyTopic: replies, timeoutMs: 30_000 });
  const failures: string[] = [];
  let ok = 0;
  let crossed = 0;
  const started = Date.now();
  try {
    await firstValueFrom(requester.warmUp());
    await inParallel(count, concurrency, async (n) => {
      try {
        const reply = await firstValueFrom(
          requester.request({
            topic: requests,
            key: `${instance}-${n % 50}`,
            value: { instance, n },
            codec: pingCodec,
            replyCodec: pongCodec,
          }),
        );
        if (reply.instance === instance && reply.n === n) ok += 1;
        else crossed += 1;
      } catch (error) {
        if (failures.length < 5) failures.push(error instanceof Error ? error.message : String(error));
      }
    });
    const metrics = requester.metrics();
    return {
      instance,
      sent: count,
      ok,
      crossed,
      failed: count - ok - crossed,
      failures,
      foreignReplies: metrics.foreign,
      pendingAtEnd: metrics.pending,
      elapsedMs: Date.now() - started,
    };
  } finally {
    requester.close();
    await transport.close();
  }
}

main().then(
  (result) => process.send?.(result, () => process.exit(0)),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
