import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { CONSUMER_START_EVENTS } from '../../lib/opentelemetry';
import { ErrorCode } from '../../examples/create-user/graphql-errors';
import { DemoSummary, runDemo } from '../../examples/create-user/run-demo';
import { testBrokers } from '../support/test-brokers';

// The whole create-user demo as `npm run demo` runs it (topics, four service processes, HTTP
// mutations at two GraphQL instances leasing their reply partitions, SQLite), with a small batch,
// once for all the checks below.
describe('create-user demo end to end (real broker, service child processes)', function () {
  this.timeout(180_000);
  const output: string[] = [];
  const pictures = mkdtempSync(join(tmpdir(), 'demo-trace-'));
  const traceSvgPath = join(pictures, 'nested', 'create-user-trace.svg');
  let summary: DemoSummary;

  before(async () => {
    summary = await runDemo({
      brokers: testBrokers(),
      requests: 20,
      concurrency: 8,
      log: (line) => output.push(line),
      traceSvgPath,
    });
  });

  after(() => rmSync(pictures, { recursive: true, force: true }));

  afterEach(function () {
    // The services' own output is kept quiet unless something needs explaining.
    if (this.currentTest?.state === 'failed') console.log(output.join('\n'));
  });

  const byExpectation = (expectation: 'created' | 'duplicate' | 'invalid') =>
    summary.results.filter((result) => result.request.expect === expectation);

  it('sends the whole batch and every request ends as planned, none with an unexpected error', () => {
    expect(summary.load.requests).to.equal(20);
    expect(summary.load.counts).to.deep.equal({
      ok: summary.shape.created,
      duplicate: summary.shape.duplicates,
      validation: summary.shape.invalid,
      other: 0,
    });
  });

  it('answers every valid request with the user it asked for', () => {
    const duplicated = new Set(byExpectation('duplicate').map((result) => result.request.email));
    for (const result of byExpectation('created').filter((created) => !duplicated.has(created.request.email))) {
      expect(result.outcome, result.request.email).to.equal('ok');
      expect(result.user?.email).to.equal(result.request.email);
      expect(result.user?.name).to.equal(result.request.name);
    }
  });

  it('creates a duplicated email once and rejects the other request with EMAIL_TAKEN', () => {
    const duplicated = byExpectation('duplicate').map((result) => result.request.email);
    expect(duplicated).to.have.length.greaterThan(0);
    for (const email of duplicated) {
      // The two requests race on different instances; the unique email decides which one wins.
      const pair = summary.results.filter((result) => result.request.email === email);
      expect(pair.map((result) => result.outcome).sort(), email).to.deep.equal(['duplicate', 'ok']);
      const rejected = pair.find((result) => result.outcome === 'duplicate');
      expect(rejected?.code).to.equal(ErrorCode.emailTaken);
      expect(rejected?.message).to.equal(`A user with email ${email} already exists.`);
    }
  });

  it('rejects bad inputs with BAD_USER_INPUT before anything reaches Kafka', () => {
    const invalid = byExpectation('invalid');
    expect(invalid).to.have.length(summary.shape.invalid);
    for (const result of invalid) {
      expect(result.outcome, result.request.email).to.equal('validation');
      expect(result.code).to.equal(ErrorCode.badUserInput);
      expect(result.message).to.match(/^Invalid (email|name): /);
    }
    // The create-user topic holds exactly the requests that passed validation.
    expect(summary.producedRequests).to.equal(summary.load.requests - invalid.length);
  });

  it('stores one user row per creation and queues one welcome email per user', () => {
    expect(summary.usersStored).to.equal(summary.shape.created);
    expect(summary.emailsQueued).to.equal(summary.shape.created);
    expect(summary.sampleUser).to.include({ email: summary.sampleEmail?.to });
    expect(summary.sampleUser?.id).to.be.a('number');
    expect(summary.sampleEmail).to.include({ userId: summary.sampleUser?.id, subject: 'Welcome!' });
  });

  it('leases the reply partitions by default: each instance reads only its own replies, none foreign', () => {
    expect(summary.replies).to.equal('leased');
    expect(summary.userCreatedPartitions).to.equal(3);
    const graphql = summary.services.filter((service) => service.instance.startsWith('graphql-'));
    expect(graphql).to.have.length(2);
    for (const instance of graphql) {
      expect(instance.report.answered, instance.instance).to.be.greaterThan(0);
      expect(instance.report.foreign, instance.instance).to.equal(0);
      expect(instance.report.repliesRead, instance.instance).to.equal(
        instance.report.answered + instance.report.remoteErrors,
      );
      expect(instance.report.timedOut).to.equal(0);
    }
    const answered = graphql.reduce(
      (sum, instance) => sum + instance.report.answered + instance.report.remoteErrors,
      0,
    );
    expect(answered).to.equal(summary.load.counts.ok + summary.load.counts.duplicate);
  });

  it('traces one mutation through GraphQL, the user service and the emailer, and draws it with the consumer starts', () => {
    const trace = summary.trace;
    expect(trace, 'summary.trace').to.not.equal(undefined);
    const { createUser, sendEmail } = summary.topics;
    const named = (name: string) => trace!.spans.find((span) => span.name === name);
    // One trace, parent to child: client -> mutation -> send -> process -> (INSERT users), process send-email.
    const client = named('POST /graphql createUser');
    const mutation = named('mutation createUser');
    const send = named(`send ${createUser}`);
    const handler = named(`process ${createUser}`);
    const emailer = named(`process ${sendEmail}`);
    expect(mutation?.parentSpanId).to.equal(client?.spanId);
    expect(send?.parentSpanId).to.equal(mutation?.spanId);
    expect(handler?.parentSpanId).to.equal(send?.spanId);
    expect(named('INSERT users')?.parentSpanId).to.equal(handler?.spanId);
    expect(emailer?.parentSpanId, 'context.send carried the handler context').to.equal(handler?.spanId);
    expect(named('INSERT outbox')?.parentSpanId).to.equal(emailer?.spanId);
    expect(new Set(trace!.spans.map((span) => span.traceId))).to.deep.equal(new Set([trace!.traceId]));
    expect(new Set(trace!.spans.map((span) => span.service))).to.deep.equal(
      new Set(['http client', trace!.servedBy, 'user-service', 'emailer']),
    );
    expect(trace!.spans.every((span) => span.error === null)).to.equal(true);
    // Only the one mutation was traced: no other request's spans came back.
    expect(trace!.spans.filter((span) => span.name === `send ${createUser}`)).to.have.length(1);

    // The consumer starts, step by step.
    const reply = trace!.starts.find((span) => span.name === 'start reply consumer');
    expect(reply?.service).to.equal(trace!.servedBy);
    expect(reply?.events.map((event) => event.name)).to.deep.equal(Object.values(CONSUMER_START_EVENTS));
    expect(trace!.starts.map((span) => span.service)).to.include('user-service');

    expect(existsSync(traceSvgPath)).to.equal(true);
    const svg = readFileSync(traceSvgPath, 'utf8');
    expect(svg).to.equal(trace!.svg);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).to.equal(true);
    for (const name of [
      'POST /graphql createUser',
      'mutation createUser',
      `send ${createUser}`,
      `process ${createUser}`,
      `process ${sendEmail}`,
      'start reply consumer',
      'start request consumer',
      'assigned → ready',
    ]) {
      expect(svg, name).to.include(`>${name}`);
    }
  });

  it('leaves no service process behind', () => {
    expect(summary.services).to.have.length(4);
    for (const service of summary.services) {
      expect(service.pid).to.be.a('number');
      expect(() => process.kill(service.pid ?? 0, 0), service.instance).to.throw(/ESRCH/);
    }
  });
});

// The same flow with `--replies shared`: every instance reads every reply and drops the others'.
describe('create-user demo end to end, shared reading (--replies shared)', function () {
  this.timeout(180_000);
  const output: string[] = [];
  let summary: DemoSummary;

  before(async () => {
    summary = await runDemo({
      brokers: testBrokers(),
      requests: 20,
      concurrency: 8,
      replies: 'shared',
      log: (line) => output.push(line),
    });
  });

  afterEach(function () {
    if (this.currentTest?.state === 'failed') console.log(output.join('\n'));
  });

  it('ends every request as planned, each instance answering its own and dropping the other’s replies', () => {
    expect(summary.replies).to.equal('shared');
    expect(summary.load.counts).to.deep.equal({
      ok: summary.shape.created,
      duplicate: summary.shape.duplicates,
      validation: summary.shape.invalid,
      other: 0,
    });
    const graphql = summary.services.filter((service) => service.instance.startsWith('graphql-'));
    expect(graphql).to.have.length(2);
    for (const instance of graphql) {
      expect(instance.report.answered, instance.instance).to.be.greaterThan(0);
      expect(instance.report.foreign, instance.instance).to.be.greaterThan(0);
      expect(instance.report.repliesRead, instance.instance).to.equal(
        instance.report.answered + instance.report.remoteErrors + instance.report.foreign,
      );
      expect(instance.report.timedOut).to.equal(0);
    }
    const answered = graphql.reduce(
      (sum, instance) => sum + instance.report.answered + instance.report.remoteErrors,
      0,
    );
    expect(answered).to.equal(summary.load.counts.ok + summary.load.counts.duplicate);
  });
});
