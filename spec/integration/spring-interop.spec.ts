/**
 * Spring for Apache Kafka as a real peer: stock spring-kafka JVMs (peers/spring, built by
 * tools/spring/provision.ts on the first run) against pubscribe, both ways, on the test broker.
 * docs/spring.md describes the wire format and the two error recipes these tests run.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import * as t from 'io-ts';
import { filter, firstValueFrom, share, Subscription } from 'rxjs';
import { jsonCodec } from '../../lib/codecs';
import { isRemoteError, isRequestTimeoutError, RemoteError } from '../../lib/errors';
import { CORRELATION_ID_HEADER, NEST_ERROR_HEADER, REPLY_PARTITION_HEADER } from '../../lib/headers';
import { createRequester, Requester } from '../../lib/requester';
import { serve } from '../../lib/responder';
import type { ConsumedRecord } from '../../lib/transport/records';
import type { Transport } from '../../lib/transport/transport';
import { ensureSpringPeerBuilt, SpringPeerBuild } from '../../tools/spring/provision';
import { PeerLine, SpringPeerProcess, SpringProgram, startSpringPeer } from '../../tools/spring/spring-process';
import { uniqueName } from '../support/kafka-fixtures';
import { createTopics, readWire, recordsPerPartition } from '../support/nest-fixtures';
import { testBrokers } from '../support/test-brokers';
import { eventually, inParallel, testTransport } from '../support/test-transport';

const N = t.type({ n: t.number });
const Answer = t.type({ n: t.number, by: t.string });
type Answer = t.TypeOf<typeof Answer>;

/** What the Spring requester prints for one request (`reply` or `failed`). */
interface Outcome extends PeerLine {
  readonly n: number;
  readonly key: string;
  readonly replyKey?: string;
  readonly replyPartition?: number;
  readonly value?: Answer | null;
  readonly exception?: string;
  readonly message?: string;
  readonly remoteName?: string | null;
}

const REMOTE_REPLY_EXCEPTION = 'dev.pubscribe.spring.PubscribeReplyErrorChecker$RemoteReplyException';

class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

describe('Spring for Apache Kafka interop (real broker, stock spring-kafka JVMs)', function () {
  let build: SpringPeerBuild;
  let logs: string;
  const peers: SpringPeerProcess[] = [];

  before(function () {
    // The first run resolves spring-kafka from Maven Central and compiles peers/spring.
    this.timeout(600_000);
    build = ensureSpringPeerBuilt((line) => console.log(`  [spring] ${line}`));
    logs = mkdtempSync(join(tmpdir(), 'pubscribe-spring-'));
  });

  after(async () => {
    for (const peer of peers.splice(0)) await peer.stop();
  });

  function peer(program: SpringProgram, args: Record<string, string | number | boolean>): SpringPeerProcess {
    const started = startSpringPeer(
      program,
      { 'bootstrap-servers': testBrokers().join(','), ...args },
      { classpath: build.classpath, logFile: join(logs, `${uniqueName(program)}.log`), jvmArgs: ['-Xmx256m'] },
    );
    peers.push(started);
    return started;
  }

  /** Runs the Spring requester to its end and returns its per-request lines, by request number. */
  async function runSpringRequester(args: Record<string, string | number | boolean>): Promise<Map<number, Outcome>> {
    const requester = peer('SpringRequester', args);
    try {
      await requester.waitFor('done', 120_000);
      expect(await requester.exit).to.equal(0);
    } finally {
      await requester.stop();
    }
    const outcomes = new Map<number, Outcome>();
    for (const line of requester.lines) {
      if (line.event !== 'reply' && line.event !== 'failed') continue;
      const outcome = line as Outcome;
      expect(outcomes.has(outcome.n), `two outcomes for request ${outcome.n}`).to.equal(false);
      outcomes.set(outcome.n, outcome);
    }
    return outcomes;
  }

  describe('a Spring ReplyingKafkaTemplate calling pubscribe `serve`', () => {
    let transport: Transport;
    let subscription: Subscription;
    let requests: string;
    let replies: string;
    let seen: ConsumedRecord[];

    beforeEach(async () => {
      transport = testTransport();
      requests = uniqueName('spring-requests');
      replies = uniqueName('spring-replies');
      await createTopics([
        { topic: requests, numPartitions: 3 },
        { topic: replies, numPartitions: 3 },
      ]);
      seen = [];
      const events$ = serve({
        transport,
        topic: requests,
        groupId: uniqueName('serve'),
        requestCodec: jsonCodec(N),
        replyCodec: jsonCodec(Answer),
        handler: (request, context) => {
          seen.push(context.record);
          if (request.n < 0) throw new NotFoundError(`no item ${request.n}`);
          return { n: request.n, by: 'pubscribe' };
        },
        consumer: { maxWaitTimeMs: 100 },
      }).pipe(share());
      const ready = firstValueFrom(events$.pipe(filter((event) => event.type === 'ready')));
      subscription = events$.subscribe();
      await ready;
    });

    afterEach(async () => {
      subscription.unsubscribe();
      await transport.close();
    });

    it('1,000 requests at 64 in flight: each answered once, none crossed, keys kept, kafka_replyPartition honoured', async function () {
      this.timeout(180_000);
      const outcomes = await runSpringRequester({
        'request-topic': requests,
        'reply-topic': replies,
        'reply-partition': 2,
        count: 1_000,
        'in-flight': 64,
      });

      expect(outcomes.size).to.equal(1_000);
      for (let n = 0; n < 1_000; n++) {
        const outcome = outcomes.get(n);
        expect(outcome?.event, `request ${n}: ${JSON.stringify(outcome)}`).to.equal('reply');
        expect(outcome?.value).to.deep.equal({ n, by: 'pubscribe' });
        expect(outcome?.replyKey).to.equal(`k-${n}`);
        expect(outcome?.replyPartition).to.equal(2);
      }
      expect(await recordsPerPartition(replies)).to.deep.equal([0, 0, 1_000]);

      // What Spring put on the wire: 16-byte binary correlation ids, the partition as 4 bytes.
      expect(seen).to.have.length(1_000);
      const ids = new Set(seen.map((record) => record.headers[CORRELATION_ID_HEADER]?.toString('hex')));
      expect(ids.size).to.equal(1_000);
      for (const record of seen) {
        expect(record.headers[CORRELATION_ID_HEADER]).to.have.length(16);
        expect(record.headers[REPLY_PARTITION_HEADER]).to.deep.equal(Buffer.from([0, 0, 0, 2]));
        expect(record.headers['__TypeId__']?.toString()).to.equal('dev.pubscribe.spring.Numbered');
      }
    });

    it('a handler failure reaches Spring as an exception through PubscribeReplyErrorChecker; answers stay with their callers', async function () {
      this.timeout(120_000);
      const outcomes = await runSpringRequester({
        'request-topic': requests,
        'reply-topic': replies,
        first: -50,
        count: 100,
        'in-flight': 16,
      });

      expect(outcomes.size).to.equal(100);
      for (let n = -50; n < 50; n++) {
        const outcome = outcomes.get(n);
        if (n < 0) {
          expect(outcome?.event, `request ${n}`).to.equal('failed');
          expect(outcome?.exception).to.equal(REMOTE_REPLY_EXCEPTION);
          expect(outcome?.remoteName).to.equal('NotFoundError');
          expect(outcome?.message).to.equal(`NotFoundError: no item ${n}`);
        } else {
          expect(outcome?.event, `request ${n}`).to.equal('reply');
          expect(outcome?.value).to.deep.equal({ n, by: 'pubscribe' });
        }
      }
    });

    it('without the checker, a stock template takes an error reply for an answer whose value is null', async function () {
      this.timeout(120_000);
      const outcomes = await runSpringRequester({
        'request-topic': requests,
        'reply-topic': replies,
        first: -1,
        count: 1,
        'error-checker': false,
      });

      expect(outcomes.get(-1)).to.include({ event: 'reply', value: null, replyKey: 'k--1' });
      const [record] = await readWire(replies, 1);
      expect(record?.value).to.equal(null);
      expect(JSON.parse(record?.headers[NEST_ERROR_HEADER]?.toString() ?? '')).to.deep.equal({
        name: 'NotFoundError',
        message: 'no item -1',
      });
    });
  });

  describe('a pubscribe requester calling a Spring @KafkaListener + @SendTo responder', () => {
    let responder: SpringPeerProcess;
    let withRecipe: string;
    let withDefaults: string;
    let transport: Transport;
    let requester: Requester;
    let replies: string;

    before(async function () {
      this.timeout(120_000);
      withRecipe = uniqueName('spring-echo');
      withDefaults = uniqueName('spring-echo-defaults');
      await createTopics([
        { topic: withRecipe, numPartitions: 3 },
        { topic: withDefaults, numPartitions: 1 },
      ]);
      responder = peer('SpringResponder', {
        topic: withRecipe,
        'plain-topic': withDefaults,
        group: uniqueName('spring'),
      });
      await responder.waitFor('ready', 90_000);
    });

    beforeEach(async () => {
      transport = testTransport();
      replies = uniqueName('pubscribe-replies');
      await createTopics([{ topic: replies, numPartitions: 3 }]);
      requester = createRequester({ transport, replyTopic: replies, replyPartition: 1, timeoutMs: 30_000 });
      await firstValueFrom(requester.warmUp());
    });

    afterEach(async () => {
      requester.close();
      await transport.close();
    });

    const call = (topic: string, n: number, timeoutMs?: number) =>
      firstValueFrom(
        requester.request({
          topic,
          key: `k-${n}`,
          value: { n },
          codec: jsonCodec(N),
          replyCodec: jsonCodec(Answer),
          timeoutMs,
        }),
      );

    it('1,000 requests at 64 in flight: each answered once, none crossed, keys kept, kafka_replyPartition honoured', async function () {
      this.timeout(180_000);
      const answers = await inParallel(1_000, 64, (n) => call(withRecipe, n));

      answers.forEach((answer, n) => expect(answer).to.deep.equal({ n, by: 'spring' }));
      expect(await recordsPerPartition(replies)).to.deep.equal([0, 1_000, 0]);
      const wire = await readWire(replies, 1_000);
      for (const record of wire) {
        const { n } = JSON.parse(record.value?.toString() ?? '') as { n: number };
        expect(record.key).to.equal(`k-${n}`);
        expect(record.partition).to.equal(1);
        // pubscribe's UUID string, copied back byte for byte.
        expect(record.headers[CORRELATION_ID_HEADER]?.toString()).to.match(/^[0-9a-f-]{36}$/);
      }
    });

    it('a listener failure reaches the caller as a RemoteError through PubscribeErrorReplies; answers stay with their callers', async function () {
      this.timeout(60_000);
      const outcomes = await inParallel(20, 20, (i) => {
        const n = i % 2 === 0 ? i : -i;
        return call(withRecipe, n).then(
          (answer) => ({ n, answer, error: undefined }),
          (error: unknown) => ({ n, answer: undefined, error }),
        );
      });

      for (const { n, answer, error } of outcomes) {
        if (n >= 0) {
          expect(answer).to.deep.equal({ n, by: 'spring' });
          continue;
        }
        expect(isRemoteError(error), String(error)).to.equal(true);
        expect(error).to.include({
          remoteName: 'IllegalArgumentException',
          remoteMessage: `n must not be negative, got ${n}`,
        });
        expect((error as RemoteError).partition).to.equal(1);
      }
      // The error replies keep the request's key and carry a null value.
      const errorReplies = (await readWire(replies, 20)).filter((record) => record.headers[NEST_ERROR_HEADER]);
      expect(errorReplies).to.have.length(10);
      for (const record of errorReplies) {
        expect(record.value).to.equal(null);
        expect(record.key).to.match(/^k--\d+$/);
      }
    });

    it("with Spring's defaults a failing listener sends nothing: the caller gets its RequestTimeoutError", async function () {
      this.timeout(60_000);
      const threw = () => responder.lines.filter((line) => line.event === 'threw' && line.n === -1).length;

      const error = await call(withDefaults, -1, 4_000).catch((failure: unknown) => failure);

      expect(isRequestTimeoutError(error), String(error)).to.equal(true);
      expect(error).to.include({ timeoutMs: 4_000 });
      // DefaultErrorHandler: the first delivery and 9 retries, then the record is logged and skipped.
      expect(await eventually(async () => threw() >= 10, 10_000, 50)).to.equal(true);
      expect(threw()).to.equal(10);
      // The partition has moved on: the next request is answered, and it is the only reply sent.
      expect(await call(withDefaults, 7)).to.deep.equal({ n: 7, by: 'spring' });
      expect(await recordsPerPartition(replies)).to.deep.equal([0, 1, 0]);
    });
  });
});
