import { expect } from 'chai';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { Subscription } from 'rxjs';
import { startResponder } from '../support/echo-responder';
import { createTopic, uniqueName } from '../support/kafka-fixtures';
import type { RequesterRunResult } from '../support/requester-process';
import { testBrokers } from '../support/test-brokers';
import { testTransport } from '../support/test-transport';

const total = Number(process.env.SCALE_REQUESTS ?? 10_000);

function runRequesterProcess(env: Record<string, string>): Promise<RequesterRunResult> {
  return new Promise((resolve, reject) => {
    const child = fork(join(__dirname, '../support/requester-process.js'), [], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: RequesterRunResult | undefined;
    child.on('message', (message) => (result = message as RequesterRunResult));
    child.on('error', reject);
    child.on('exit', (code) => (result ? resolve(result) : reject(new Error(`requester process exited with ${code}`))));
  });
}

describe('three requester processes, two responders in one group (real broker)', () => {
  it(`${total} requests: every caller gets exactly its own reply, 0 lost, 0 crossed`, async function () {
    this.timeout(300_000);
    const [requests, replies] = await Promise.all([createTopic('scale-requests', 4), createTopic('scale-replies', 3)]);
    const groupId = uniqueName('echo-responders');
    const transports = [testTransport('responder-1'), testTransport('responder-2')];
    const subscriptions = new Subscription();
    try {
      const responders = [];
      for (const [index, transport] of transports.entries()) {
        const responder = await startResponder(transport, requests, groupId, (request) => ({
          ...request,
          by: `responder-${index + 1}`,
        }));
        subscriptions.add(responder.subscription);
        responders.push(responder);
      }
      const perInstance = Math.ceil(total / 3);
      const started = Date.now();
      const results = await Promise.all(
        ['a', 'b', 'c'].map((name) =>
          runRequesterProcess({
            INSTANCE: `requester-${name}`,
            COUNT: String(perInstance),
            CONCURRENCY: '128',
            REQUEST_TOPIC: requests,
            REPLY_TOPIC: replies,
            BROKERS: testBrokers().join(','),
          }),
        ),
      );
      const elapsed = Date.now() - started;
      const sum = (pick: (result: RequesterRunResult) => number) =>
        results.reduce((acc, result) => acc + pick(result), 0);
      const answeredBy = responders.map(
        (responder) => responder.events.filter((event) => event.type === 'answered').length,
      );
      console.log(
        `      sent ${sum((r) => r.sent)}, ok ${sum((r) => r.ok)}, crossed ${sum((r) => r.crossed)}, lost ${sum((r) => r.failed)} ` +
          `in ${elapsed} ms (${Math.round((1000 * sum((r) => r.sent)) / elapsed)} req/s); ` +
          `answered by responders ${answeredBy.join(' + ')}; foreign replies dropped ${sum((r) => r.foreignReplies)}`,
      );
      for (const result of results) {
        expect(result.failures, result.instance).to.deep.equal([]);
        expect(result.crossed, `${result.instance} crossed`).to.equal(0);
        expect(result.ok, `${result.instance} ok`).to.equal(result.sent);
        expect(result.pendingAtEnd).to.equal(0);
      }
      expect(sum((r) => r.sent)).to.be.at.least(total);
      expect(
        answeredBy.every((count) => count > 0),
        'both responders answered',
      ).to.equal(true);
    } finally {
      subscriptions.unsubscribe();
      await Promise.all(transports.map((transport) => transport.close()));
    }
  });
});
