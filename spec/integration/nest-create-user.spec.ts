import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestMicroservice } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { expect } from 'chai';
import { AppModule, userServiceServer } from '../../examples/nest-create-user/app.module';
import { Outbox } from '../../examples/nest-create-user/emailer.controller';
import { EmailTakenError, SignupService } from '../../examples/nest-create-user/signup.service';
import { FlowTopics, flowTopics } from '../../examples/create-user/topics';
import { uniqueName } from '../support/kafka-fixtures';
import { createTopics, describeGroup } from '../support/nest-fixtures';
import { testBrokers } from '../support/test-brokers';
import { eventually } from '../support/test-transport';

describe('examples/nest-create-user: the create-user flow as a Nest application (real broker)', () => {
  let directory: string;
  let topics: FlowTopics;
  let app: INestMicroservice;
  let replyGroupId: string;
  let serviceGroupId: string;
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= app.close());

  beforeEach(async () => {
    directory = mkdtempSync(join(tmpdir(), 'nest-create-user-'));
    topics = flowTopics();
    await createTopics(Object.values(topics).map((topic: string) => ({ topic, numPartitions: 3 })));
    replyGroupId = uniqueName('signup-replies');
    serviceGroupId = uniqueName('user-service');
    const moduleRef = await Test.createTestingModule({
      imports: [
        AppModule.register({ brokers: testBrokers(), topics, databasePath: join(directory, 'users.db'), replyGroupId }),
      ],
    }).compile();
    app = moduleRef.createNestMicroservice({
      logger: false,
      strategy: userServiceServer(testBrokers(), serviceGroupId),
    });
    closed = undefined;
    await app.listen();
  });

  afterEach(async () => {
    await close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('creates a user, queues the welcome email, and answers the caller', async () => {
    const user = await app.get(SignupService).createUser({ email: ' Ada@Example.com ', name: 'Ada' });
    expect(user).to.include({ email: 'ada@example.com', name: 'Ada' });
    expect(user.id).to.be.a('number');
    const outbox = app.get(Outbox);
    expect(await eventually(async () => outbox.sent.length === 1)).to.equal(true);
    expect(outbox.sent[0]).to.deep.equal({ userId: user.id, to: 'ada@example.com', name: 'Ada' });
  });

  it('a taken email: the RpcException comes back as EmailTakenError', async () => {
    const signup = app.get(SignupService);
    await signup.createUser({ email: 'grace@example.com', name: 'Grace' });
    const error = await signup.createUser({ email: 'grace@example.com', name: 'Grace H.' }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(EmailTakenError);
  });

  it('many callers at once: each gets its own user', async () => {
    const signup = app.get(SignupService);
    const emails = Array.from({ length: 40 }, (_, n) => `user-${n}@example.com`);
    const users = await Promise.all(emails.map((email) => signup.createUser({ email, name: email })));
    expect(users.map((user) => user.email)).to.deep.equal(emails);
    expect(new Set(users.map((user) => user.id)).size).to.equal(emails.length);
  });

  it('app.close() leaves every consumer group empty (the lease group, a reader per leased partition, the service)', async () => {
    await app.get(SignupService).createUser({ email: 'linus@example.com', name: 'Linus' });
    // The module leases reply partitions by default: one instance holds all three of user-created.
    const groups = [`pubscribe-reply-leases-${topics.userCreated}`, ...[0, 1, 2].map((p) => `${replyGroupId}-p${p}`)];
    for (const group of [...groups, serviceGroupId]) {
      expect(await describeGroup(group), group).to.include({ state: 'Stable', members: 1 });
    }
    await close();
    for (const group of [...groups, serviceGroupId]) {
      expect(await describeGroup(group), group).to.deep.equal({ state: 'Empty', members: 0 });
    }
  });
});
