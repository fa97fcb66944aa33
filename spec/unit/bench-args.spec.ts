import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BenchUsageError, parseBenchArgs } from '../../bench/bench-args';

const known = ['kafkajs-floor', 'nestjs', 'pubscribe-header'];

describe("the benchmark's command line", () => {
  it('defaults to a complete run of every variant at 1, 64 and 1024', () => {
    expect(parseBenchArgs([], known)).to.deep.equal({
      quick: false,
      concurrencies: [1, 64, 1024],
      variants: known,
      rebalanceDelayMs: 3000,
      memory: true,
      complete: true,
      help: false,
    });
    expect(parseBenchArgs(['--quick', '--rebalance-delay=0'], known)).to.include({ quick: true, complete: true });
  });

  it('a subset is parsed, in variants.ts order, and is not a complete run', () => {
    const args = parseBenchArgs(['--variants=pubscribe-header,kafkajs-floor', '--concurrency', '64'], known);
    expect(args).to.deep.include({
      variants: ['kafkajs-floor', 'pubscribe-header'],
      concurrencies: [64],
      complete: false,
    });
    expect(parseBenchArgs(['--no-memory'], known).complete).to.equal(false);
  });

  it('refuses unknown flags, unknown variants, stray arguments and bad numbers', () => {
    const refused = [
      ['--concurency', '64'],
      ['--variants=nope'],
      ['--variants=kafkajs-floor,nope'],
      ['--variants='],
      ['--concurrency=0'],
      ['--concurrency=1,x'],
      ['--concurrency=1.5'],
      ['--rebalance-delay=-1'],
      ['--rebalance-delay=1,2'],
      ['--quick=yes'],
      ['--variants'],
      ['64'],
    ];
    for (const argv of refused) {
      expect(() => parseBenchArgs(argv, known), argv.join(' ')).to.throw(BenchUsageError);
    }
    // Just inside the limits.
    expect(parseBenchArgs(['--concurrency=1', '--rebalance-delay=0'], known)).to.include({ rebalanceDelayMs: 0 });
  });

  it('bench/run.js exits with 2 on a bad command line, before starting anything', () => {
    const result = spawnSync(
      process.execPath,
      [join(__dirname, '../../bench/run.js'), '--variants=nope', '--concurency', '64'],
      {
        encoding: 'utf8',
        timeout: 20_000,
      },
    );
    expect(result.status).to.equal(2);
    expect(result.stderr)
      .to.match(/Unknown option '--concurency'/)
      .and.match(/usage:/);
    expect(result.stdout).to.equal('');
  });
});
