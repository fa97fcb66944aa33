import { expect } from 'chai';
import {
  AclOperationTypes,
  AclPermissionTypes,
  AclResourceTypes,
  Kafka,
  logLevel,
  LogEntry,
  ResourcePatternTypes,
} from 'kafkajs';
import { firstValueFrom, Subscription } from 'rxjs';
import { isConnectionError } from '../../lib/errors';
import { createRequester } from '../../lib/requester';
import { kafkajsTransport } from '../../lib/transport';
import { platformaticTransport } from '../../lib/transport/platformatic/platformatic-transport';
import type { Transport } from '../../lib/transport/transport';
import { LocalKafka, startLocalKafka } from '../../tools/broker/local-kafka';
import { pingCodec, pongCodec, startResponder } from '../support/echo-responder';
import { uniqueName } from '../support/kafka-fixtures';

const passwords = { admin: 'admin-secret-7f3a', alice: 'alice-secret-91c2', bob: 'bob-secret-44d0' };

describe('security: SASL/PLAIN and ACLs (real broker with a SASL_PLAINTEXT listener)', function () {
  this.timeout(120_000);
  let kafka: LocalKafka;
  const logged: string[] = [];
  const requests = uniqueName('secure-requests');
  const replies = uniqueName('secure-replies');

  /** A kafkajs client on the SASL listener whose log lines are kept, to look for secrets in them. */
  const client = (user: keyof typeof passwords | 'mallory', password: string, clientId = uniqueName(user)) =>
    new Kafka({
      clientId,
      brokers: [...kafka.saslBrokers],
      sasl: { mechanism: 'plain', username: user, password },
      connectionTimeout: 3_000,
      retry: { retries: 2, initialRetryTime: 100 },
      logLevel: logLevel.DEBUG,
      logCreator: () => (entry: { log: LogEntry['log'] }) => void logged.push(JSON.stringify(entry.log)),
    });

  /** One request as `user`, on a requester of its own (group `<user>-…`); the reply or the error, and how long it took. */
  const ask = async (
    user: 'alice' | 'bob',
    password: string,
    n: number,
    on: 'kafkajs' | 'platformatic' = 'kafkajs',
  ) => {
    const transport =
      on === 'kafkajs' ? kafkajsTransport({ kafka: client(user, password) }) : platformatic(user, password);
    const requester = createRequester({ transport, replyTopic: replies, groupId: uniqueName(user), timeoutMs: 30_000 });
    const started = Date.now();
    try {
      const outcome: unknown = await firstValueFrom(
        requester.request({ topic: requests, value: { instance: user, n }, codec: pingCodec, replyCodec: pongCodec }),
      ).catch((caught: unknown) => caught);
      return { outcome, elapsed: Date.now() - started };
    } finally {
      requester.close();
      await transport.close();
    }
  };

  /** The same user on platformaticTransport: SASL options passed through to @platformatic/kafka. */
  const platformatic = (user: keyof typeof passwords, password: string): Transport =>
    platformaticTransport({
      client: {
        clientId: uniqueName(user),
        bootstrapBrokers: [...kafka.saslBrokers],
        sasl: { mechanism: 'PLAIN', username: user, password },
        connectTimeout: 3_000,
        retries: 2,
        retryDelay: 100,
      },
    });

  before(async () => {
    kafka = await startLocalKafka({ sasl: { users: passwords } });
    const admin = client('admin', passwords.admin).admin();
    await admin.connect();
    try {
      await admin.createTopics({
        topics: [
          { topic: requests, numPartitions: 1 },
          { topic: replies, numPartitions: 1 },
        ],
        waitForLeaders: true,
      });
      const allow = (
        principal: string,
        resourceType: AclResourceTypes,
        resourceName: string,
        operation: AclOperationTypes,
        prefixed = false,
      ) => ({
        principal,
        resourceType,
        resourceName,
        resourcePatternType: prefixed ? ResourcePatternTypes.PREFIXED : ResourcePatternTypes.LITERAL,
        host: '*',
        operation,
        permissionType: AclPermissionTypes.ALLOW,
      });
      await admin.createAcls({
        acl: [
          // alice: may send requests and read replies, in groups named alice-*
          allow('User:alice', AclResourceTypes.TOPIC, requests, AclOperationTypes.WRITE),
          allow('User:alice', AclResourceTypes.TOPIC, requests, AclOperationTypes.DESCRIBE),
          allow('User:alice', AclResourceTypes.TOPIC, replies, AclOperationTypes.READ),
          allow('User:alice', AclResourceTypes.TOPIC, replies, AclOperationTypes.DESCRIBE),
          allow('User:alice', AclResourceTypes.GROUP, 'alice-', AclOperationTypes.READ, true),
          // bob: may send requests but not read the reply topic
          allow('User:bob', AclResourceTypes.TOPIC, requests, AclOperationTypes.WRITE),
          allow('User:bob', AclResourceTypes.TOPIC, requests, AclOperationTypes.DESCRIBE),
          allow('User:bob', AclResourceTypes.GROUP, 'bob-', AclOperationTypes.READ, true),
        ],
      });
    } finally {
      await admin.disconnect();
    }
  });

  after(async () => {
    await kafka?.stop();
  });

  it('correct credentials work end to end', async () => {
    const responderTransport = kafkajsTransport({ kafka: client('admin', passwords.admin) });
    const subscriptions = new Subscription();
    try {
      subscriptions.add(
        (await startResponder(responderTransport, requests, uniqueName('secure-responder'))).subscription,
      );
      const { outcome } = await ask('alice', passwords.alice, 1);
      expect(outcome).to.include({ instance: 'alice', n: 1 });
    } finally {
      subscriptions.unsubscribe();
      await responderTransport.close();
    }
  });

  it('a wrong password: a typed authentication error within the connect timeout, no retry storm', async () => {
    const before = logged.length;
    const { outcome: error, elapsed } = await ask('alice', 'not-the-password', 2);
    const attempts = logged
      .slice(before)
      .filter((line) => /SASL PLAIN authentication failed|Authentication failed/i.test(line)).length;
    console.log(
      `      failed after ${elapsed} ms with ${attempts} authentication attempts logged: ${(error as Error).message}`,
    );
    expect(isConnectionError(error), String(error)).to.equal(true);
    expect(error).to.include({ reason: 'authentication', retriable: false });
    expect(elapsed, 'within the connect timeout and the few retries, not the request timeout').to.be.below(10_000);
    expect(attempts, 'no retry storm').to.be.at.most(6);
    expect(`${(error as Error).message} ${String((error as Error).stack)}`).to.not.include('not-the-password');
  });

  it('a principal without read access to the reply topic: a typed authorization error, not a timeout', async () => {
    const { outcome: error, elapsed } = await ask('bob', passwords.bob, 3);
    console.log(`      failed after ${elapsed} ms: ${(error as Error).message}`);
    expect(isConnectionError(error), String(error)).to.equal(true);
    expect(error).to.include({ reason: 'authorization', retriable: false });
  });

  it('platformaticTransport: correct credentials work end to end', async () => {
    const responderTransport = platformatic('admin', passwords.admin);
    const subscriptions = new Subscription();
    try {
      subscriptions.add(
        (await startResponder(responderTransport, requests, uniqueName('secure-responder'))).subscription,
      );
      const { outcome } = await ask('alice', passwords.alice, 11, 'platformatic');
      expect(outcome).to.include({ instance: 'alice', n: 11 });
    } finally {
      subscriptions.unsubscribe();
      await responderTransport.close();
    }
  });

  it('platformaticTransport: a wrong password is a typed authentication error, the password nowhere in it', async () => {
    const { outcome: error, elapsed } = await ask('alice', 'not-the-password', 12, 'platformatic');
    console.log(`      failed after ${elapsed} ms: ${(error as Error).message}`);
    expect(isConnectionError(error), String(error)).to.equal(true);
    expect(error).to.include({ reason: 'authentication', retriable: false });
    expect(elapsed, 'not the request timeout').to.be.below(10_000);
    expect(`${(error as Error).message} ${String((error as Error).stack)}`).to.not.include('not-the-password');
  });

  it('platformaticTransport: no read access to the reply topic is a typed authorization error', async () => {
    const { outcome: error } = await ask('bob', passwords.bob, 13, 'platformatic');
    expect(isConnectionError(error), String(error)).to.equal(true);
    expect(error).to.include({ reason: 'authorization', retriable: false });
  });

  it('secrets never appear in logs or error messages', () => {
    const everything = logged.join('\n');
    expect(logged.length).to.be.greaterThan(0);
    for (const secret of Object.values(passwords)) expect(everything).to.not.include(secret);
    expect(everything).to.not.include('not-the-password');
  });
});
