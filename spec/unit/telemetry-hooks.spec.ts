import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import { filter, firstValueFrom, Subscription } from 'rxjs';
import { consume, isMessage } from '../../lib/consume';
import { stringCodec } from '../../lib/codecs';
import { isRemoteError, isRequestTimeoutError } from '../../lib/errors';
import { headerString } from '../../lib/headers';
import { createRequester } from '../../lib/requester';
import { serve } from '../../lib/responder';
import { noTelemetry, type Telemetry } from '../../lib/telemetry';
import { inMemoryTransport } from '../../lib/testing';

/** A Telemetry that writes down each call, to check what the requester and responder report. */
function recordingTelemetry(): { telemetry: Telemetry; calls: string[] } {
  const calls: string[] = [];
  const errorName = (error: unknown) => (error instanceof Error ? error.name : String(error));
  const telemetry: Telemetry = {
    startRequest: (start) => {
      calls.push(`request ${start.topic} ${start.many ? 'many' : 'one'}`);
      return {
        headers: { 'x-trace': `request-${start.correlationId}` },
        sent: () => calls.push('sent'),
        replied: (record) => {
          const carried = headerString(record.headers, 'x-trace');
          calls.push(`replied with ${carried._tag === 'Some' ? carried.value : 'nothing'}`);
        },
        failed: (error) => calls.push(`failed ${errorName(error)}`),
        event: (name) => calls.push(`event ${name}`),
        end: (outcome) => calls.push(`end ${outcome}`),
      };
    },
    replyDropped: (reason) => calls.push(`dropped ${reason}`),
    startHandler: (record) => {
      calls.push(`handler ${headerString(record.headers, 'x-trace')._tag === 'Some' ? 'with' : 'without'} context`);
      return {
        headers: { 'x-trace': 'handler' },
        run: (work) => {
          calls.push('run');
          return work();
        },
        failed: (error) => calls.push(`handler failed ${errorName(error)}`),
        end: (outcome) => calls.push(`handler end ${outcome}`),
      };
    },
    startConsumer: (start) => {
      calls.push(`consumer ${start.role}`);
      return {
        ready: () => calls.push(`consumer ${start.role} ready`),
        failed: () => calls.push(`consumer ${start.role} failed`),
        end: () => calls.push(`consumer ${start.role} end`),
      };
    },
  };
  return { telemetry, calls };
}

const requesterSide = (call: string) => !/^(consumer|handler|run)/.test(call);

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('telemetry hooks (in-memory transport, a test aid)', () => {
  let subscriptions: Subscription;
  beforeEach(() => (subscriptions = new Subscription()));
  afterEach(() => subscriptions.unsubscribe());

  function rig(handler: (text: string) => Promise<string>) {
    const transport = inMemoryTransport({ topics: { requests: 1, replies: 1 } });
    const { telemetry, calls } = recordingTelemetry();
    subscriptions.add(
      serve({
        transport,
        topic: 'requests',
        groupId: 'responder',
        requestCodec: stringCodec,
        replyCodec: stringCodec,
        handler,
        telemetry,
      }).subscribe(),
    );
    const requester = createRequester({ transport, replyTopic: 'replies', timeoutMs: 200, keepAliveMs: 0, telemetry });
    subscriptions.add(() => requester.close());
    const ask = (value: string) =>
      firstValueFrom(requester.request({ topic: 'requests', value, codec: stringCodec, replyCodec: stringCodec }));
    return { calls, ask };
  }

  it('an answered request: start, ready, sent, the handler in its run with the context, the reply carrying the handler headers, end once', async () => {
    const { calls, ask } = rig(async (text) => `pong:${text}`);
    await settle();
    expect(await ask('ping')).to.equal('pong:ping');
    await settle();
    // Each side in its own order: the two sides interleave as the transport schedules them.
    expect(calls.filter(requesterSide)).to.deep.equal([
      'request requests one',
      'event reply consumer ready',
      'sent',
      'replied with handler',
      'end answered',
    ]);
    expect(calls.filter((call) => !requesterSide(call))).to.deep.equal([
      'consumer request',
      'consumer request ready',
      'consumer request end',
      'consumer reply',
      'consumer reply ready',
      'consumer reply end',
      'handler with context',
      'run',
      'handler end answered',
    ]);
  });

  it('context.send: the records a handler sends carry its trace context, over headers of their own', async () => {
    const transport = inMemoryTransport({ topics: { requests: 1, replies: 1, emails: 1 } });
    const { telemetry } = recordingTelemetry();
    subscriptions.add(
      serve({
        transport,
        topic: 'requests',
        groupId: 'responder',
        requestCodec: stringCodec,
        replyCodec: stringCodec,
        handler: async (text, context) => {
          await context.send([{ topic: 'emails', value: text, headers: { 'x-trace': 'own', kind: 'welcome' } }]);
          return text;
        },
        telemetry,
      }).subscribe(),
    );
    const requester = createRequester({ transport, replyTopic: 'replies', timeoutMs: 1_000, keepAliveMs: 0 });
    subscriptions.add(() => requester.close());
    await firstValueFrom(
      requester.request({ topic: 'requests', value: 'hello', codec: stringCodec, replyCodec: stringCodec }),
    );
    const [sent] = transport.records('emails');
    expect(sent?.headers['x-trace']?.toString()).to.equal('handler');
    expect(sent?.headers['kind']?.toString()).to.equal('welcome');
  });

  it('a handler error: failed on both sides with the error names; each ends once', async () => {
    const { calls, ask } = rig(async () => {
      throw new TypeError('no');
    });
    await settle();
    const failure = await ask('ping').catch((error: unknown) => error);
    expect(isRemoteError(failure)).to.equal(true);
    await settle();
    expect(calls.filter((call) => requesterSide(call) && /failed|end/.test(call))).to.deep.equal([
      'failed RemoteError',
      'end failed',
    ]);
    expect(calls.filter((call) => call.startsWith('handler') && /failed|end/.test(call))).to.deep.equal([
      'handler failed TypeError',
      'handler end answered',
    ]);
  });

  it('a timeout: the event, then the typed error, then end timed-out, on both sides', async () => {
    const { calls, ask } = rig((text) => new Promise((resolve) => setTimeout(() => resolve(text), 300)));
    await settle();
    // The handler is cancelled at the request's deadline (on the wire), so no late reply is sent.
    const failure = await ask('slow').catch((error: unknown) => error);
    expect(isRequestTimeoutError(failure)).to.equal(true);
    await settle();
    expect(calls.filter(requesterSide)).to.deep.equal([
      'request requests one',
      'event reply consumer ready',
      'sent',
      'event timeout',
      'failed RequestTimeoutError',
      'end timed-out',
    ]);
    expect(calls.filter((call) => call.startsWith('handler end'))).to.deep.equal(['handler end timed-out']);
  });

  it('a cancelled request ends once, as cancelled', async () => {
    const transport = inMemoryTransport({ topics: { requests: 1, replies: 1 } });
    const { telemetry, calls: own } = recordingTelemetry();
    const requester = createRequester({ transport, replyTopic: 'replies', timeoutMs: 200, keepAliveMs: 0, telemetry });
    requester
      .request({ topic: 'requests', value: 'x', codec: stringCodec, replyCodec: stringCodec })
      .subscribe()
      .unsubscribe();
    requester.close();
    expect(own).to.deep.equal(['request requests one', 'consumer reply', 'end cancelled', 'consumer reply end']);
  });
});

describe('consume() with telemetry (in-memory transport)', () => {
  let subscriptions: Subscription;
  beforeEach(() => (subscriptions = new Subscription()));
  afterEach(() => subscriptions.unsubscribe());

  it("traces the start as a 'message' consumer and delivers each record inside its own trace", async () => {
    const transport = inMemoryTransport({ topics: { emails: 1 } });
    const calls: string[] = [];
    let inside: string | undefined;
    const telemetry: Telemetry = {
      ...noTelemetry,
      startConsumer: (start) => {
        calls.push(`consumer ${start.role} ${start.topics.join(',')}`);
        return {
          ready: (positions, _elapsedMs, timeline) =>
            calls.push(`ready ${positions.length} ${timeline === undefined ? 'without' : 'with'} timeline`),
          failed: () => calls.push('failed'),
          end: () => calls.push('consumer end'),
        };
      },
      startMessage: (record, groupId) => {
        calls.push(`message ${record.value?.toString()} in ${groupId}`);
        return {
          run: (work) => {
            inside = record.value?.toString();
            try {
              return work();
            } finally {
              inside = undefined;
            }
          },
          end: () => calls.push(`end ${record.value?.toString()}`),
        };
      },
    };
    const seen: string[] = [];
    const done = new Promise<void>((resolve) => {
      const subscription = consume(transport, { topic: 'emails', codec: stringCodec, groupId: 'mailer', telemetry })
        .pipe(filter(isMessage))
        .subscribe((event) => {
          seen.push(`${event.value._tag === 'Right' ? event.value.right : '?'} inside ${inside ?? 'nothing'}`);
          if (seen.length === 2) {
            subscription.unsubscribe();
            resolve();
          }
        });
      subscriptions.add(subscription);
    });
    await settle();
    await transport.produce([
      { topic: 'emails', value: 'a' },
      { topic: 'emails', value: 'b' },
    ]);
    await done;
    expect(seen).to.deep.equal(['a inside a', 'b inside b']);
    expect(calls).to.deep.equal([
      'consumer message emails',
      'ready 1 with timeline',
      'consumer end',
      'message a in mailer',
      'end a',
      'message b in mailer',
      'end b',
    ]);
  });
});

describe('the main entry does not load OpenTelemetry', function () {
  // Two fresh Node processes: slow on a busy machine.
  this.timeout(30_000);
  const build = join(__dirname, '..', '..', 'lib');
  const loadedBy = (entry: string): string[] => {
    const script = `require(${JSON.stringify(entry)}); console.log(JSON.stringify(Object.keys(require.cache)));`;
    const result = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(result.status, result.stderr).to.equal(0);
    return (JSON.parse(result.stdout) as string[]).filter((path) =>
      path.includes(join('node_modules', '@opentelemetry')),
    );
  };

  it('requiring build/lib/index.js loads no @opentelemetry/* module; build/lib/opentelemetry/index.js does', () => {
    expect(loadedBy(join(build, 'index.js'))).to.deep.equal([]);
    expect(loadedBy(join(build, 'opentelemetry', 'index.js'))).to.not.deep.equal([]);
  });
});
