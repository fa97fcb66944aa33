import { expect } from 'chai';
import type { DemoSpan } from '../../examples/create-user/demo-span';
import { formatMs, traceSvg, treeOrder } from '../../examples/create-user/trace-svg';

const span = (spanId: string, parentSpanId: string | null, startMs: number, name = spanId): DemoSpan => ({
  service: 'graphql-1',
  traceId: 't',
  spanId,
  parentSpanId,
  name,
  kind: 'internal',
  startMs,
  endMs: startMs + 5,
  error: null,
  attributes: {},
  events: [],
});

describe('the demo trace picture (examples/create-user/trace-svg)', () => {
  it('orders spans as a tree: parents first, siblings by start; an unknown parent makes a root', () => {
    const spans = [
      span('c2', 'a', 3),
      span('a', null, 0),
      span('c1', 'a', 1),
      span('g', 'c1', 2),
      span('x', 'gone', 4),
    ];
    expect(treeOrder(spans).map(({ span: s, depth }) => `${s.spanId}:${depth}`)).to.deep.equal([
      'a:0',
      'c1:1',
      'g:2',
      'c2:1',
      'x:0',
    ]);
  });

  it('escapes names and says so when nothing was recorded', () => {
    const svg = traceSvg({ request: [span('a', null, 0, 'process <topic> & "more"')], starts: [] });
    expect(svg).to.include('process &lt;topic&gt; &amp; &quot;more&quot;');
    expect(svg).to.include('no consumer start was recorded');
    expect(traceSvg({ request: [], starts: [] })).to.include('no spans were recorded');
  });

  it('writes short durations with the decimals they need', () => {
    expect([0.0123, 0.25, 4.56, 42.4].map(formatMs)).to.deep.equal(['0.012 ms', '0.25 ms', '4.6 ms', '42 ms']);
  });
});
