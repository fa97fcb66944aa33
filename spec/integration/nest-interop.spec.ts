import 'reflect-metadata';
import { Controller, INestMicroservice, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ClientKafka,
  Ctx,
  MessagePattern,
  MicroserviceOptions,
  Payload,
  RpcException,
  Transport as NestTransport,
} from '@nestjs/microservices';
import { expect } from 'chai';
import * as t from 'io-ts';
import { logLevel } from 'kafkajs';
import {
  concat,
  filter,
  firstValueFrom,
  ignoreElements,
  interval,
  lastValueFrom,
  map,
  Observable,
  share,
  Subscription,
  take,
  timer,
  toArray,
} from 'rxjs';
import { bytesCodec, Codec, jsonCodec, stringCodec } from '../../lib/codecs';
import { isDecodeError, isRemoteError, RemoteError } from '../../lib/errors';
import { CORRELATION_ID_HEADER, NEST_DISPOSED_HEADER, NEST_ERROR_HEADER } from '../../lib/headers';
import { patternCodecs, PubScribeContext, PubScribeServer } from '../../lib/nest';
import { createRequester, Requester } from '../../lib/requester';
import { serve } from '../../lib/responder';
import type { Transport } from '../../lib/transport/transport';
import { createTopic, testKafka, uniqueName } from '../support/kafka-fixtures';
import {
  connectedNestClient,
  createTopics,
  describeGroup,
  readWire,
  recordsPerPartition,
} from '../support/nest-fixtures';
import { testBrokers } from '../support/test-brokers';
import { realTransport, realTransportKinds } from '../support/transport-kinds';

const N = t.type({ n: t.number });
const Count = t.type({ count: t.number });
const Index = t.type({ i: t.number });
const Described = t.type({ type: t.string, payload: t.unknown });

/** Creates a topic per prefix and, for Nest clients, its `<topic>.reply` (auto-create is off). */
async function patternTopics(prefixes: readonly string[], replyPartitions = 1): Promise<string[]> {
  const topics = prefixes.map((prefix) => uniqueName(prefix));
  await createTopics(
    topics.flatMap((topic) => [
      { topic, numPartitions: 1 },
      { topic: `${topic}.reply`, numPartitions: replyPartitions },
    ]),
  );
  return topics;
}

interface Patterns {
  readonly echo: string;
  readonly fail: string;
  readonly crash: string;
  readonly many: string;
  readonly describe: string;
  readonly text: string;
}

/**
 * Stock Nest handlers: the same controller runs on Nest's ServerKafka and on PubScribeServer.
 * The patterns are random per run, so the controller is declared when the function runs.
 */
function handlersModule(patterns: Patterns): Type<unknown> {
  @Controller()
  class InteropController {
    @MessagePattern(patterns.echo)
    echo(@Payload() payload: { n: number }): { n: number; by: string } {
      return { n: payload.n, by: 'nest' };
    }

    @MessagePattern(patterns.fail)
    fail(@Payload() payload: { email: string }): never {
      throw new RpcException({ name: 'DuplicateEmailError', message: `${payload.email} is taken` });
    }

    @MessagePattern(patterns.crash)
    crash(): never {
      throw new Error('a bug');
    }

    // The replies come one by one and the handler completes later, so Nest sends its end marker
    // as a record of its own.
    @MessagePattern(patterns.many)
    many(@Payload() payload: { count: number }): Observable<{ i: number }> {
      return concat(
        interval(5).pipe(
          take(payload.count),
          map((i) => ({ i })),
        ),
        timer(30).pipe(ignoreElements()),
      );
    }

    @MessagePattern(patterns.describe)
    describe(@Payload() payload: unknown): { type: string; payload: unknown } {
      return { type: Buffer.isBuffer(payload) ? 'buffer' : typeof payload, payload };
    }

    @MessagePattern(patterns.text)
    text(@Payload() payload: { name: string }): string {
      return `hello ${payload.name}`;
    }
  }
  @Module({ controllers: [InteropController] })
  class InteropModule {}
  return InteropModule;
}

async function randomPatterns(): Promise<Patterns> {
  const [echo, fail, crash, many, describe, text] = await patternTopics(
    ['echo', 'fail', 'crash', 'many', 'describe', 'text'].map((name) => `nest-${name}`),
  );
  if (!echo || !fail || !crash || !many || !describe || !text) throw new Error('topics missing');
  return { echo, fail, crash, many, describe, text };
}

describe('NestJS interop (real broker)', () => {
  for (const { name } of realTransportKinds) {
    describe(`pubscribe on ${name}`, () => {
      let subscriptions: Subscription;
      let transport: Transport;
      const closers: (() => Promise<unknown>)[] = [];

      beforeEach(() => {
        subscriptions = new Subscription();
        transport = realTransport(name);
      });

      afterEach(async () => {
        subscriptions.unsubscribe();
        for (const close of closers.splice(0).reverse()) await close();
        await transport.close();
      });

      describe('a pubscribe requester calling a stock Nest @MessagePattern responder (ServerKafka)', () => {
        let patterns: Patterns;
        let replies: string;
        let requester: Requester;

        beforeEach(async () => {
          patterns = await randomPatterns();
          replies = await createTopic('nest-replies');
          const app = await NestFactory.createMicroservice<MicroserviceOptions>(handlersModule(patterns), {
            logger: false,
            transport: NestTransport.KAFKA,
            options: {
              client: { clientId: uniqueName('nest-server'), brokers: testBrokers(), logLevel: logLevel.NOTHING },
              consumer: { groupId: uniqueName('nest-server'), maxWaitTimeInMs: 100 },
              subscribe: { fromBeginning: true },
            },
          });
          await app.listen();
          closers.push(() => app.close());
          requester = createRequester({ transport, replyTopic: replies, timeoutMs: 20_000, keepAliveMs: 200 });
          closers.push(async () => requester.close());
        });

        it('one reply: Nest decodes the JSON request and its reply decodes with jsonCodec', async () => {
          const reply = await firstValueFrom(
            requester.request({
              topic: patterns.echo,
              key: 'k-1',
              value: { n: 1 },
              codec: jsonCodec(N),
              replyCodec: jsonCodec(t.type({ n: t.number, by: t.string })),
            }),
          );
          expect(reply).to.deep.equal({ n: 1, by: 'nest' });

          // On the wire: JSON value, the correlation id copied, the end marker on the same record
          // (Nest merges it into the last reply when that is still queued), no key.
          const [record] = await readWire(replies, 1);
          expect(record?.value?.toString()).to.equal('{"n":1,"by":"nest"}');
          expect(record?.key).to.equal(undefined);
          expect(record?.headers[CORRELATION_ID_HEADER]?.toString()).to.match(/^[0-9a-f-]{36}$/);
          expect(record?.headers[NEST_DISPOSED_HEADER]).to.deep.equal(Buffer.alloc(1));
        });

        it("leased reply partitions written as text (the Nest module's default): Nest replies on each stamped partition, nothing foreign", async () => {
          const shared = await createTopic('nest-leased-replies', 4);
          const leaseGroupId = uniqueName('nest-leases');
          const instances = ['a', 'b'].map(() =>
            createRequester({
              transport,
              replyTopic: shared,
              replyPartition: 'auto',
              replyPartitionEncoding: 'text',
              leaseGroupId,
              timeoutMs: 20_000,
              keepAliveMs: 200,
            }),
          );
          closers.push(async () => instances.forEach((instance) => instance.close()));
          await Promise.all(instances.map((instance) => firstValueFrom(instance.warmUp())));
          const answers = await Promise.all(
            instances.flatMap((instance, which) =>
              Array.from({ length: 6 }, (_, n) =>
                firstValueFrom(
                  instance.request({
                    topic: patterns.echo,
                    key: `k-${which}-${n}`,
                    value: { n: which * 100 + n },
                    codec: jsonCodec(N),
                    replyCodec: jsonCodec(t.type({ n: t.number, by: t.string })),
                  }),
                ),
              ),
            ),
          );
          expect(answers.map((reply) => reply.n)).to.deep.equal([0, 1, 2, 3, 4, 5, 100, 101, 102, 103, 104, 105]);
          for (const instance of instances) expect(instance.metrics()).to.deep.include({ foreign: 0, answered: 6 });
          // Nest read the decimal text and replied on the partition each request named.
          const records = await readWire(shared, 12);
          expect(new Set(records.map((record) => record.partition)).size).to.be.greaterThan(1);
        });

        it('an RpcException reaches the requester as a RemoteError with its name and message', async () => {
          const error = await firstValueFrom(
            requester.request({
              topic: patterns.fail,
              value: { email: 'ada@example.com' },
              codec: jsonCodec(t.type({ email: t.string })),
              replyCodec: jsonCodec(N),
            }),
          ).catch((e: unknown) => e);
          expect(isRemoteError(error)).to.equal(true);
          expect(error).to.include({ remoteName: 'DuplicateEmailError', remoteMessage: 'ada@example.com is taken' });
          expect(requester.metrics()).to.include({ pending: 0, remoteErrors: 1 });
        });

        it("any other throw reaches the requester as Nest's 'Internal server error'", async () => {
          const error = await firstValueFrom(
            requester.request({
              topic: patterns.crash,
              value: { n: 1 },
              codec: jsonCodec(N),
              replyCodec: jsonCodec(N),
            }),
          ).catch((e: unknown) => e);
          expect(isRemoteError(error)).to.equal(true);
          expect((error as RemoteError).remoteMessage).to.equal('Internal server error');
          expect((error as RemoteError).details).to.deep.equal({ status: 'error', message: 'Internal server error' });
        });

        it("an Observable handler: requestMany emits every reply and ends on Nest's separate end marker", async () => {
          const all = await lastValueFrom(
            requester
              .requestMany({
                topic: patterns.many,
                value: { count: 3 },
                codec: jsonCodec(Count),
                replyCodec: jsonCodec(Index),
              })
              .pipe(toArray()),
          );
          expect(all).to.deep.equal([{ i: 0 }, { i: 1 }, { i: 2 }]);
          const wire = await readWire(replies, 4);
          expect(wire.map((record) => record.value?.toString() ?? null)).to.deep.equal([
            '{"i":0}',
            '{"i":1}',
            '{"i":2}',
            null,
          ]);
          expect(wire.map((record) => record.headers[NEST_DISPOSED_HEADER] !== undefined)).to.deep.equal([
            false,
            false,
            false,
            true,
          ]);
          expect(requester.metrics()).to.include({ pending: 0, answered: 1 });
        });

        it('Nest hands JSON objects to handlers parsed and anything else as text', async () => {
          const ask = (value: Buffer) =>
            firstValueFrom(
              requester.request({
                topic: patterns.describe,
                value,
                codec: bytesCodec,
                replyCodec: jsonCodec(Described),
              }),
            );
          expect(await ask(Buffer.from('{"n":1}'))).to.deep.equal({ type: 'object', payload: { n: 1 } });
          expect(await ask(Buffer.from('42'))).to.deep.equal({ type: 'string', payload: '42' });
          expect(await ask(Buffer.from('"quoted"'))).to.deep.equal({ type: 'string', payload: '"quoted"' });
        });

        it('a Nest handler that returns a string replies with its bare text, not JSON: read it with stringCodec', async () => {
          const ask = <Reply>(replyCodec: Codec<Reply>) =>
            firstValueFrom(
              requester.request({
                topic: patterns.text,
                value: { name: 'ada' },
                codec: jsonCodec(t.unknown),
                replyCodec,
              }),
            );
          expect(await ask(stringCodec)).to.equal('hello ada');
          expect(isDecodeError(await ask(jsonCodec(t.string)).catch((e: unknown) => e))).to.equal(true);
        });
      });

      describe('a stock Nest ClientKafka.send() calling a pubscribe responder (serve)', () => {
        let topic: string;
        let client: ClientKafka;

        beforeEach(async () => {
          [topic] = await patternTopics(['serve-for-nest'], 3);
        });

        async function startServe<Request, Reply>(
          requestCodec: t.Type<Request>,
          replyCodec: t.Type<Reply>,
          handler: (request: Request) => Observable<Reply> | Promise<Reply>,
        ) {
          const events = serve({
            transport,
            topic,
            groupId: uniqueName('serve-for-nest'),
            requestCodec: jsonCodec(requestCodec),
            replyCodec: jsonCodec(replyCodec),
            handler,
            consumer: { startAt: 'earliest' },
          }).pipe(share());
          const ready = firstValueFrom(events.pipe(filter((event) => event.type === 'ready')));
          subscriptions.add(events.subscribe());
          await ready;
        }

        it('one reply, on the partition the Nest client named (a decimal string), with the key kept', async () => {
          await startServe(N, N, async (request) => ({ n: request.n * 2 }));
          client = await connectedNestClient([topic]);
          closers.push(() => client.close());
          const keys = ['a', 'b', 'c', 'd', 'e', 'f'];
          const answers = await Promise.all(
            keys.map((key, n) => firstValueFrom(client.send<{ n: number }>(topic, { key, value: { n } }))),
          );
          expect(answers).to.deep.equal(keys.map((_, n) => ({ n: n * 2 })));
          // Nest's client names its lowest assigned reply partition, "0"; every reply must land there.
          expect(await recordsPerPartition(`${topic}.reply`)).to.deep.equal([keys.length, 0, 0]);
          const wire = await readWire(`${topic}.reply`, keys.length);
          expect(wire.map((record) => record.key).sort()).to.deep.equal(keys);
        });

        it('a failing handler: the Nest client receives the error object', async () => {
          await startServe(N, N, async () => {
            throw new Error('email taken');
          });
          client = await connectedNestClient([topic]);
          closers.push(() => client.close());
          const error = await firstValueFrom(client.send(topic, { n: 1 })).catch((e: unknown) => e);
          expect(error).to.deep.equal({ name: 'Error', message: 'email taken' });
        });

        it('many replies: the Nest client sees each, and completes on the marker the last one carries', async () => {
          await startServe(Count, Index, (request) =>
            interval(5).pipe(
              take(request.count),
              map((i) => ({ i })),
            ),
          );
          client = await connectedNestClient([topic]);
          closers.push(() => client.close());
          const all = await lastValueFrom(client.send(topic, { count: 3 }).pipe(toArray()));
          expect(all).to.deep.equal([{ i: 0 }, { i: 1 }, { i: 2 }]);
          const wire = await readWire(`${topic}.reply`, 3);
          expect(wire.map((record) => record.headers[NEST_DISPOSED_HEADER] !== undefined)).to.deep.equal([
            false,
            false,
            true,
          ]);
          expect(wire.every((record) => record.headers[NEST_ERROR_HEADER] === undefined)).to.equal(true);
        });
      });

      describe('PubScribeServer: stock @MessagePattern handlers served by pubscribe', () => {
        let patterns: Patterns;
        let typed: string;
        let app: INestMicroservice;
        let groupId: string;
        let closeApp: () => Promise<void>;

        beforeEach(async () => {
          patterns = await randomPatterns();
          [typed] = await patternTopics(['typed']);
          groupId = uniqueName('pubscribe-server');

          @Controller()
          class TypedController {
            @MessagePattern(typed, patternCodecs({ requestCodec: jsonCodec(N), replyCodec: jsonCodec(N) }))
            double(@Payload() payload: { n: number }, @Ctx() context: PubScribeContext): { n: number } {
              expect(context.getTopic()).to.equal(typed);
              return { n: payload.n * 2 };
            }
          }
          @Module({ imports: [handlersModule(patterns)], controllers: [TypedController] })
          class ServerModule {}

          // Given kafkajs settings, the server owns its transport and closes it with the app.
          app = await NestFactory.createMicroservice(ServerModule, {
            logger: false,
            strategy: new PubScribeServer({
              transport: { kafka: testKafka(uniqueName('pubscribe-server')) },
              groupId,
              consumer: { startAt: 'earliest' },
            }),
          });
          await app.listen();
          let closed: Promise<void> | undefined;
          closeApp = () => (closed ??= app.close());
          closers.push(closeApp);
        });

        it('answers a Nest ClientKafka: one reply, an RpcException, a crash, many replies', async () => {
          const client = await connectedNestClient([patterns.echo, patterns.fail, patterns.crash, patterns.many]);
          closers.push(() => client.close());
          expect(await firstValueFrom(client.send(patterns.echo, { n: 4 }))).to.deep.equal({ n: 4, by: 'nest' });
          expect(
            await firstValueFrom(client.send(patterns.fail, { email: 'ada@example.com' })).catch((e: unknown) => e),
          ).to.deep.equal({
            name: 'DuplicateEmailError',
            message: 'ada@example.com is taken',
          });
          expect(await firstValueFrom(client.send(patterns.crash, {})).catch((e: unknown) => e)).to.deep.equal({
            status: 'error',
            message: 'Internal server error',
          });
          expect(await lastValueFrom(client.send(patterns.many, { count: 3 }).pipe(toArray()))).to.deep.equal([
            { i: 0 },
            { i: 1 },
            { i: 2 },
          ]);
        });

        it('answers a pubscribe requester, decoding typed patterns and rejecting what does not decode', async () => {
          const replies = await createTopic('server-replies');
          const requester = createRequester({ transport, replyTopic: replies, timeoutMs: 20_000, keepAliveMs: 200 });
          closers.push(async () => requester.close());
          const request = (topic: string, value: unknown) =>
            firstValueFrom(
              requester.request({ topic, value, codec: jsonCodec(t.unknown), replyCodec: jsonCodec(t.unknown) }),
            );
          expect(await request(typed, { n: 21 })).to.deep.equal({ n: 42 });
          const bad = await request(typed, { n: 'x' }).catch((e: unknown) => e);
          expect(isRemoteError(bad)).to.equal(true);
          expect(bad).to.include({ remoteName: 'DecodeError' });
          expect(await request(patterns.echo, { n: 5 })).to.deep.equal({ n: 5, by: 'nest' });
          const many = await lastValueFrom(
            requester
              .requestMany({
                topic: patterns.many,
                value: { count: 2 },
                codec: jsonCodec(Count),
                replyCodec: jsonCodec(Index),
              })
              .pipe(toArray()),
          );
          expect(many).to.deep.equal([{ i: 0 }, { i: 1 }]);
        });

        it('app.close() leaves the consumer group empty (the server closes the transport it created)', async () => {
          expect(await describeGroup(groupId)).to.include({ state: 'Stable', members: 1 });
          await closeApp();
          expect(await describeGroup(groupId)).to.deep.equal({ state: 'Empty', members: 0 });
        });
      });
    });
  }
});
