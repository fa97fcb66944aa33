import { expect } from 'chai';
import { logLevel } from 'kafkajs';
import { ConnectionError, NotReadyError } from '../../lib/errors';
import { silentLogger, stderrLogger, type LogFields } from '../../lib/logging';
import { KafkajsLogBridge } from '../../lib/transport/kafkajs/kafkajs-log-bridge';

/** Captures what is written to standard error while `work` runs. */
function stderrOf(work: () => void): string {
  const original = process.stderr.write.bind(process.stderr);
  let written = '';
  process.stderr.write = ((chunk: string | Uint8Array) => {
    written += chunk.toString();
    return true;
  }) as typeof process.stderr.write;
  try {
    work();
  } finally {
    process.stderr.write = original;
  }
  return written;
}

describe('logging', () => {
  it('stderrLogger writes from its level up, one line each, fields as JSON', () => {
    const written = stderrOf(() => {
      const logger = stderrLogger('warn');
      logger.debug('hidden');
      logger.info('hidden too');
      logger.warn('group shared', { groupId: 'g', offset: 10n });
      logger.error('gone');
    });
    expect(written).to.equal('pubscribe WARN group shared {"groupId":"g","offset":"10"}\npubscribe ERROR gone\n');
    expect(() => stderrLogger('loud' as never)).to.throw(RangeError, /loud/);
  });

  it('silentLogger writes nothing', () => {
    expect(stderrOf(() => silentLogger.error('nothing'))).to.equal('');
  });

  it('the kafkajs bridge maps levels and fields, and keeps the last error as a typed failure', () => {
    const lines: [string, string, LogFields | undefined][] = [];
    const record = (level: string) => (message: string, fields?: LogFields) => lines.push([level, message, fields]);
    const bridge = new KafkajsLogBridge({
      debug: record('debug'),
      info: record('info'),
      warn: record('warn'),
      error: record('error'),
    });
    const log = bridge.logCreator(logLevel.INFO);
    const entry = (level: logLevel, message: string, extra: Record<string, unknown> = {}) =>
      log({
        namespace: 'Connection',
        level,
        label: '',
        log: { timestamp: 'now', logger: 'kafkajs', message, ...extra },
      });
    entry(logLevel.INFO, 'joined', { groupId: 'g' });
    expect(bridge.lastFailure).to.equal(undefined);
    entry(logLevel.ERROR, 'Connection error: connect ECONNREFUSED 127.0.0.1:1', { broker: '127.0.0.1:1', stack: 'x' });
    expect(lines).to.deep.equal([
      ['info', 'kafkajs Connection: joined', { groupId: 'g' }],
      ['error', 'kafkajs Connection: Connection error: connect ECONNREFUSED 127.0.0.1:1', { broker: '127.0.0.1:1' }],
    ]);
    const failure = bridge.lastFailure;
    expect(failure?.sequence).to.equal(1);
    expect(failure?.error).to.be.instanceOf(ConnectionError).and.include({ reason: 'network', retriable: true });
    // A logger that throws does not break the client.
    const throwing = new KafkajsLogBridge({
      ...silentLogger,
      warn: () => {
        throw new Error('boom');
      },
    });
    expect(() =>
      throwing.logCreator(logLevel.WARN)({
        namespace: 'x',
        level: logLevel.WARN,
        label: '',
        log: { timestamp: '', message: 'm' },
      }),
    ).not.to.throw();
  });

  it('NotReadyError names its cause: a pubscribe error with its message, anything else by name only', () => {
    const withConnection = new NotReadyError({
      topic: 'replies',
      cause: new ConnectionError({ reason: 'network', what: 'connect' }),
    });
    expect(withConnection.message).to.match(
      /last failure \(see `cause`\): ConnectionError: Kafka connection failed while trying to connect/,
    );
    expect(withConnection.cause).to.be.instanceOf(ConnectionError);
    const withSecret = new NotReadyError({ cause: new TypeError('password=hunter2') });
    expect(withSecret.message).to.contain('TypeError').and.not.contain('hunter2');
    expect(new NotReadyError({}).message).not.to.contain('last failure');
  });
});
