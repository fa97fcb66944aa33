/**
 * One path of "nothing left open", in its own process: does what PATH says, prints what failed
 * (as one JSON line), closes the requester and the transport, and then does nothing else. The
 * spec asserts that the process exits by itself: no socket or timer may be left behind.
 *
 *   PATH=missing-reply-topic | missing-request-topic | unreachable-broker | failed-produce |
 *        cancelled-requests | answered
 */
import { firstValueFrom, Subscription } from 'rxjs';
import { stringCodec } from '../../lib/codecs';
import { silentLogger } from '../../lib/logging';
import { createRequester } from '../../lib/requester';
import { serve } from '../../lib/responder';
import { kafkajsTransport } from '../../lib/transport';

/** What the probe prints before it closes. */
export interface ProbeReport {
  readonly path: string;
  readonly outcome: 'answered' | 'failed' | 'cancelled';
  readonly error?: {
    readonly name: string;
    readonly reason?: string;
    readonly retriable?: boolean;
    readonly cause?: string;
  };
  readonly elapsedMs: number;
  readonly closeMs: number;
}

function describe(error: unknown): ProbeReport['error'] {
  const shape = error as { name?: string; reason?: string; retriable?: boolean; cause?: { name?: string } };
  return { name: String(shape.name), reason: shape.reason, retriable: shape.retriable, cause: shape.cause?.name };
}

async function main(): Promise<void> {
  const path = process.env.PROBE_PATH ?? '';
  const unreachable = path === 'unreachable-broker';
  const transport = kafkajsTransport({
    kafka: {
      clientId: `exit-probe-${path}`,
      brokers: unreachable ? ['127.0.0.1:1'] : (process.env.KAFKA_BROKERS ?? '').split(','),
    },
    logger: silentLogger,
  });
  const replyTopic = path === 'missing-reply-topic' ? `missing-${process.pid}-${Date.now()}` : process.env.REPLY_TOPIC!;
  const requestTopic =
    path === 'missing-request-topic' ? `missing-${process.pid}-${Date.now()}` : process.env.REQUEST_TOPIC!;
  const requester = createRequester({ transport, replyTopic, timeoutMs: 5_000 });
  let responder: Subscription | undefined;
  const started = Date.now();
  let report: Omit<ProbeReport, 'closeMs'>;
  const request = () =>
    requester.request({ topic: requestTopic, value: 'ping', codec: stringCodec, replyCodec: stringCodec });
  try {
    if (path === 'answered') {
      responder = serve({
        transport,
        topic: requestTopic,
        groupId: `exit-probe-${process.pid}`,
        requestCodec: stringCodec,
        replyCodec: stringCodec,
        handler: (value) => `${value}-pong`,
      }).subscribe();
    }
    if (path === 'failed-produce') {
      // A record the broker refuses for its size (the broker's default limit is about 1 MiB).
      await transport.produce([{ topic: requestTopic, value: Buffer.alloc(2 * 1024 * 1024) }]);
      throw new Error('a 2 MiB record was accepted');
    }
    if (path === 'cancelled-requests') {
      const subscriptions = Array.from({ length: 20 }, () => request().subscribe({ error: () => undefined }));
      await new Promise((resolve) => setTimeout(resolve, 300));
      for (const subscription of subscriptions) subscription.unsubscribe();
      report = { path, outcome: 'cancelled', elapsedMs: Date.now() - started };
    } else {
      await firstValueFrom(request());
      report = { path, outcome: 'answered', elapsedMs: Date.now() - started };
    }
  } catch (error) {
    report = { path, outcome: 'failed', error: describe(error), elapsedMs: Date.now() - started };
  }
  const closing = Date.now();
  requester.close();
  responder?.unsubscribe();
  await transport.close();
  process.stdout.write(`${JSON.stringify({ ...report, closeMs: Date.now() - closing })}\n`);
}

void main();
