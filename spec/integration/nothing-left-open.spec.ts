import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { ProbeReport } from '../support/exit-probe';
import { createTopic } from '../support/kafka-fixtures';
import { testBrokers } from '../support/test-brokers';

interface ProbeRun {
  readonly report: ProbeReport;
  readonly exitCode: number | null;
  /** From the report (after close) until the process exited. */
  readonly exitedAfterCloseMs: number;
}

/** Runs one path of spec/support/exit-probe in a child process; fails if it has not exited within `withinMs`. */
function probe(path: string, env: Record<string, string>, withinMs: number): Promise<ProbeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(__dirname, '../support/exit-probe.js')], {
      env: { ...process.env, ...env, PROBE_PATH: path, KAFKA_BROKERS: testBrokers().join(',') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let reportedAt = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('\n') && reportedAt === 0) reportedAt = Date.now();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const limit = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`${path}: the process had not exited after ${withinMs} ms\nstdout: ${stdout}\nstderr: ${stderr}`),
      );
    }, withinMs);
    child.on('exit', (exitCode) => {
      clearTimeout(limit);
      const line = stdout.split('\n').find((text) => text.startsWith('{'));
      if (!line) {
        reject(new Error(`${path}: no report (exit ${exitCode})\nstdout: ${stdout}\nstderr: ${stderr}`));
        return;
      }
      resolve({ report: JSON.parse(line) as ProbeReport, exitCode, exitedAfterCloseMs: Date.now() - reportedAt });
    });
  });
}

describe('nothing left open after close(): each path in a child process that must exit by itself', function () {
  this.timeout(90_000);
  let topics: Record<string, string>;

  before(async () => {
    topics = { REQUEST_TOPIC: await createTopic('exit-requests'), REPLY_TOPIC: await createTopic('exit-replies') };
  });

  it('a missing reply topic: a non-retriable unknown-topic ConnectionError well within the 5 s timeout', async () => {
    const { report, exitCode, exitedAfterCloseMs } = await probe('missing-reply-topic', topics, 30_000);
    expect(report.error).to.deep.include({ name: 'ConnectionError', reason: 'unknown-topic', retriable: false });
    expect(report.elapsedMs).to.be.below(2_500);
    expect(exitCode).to.equal(0);
    console.log(
      `      failed after ${report.elapsedMs} ms, closed in ${report.closeMs} ms, exited ${exitedAfterCloseMs} ms later`,
    );
  });

  it('a missing request topic: the produce fails fast as an unknown-topic ConnectionError, not a timeout', async () => {
    const { report, exitCode, exitedAfterCloseMs } = await probe('missing-request-topic', topics, 30_000);
    expect(report.error).to.deep.include({ name: 'ConnectionError', reason: 'unknown-topic', retriable: false });
    expect(report.elapsedMs).to.be.below(4_000);
    expect(exitCode).to.equal(0);
    console.log(
      `      failed after ${report.elapsedMs} ms, closed in ${report.closeMs} ms, exited ${exitedAfterCloseMs} ms later`,
    );
  });

  it("an unreachable broker: a NotReadyError at the timeout whose cause is the client's connection failure", async () => {
    const { report, exitCode, exitedAfterCloseMs } = await probe('unreachable-broker', topics, 60_000);
    expect(report.error).to.deep.include({ name: 'NotReadyError', retriable: true, cause: 'ConnectionError' });
    expect(report.elapsedMs).to.be.within(4_900, 6_000);
    expect(exitCode).to.equal(0);
    console.log(
      `      failed after ${report.elapsedMs} ms, closed in ${report.closeMs} ms, exited ${exitedAfterCloseMs} ms later`,
    );
  });

  it('a failed produce (a record too large for the broker): a typed error, then a clean exit', async () => {
    const { report, exitCode } = await probe('failed-produce', topics, 60_000);
    expect(report.outcome).to.equal('failed');
    expect(report.error?.name).to.be.oneOf(['ProduceError', 'ConnectionError']);
    expect(exitCode).to.equal(0);
  });

  it('twenty requests cancelled before their replies: a clean exit', async () => {
    const { report, exitCode } = await probe('cancelled-requests', topics, 30_000);
    expect(report.outcome).to.equal('cancelled');
    expect(exitCode).to.equal(0);
  });

  it('an answered request (the happy path): a clean exit', async () => {
    const { report, exitCode } = await probe('answered', topics, 30_000);
    expect(report.outcome, JSON.stringify(report)).to.equal('answered');
    expect(exitCode).to.equal(0);
  });
});
