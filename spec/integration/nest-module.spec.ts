import 'reflect-metadata';
import { Inject, Injectable, Module } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { expect } from 'chai';
import * as t from 'io-ts';
import { filter, firstValueFrom, share, Subscription } from 'rxjs';
import { jsonCodec } from '../../lib/codecs';
import { isClosedError } from '../../lib/errors';
import {
  InjectRequester,
  InjectTransport,
  PUBSCRIBE_REQUESTER,
  PUBSCRIBE_TRANSPORT,
  PubScribeModule,
  PubScribeModuleOptions,
  PubScribeOptionsFactory,
} from '../../lib/nest';
import type { Requester } from '../../lib/requester';
import { serve } from '../../lib/responder';
import type { Transport } from '../../lib/transport/transport';
import { createTopic, testKafka, uniqueName } from '../support/kafka-fixtures';
import { describeGroup } from '../support/nest-fixtures';
import { testBrokers } from '../support/test-brokers';
import { testTransport } from '../support/test-transport';

const N = t.type({ n: t.number });

@Injectable()
class Doubler {
  constructor(
    @InjectRequester() readonly requester: Requester,
    @InjectTransport() readonly transport: Transport,
  ) {}

  double(topic: string, n: number): Promise<{ n: number }> {
    return firstValueFrom(
      this.requester.request({ topic, key: `k-${n}`, value: { n }, codec: jsonCodec(N), replyCodec: jsonCodec(N) }),
    );
  }
}

describe('PubScribeModule (real broker)', () => {
  let subscriptions: Subscription;
  let responderTransport: Transport;
  let requests: string;
  let replies: string;

  beforeEach(async () => {
    subscriptions = new Subscription();
    responderTransport = testTransport();
    [requests, replies] = await Promise.all([createTopic('module-requests'), createTopic('module-replies')]);
    const events = serve({
      transport: responderTransport,
      topic: requests,
      groupId: uniqueName('doubler'),
      requestCodec: jsonCodec(N),
      replyCodec: jsonCodec(N),
      handler: async (request) => ({ n: request.n * 2 }),
      consumer: { startAt: 'earliest' },
    }).pipe(share());
    const ready = firstValueFrom(events.pipe(filter((event) => event.type === 'ready')));
    subscriptions.add(events.subscribe());
    await ready;
  });

  afterEach(async () => {
    subscriptions.unsubscribe();
    await responderTransport.close();
  });

  const options = (groupId: string): PubScribeModuleOptions => ({
    transport: { kafka: testKafka(uniqueName('module')) },
    requester: { replyTopic: replies, groupId, timeoutMs: 20_000 },
  });

  it('forRoot: init warms the reply consumer up; app.close() leaves its group and closes the transport', async () => {
    const groupId = uniqueName('module-replies');
    const app = await Test.createTestingModule({
      imports: [PubScribeModule.forRoot(options(groupId))],
      providers: [Doubler],
    }).compile();
    await app.init();
    // Ready before the first request: by default the requester leases the reply topic's one
    // partition (lease group joined) and its reader of that partition joined its group during init.
    const leaseGroup = `pubscribe-reply-leases-${replies}`;
    expect(await describeGroup(leaseGroup)).to.include({ state: 'Stable', members: 1 });
    expect(await describeGroup(`${groupId}-p0`)).to.include({ state: 'Stable', members: 1 });
    const doubler = app.get(Doubler);
    expect(await doubler.double(requests, 21)).to.deep.equal({ n: 42 });
    expect(app.get(PUBSCRIBE_REQUESTER)).to.equal(doubler.requester);
    expect(doubler.requester.metrics()).to.deep.include({ answered: 1, foreign: 0 });

    await app.close();
    expect(await describeGroup(`${groupId}-p0`)).to.deep.equal({ state: 'Empty', members: 0 });
    expect(await describeGroup(leaseGroup)).to.deep.equal({ state: 'Empty', members: 0 });
    const produced = await doubler.transport.produce([{ topic: requests, value: 'late' }]).catch((e: unknown) => e);
    expect(isClosedError(produced)).to.equal(true);
    const late = await doubler.double(requests, 1).catch((e: unknown) => e);
    expect(isClosedError(late)).to.equal(true);
  });

  it('forRoot with a transport you created: the module closes the requester, not your transport', async () => {
    const transport = testTransport();
    const groupId = uniqueName('module-replies');
    const app = await Test.createTestingModule({
      imports: [PubScribeModule.forRoot({ transport, requester: { replyTopic: replies, groupId } })],
    }).compile();
    await app.init();
    expect(app.get(PUBSCRIBE_TRANSPORT)).to.equal(transport);
    await app.close();
    await transport.produce([{ topic: requests, value: JSON.stringify({ n: 1 }) }]);
    await transport.close();
    expect(await describeGroup(`${groupId}-p0`)).to.deep.equal({ state: 'Empty', members: 0 });
  });

  it("replyPartition: 'shared' keeps one reply consumer reading the whole topic, no lease group", async () => {
    const groupId = uniqueName('module-replies');
    const shared: PubScribeModuleOptions = {
      ...options(groupId),
      requester: { ...options(groupId).requester, replyPartition: 'shared' },
    };
    const app = await Test.createTestingModule({
      imports: [PubScribeModule.forRoot(shared)],
      providers: [Doubler],
    }).compile();
    await app.init();
    try {
      expect(await describeGroup(groupId)).to.include({ state: 'Stable', members: 1 });
      expect(await app.get(Doubler).double(requests, 4)).to.deep.equal({ n: 8 });
    } finally {
      await app.close();
    }
    expect(await describeGroup(groupId)).to.deep.equal({ state: 'Empty', members: 0 });
  });

  describe('forRootAsync', () => {
    const BROKERS = 'BROKERS';
    const REPLIES = 'REPLIES';

    @Module({
      providers: [
        { provide: BROKERS, useFactory: () => testBrokers() },
        { provide: REPLIES, useFactory: () => replies },
      ],
      exports: [BROKERS, REPLIES],
    })
    class ConfigModule {}

    @Injectable()
    class PubScribeConfig implements PubScribeOptionsFactory {
      constructor(
        @Inject(BROKERS) private readonly brokers: string[],
        @Inject(REPLIES) private readonly replyTopic: string,
      ) {}
      createPubScribeOptions(): PubScribeModuleOptions {
        return {
          transport: { kafka: { clientId: uniqueName('async'), brokers: this.brokers } },
          requester: { replyTopic: this.replyTopic, timeoutMs: 20_000 },
        };
      }
    }

    @Module({ imports: [ConfigModule], providers: [PubScribeConfig], exports: [PubScribeConfig] })
    class PubScribeConfigModule {}

    async function roundTrip(pubscribe: ReturnType<typeof PubScribeModule.forRootAsync>): Promise<void> {
      let app: TestingModule | undefined;
      try {
        app = await Test.createTestingModule({ imports: [pubscribe], providers: [Doubler] }).compile();
        await app.init();
        expect(app.get(Doubler).requester.replyTopic).to.equal(replies);
        expect(await app.get(Doubler).double(requests, 5)).to.deep.equal({ n: 10 });
      } finally {
        await app?.close();
      }
    }

    it('useFactory with imports and inject', async () => {
      await roundTrip(
        PubScribeModule.forRootAsync({
          imports: [ConfigModule],
          inject: [BROKERS, REPLIES],
          useFactory: async (brokers: string[], replyTopic: string) => ({
            transport: { kafka: { clientId: uniqueName('async'), brokers } },
            requester: { replyTopic, timeoutMs: 20_000 },
          }),
        }),
      );
    });

    it('useClass', async () => {
      await roundTrip(PubScribeModule.forRootAsync({ imports: [ConfigModule], useClass: PubScribeConfig }));
    });

    it('useExisting', async () => {
      await roundTrip(PubScribeModule.forRootAsync({ imports: [PubScribeConfigModule], useExisting: PubScribeConfig }));
    });

    it('refuses none, or more than one, way of making the options', () => {
      expect(() => PubScribeModule.forRootAsync({})).to.throw(TypeError, /exactly one/);
      expect(() => PubScribeModule.forRootAsync({ useClass: PubScribeConfig, useExisting: PubScribeConfig })).to.throw(
        TypeError,
        /exactly one/,
      );
    });
  });
});
