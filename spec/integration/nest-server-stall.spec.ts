import 'reflect-metadata';
import { Controller, INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Ctx, MessagePattern, Payload } from '@nestjs/microservices';
import { expect } from 'chai';
import * as t from 'io-ts';
import { firstValueFrom } from 'rxjs';
import { jsonCodec } from '../../lib/codecs';
import { isRemoteError, type RemoteError } from '../../lib/errors';
import { silentLogger } from '../../lib/logging';
import { PubScribeContext, PubScribeServer } from '../../lib/nest';
import { createRequester, type Requester } from '../../lib/requester';
import type { Transport } from '../../lib/transport/transport';
import { createTopic, testKafka, uniqueName } from '../support/kafka-fixtures';
import { testTransport } from '../support/test-transport';

const Job = t.intersection([t.type({ n: t.number }), t.partial({ hang: t.boolean, ms: t.number })]);
type Job = t.TypeOf<typeof Job>;

/** PubScribeServer runs on `serve`: the same handler deadlines and key order for @MessagePattern handlers. */
describe('PubScribeServer: handler deadlines and key order (real broker)', () => {
  let topic: string;
  let replies: string;
  let app: INestMicroservice;
  let transport: Transport;
  let requester: Requester;
  let aborted: number;
  const runs: { key: string; n: number; start: number; end: number }[] = [];

  before(async () => {
    [topic, replies] = await Promise.all([createTopic('nest-stall', 1), createTopic('nest-stall-replies', 1)]);
    aborted = 0;

    @Controller()
    class JobsController {
      @MessagePattern(topic)
      async run(@Payload() job: Job, @Ctx() context: PubScribeContext): Promise<{ n: number }> {
        const key = context.getRecord().key?.toString() ?? '';
        if (job.hang) {
          context.getSignal().addEventListener('abort', () => (aborted += 1));
          return new Promise<never>(() => undefined);
        }
        const start = Date.now();
        await new Promise((resolve) => setTimeout(resolve, job.ms ?? 0));
        runs.push({ key, n: job.n, start, end: Date.now() });
        return { n: job.n };
      }
    }
    @Module({ controllers: [JobsController] })
    class JobsModule {}

    app = await NestFactory.createMicroservice(JobsModule, {
      logger: false,
      strategy: new PubScribeServer({
        transport: { kafka: testKafka(uniqueName('nest-stall')) },
        groupId: uniqueName('nest-stall'),
        handlerTimeoutMs: 800,
        logger: silentLogger,
      }),
    });
    await app.listen();
    transport = testTransport();
    requester = createRequester({ transport, replyTopic: replies, timeoutMs: 10_000 });
    await firstValueFrom(requester.warmUp());
  });

  after(async () => {
    requester?.close();
    await transport?.close();
    await app?.close();
  });

  const ask = (job: Job, key: string) =>
    firstValueFrom(
      requester.request({ topic, key, value: job, codec: jsonCodec(Job), replyCodec: jsonCodec(t.unknown) }),
    );

  it('a hung handler is cancelled at handlerTimeoutMs (getSignal() aborts); 10 later requests are answered meanwhile', async () => {
    const started = Date.now();
    const hung = ask({ n: -1, hang: true }, 'stuck').then(
      () => ({ error: undefined as unknown, ms: Date.now() - started }),
      (error: unknown) => ({ error, ms: Date.now() - started }),
    );
    const later = await Promise.all(
      Array.from({ length: 10 }, async (_, n) => {
        const sent = Date.now();
        expect(await ask({ n }, `key-${n}`)).to.deep.equal({ n });
        return Date.now() - sent;
      }),
    );
    expect(Math.max(...later)).to.be.below(800);
    const outcome = await hung;
    expect(isRemoteError(outcome.error), String(outcome.error)).to.equal(true);
    expect((outcome.error as RemoteError).remoteName).to.equal('HandlerTimeoutError');
    expect(outcome.ms).to.be.within(700, 4_000);
    expect(aborted).to.equal(1);
  });

  it('requests with the same key run one after another, in order, whatever their handler times', async () => {
    runs.length = 0;
    const delays = [60, 0, 30, 5, 0];
    const answers = await Promise.all(delays.map((ms, n) => ask({ n, ms }, 'ordered')));
    expect(answers).to.deep.equal(delays.map((_, n) => ({ n })));
    const ordered = runs.filter((run) => run.key === 'ordered');
    expect(ordered.map((run) => run.n)).to.deep.equal([0, 1, 2, 3, 4]);
    for (let n = 1; n < ordered.length; n += 1) expect(ordered[n]!.start).to.be.at.least(ordered[n - 1]!.end);
  });
});
