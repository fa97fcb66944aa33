import { expect } from 'chai';
import { parseScalingArgs, ScalingUsageError } from '../../bench/scaling-args';

describe("the scaling benchmark's command line", () => {
  it('defaults to a complete run: both modes at 1, 2, 4 and 8 instances, 25 requests/s each, on kafkajs', () => {
    expect(parseScalingArgs([])).to.deep.equal({
      quick: false,
      instances: [1, 2, 4, 8],
      modes: ['shared', 'leased'],
      load: { kind: 'per-instance', rate: 25 },
      transport: 'kafkajs',
      complete: true,
      help: false,
    });
    expect(parseScalingArgs(['--quick', '--transport=platformatic'])).to.include({ quick: true, complete: true });
  });

  it('a subset or another load is parsed, in order, and is not a complete run', () => {
    expect(parseScalingArgs(['--instances=8,1,8', '--modes=leased,shared'])).to.deep.include({
      instances: [1, 8],
      modes: ['shared', 'leased'],
      complete: false,
    });
    expect(parseScalingArgs(['--total-rate=400'])).to.deep.include({
      load: { kind: 'total', rate: 400 },
      complete: false,
    });
    expect(parseScalingArgs(['--rate=50']).complete).to.equal(false);
  });

  it('refuses unknown flags, modes and transports, bad numbers, and both rates at once', () => {
    const refused = [
      ['--instance=2'],
      ['--instances=9'],
      ['--instances=0'],
      ['--instances=1,x'],
      ['--modes=owned'],
      ['--transport=rdkafka'],
      ['--rate=0'],
      ['--rate=1.5'],
      ['--rate=5', '--total-rate=10'],
      ['stray'],
    ];
    for (const argv of refused) {
      expect(() => parseScalingArgs(argv), argv.join(' ')).to.throw(ScalingUsageError);
    }
  });
});
