import { expect } from 'chai';
import { demoSettings, usage } from '../../examples/create-user/demo-options';

describe("the demo's command line (examples/create-user/demo-options)", () => {
  it('defaults to 200 requests, 32 in flight, 2 GraphQL instances leasing their reply partitions', () => {
    expect(demoSettings([], {})).to.deep.equal({
      requests: 200,
      concurrency: 32,
      instances: 2,
      replies: 'leased',
      traceSvg: undefined,
      help: false,
    });
  });

  it('reads --replies as a flag, with or without =, and from DEMO_REPLIES; the flag wins', () => {
    expect(demoSettings(['--replies', 'shared'], {}).replies).to.equal('shared');
    expect(demoSettings(['--replies=shared'], {}).replies).to.equal('shared');
    expect(demoSettings([], { DEMO_REPLIES: 'shared' }).replies).to.equal('shared');
    expect(demoSettings(['--replies', 'leased'], { DEMO_REPLIES: 'shared' }).replies).to.equal('leased');
    expect(demoSettings([], { DEMO_REPLIES: '' }).replies).to.equal('leased');
  });

  it('refuses a --replies that is neither leased nor shared, with the usage', () => {
    for (const [argv, env] of [
      [['--replies', 'static'], {}],
      [['--replies=Shared'], {}],
      [[], { DEMO_REPLIES: 'auto' }],
    ] as const) {
      expect(() => demoSettings(argv, env), argv.join(' ') || JSON.stringify(env))
        .to.throw(RangeError, /^--replies must be 'leased' or 'shared', not '(static|Shared|auto)'\./)
        .with.property('message')
        .that.includes(usage);
    }
    expect(usage).to.include('--replies MODE');
  });

  it('reads the other flags and their variables, and refuses unknown arguments and bad numbers', () => {
    expect(
      demoSettings(['--requests=50', '--concurrency', '8', '--trace-svg', '/tmp/trace.svg', '-h'], {
        DEMO_INSTANCES: '3',
        DEMO_REQUESTS: '999',
      }),
    ).to.deep.equal({
      requests: 50,
      concurrency: 8,
      instances: 3,
      replies: 'leased',
      traceSvg: '/tmp/trace.svg',
      help: true,
    });
    expect(() => demoSettings(['--partitions', '4'], {})).to.throw(RangeError, /^Unknown argument '--partitions'/);
    expect(() => demoSettings(['--requests', '7'], {})).to.throw(
      RangeError,
      /--requests must be an integer of at least 8/,
    );
    expect(() => demoSettings(['--instances', '0'], {})).to.throw(
      RangeError,
      /--instances must be an integer of at least 1/,
    );
  });
});
