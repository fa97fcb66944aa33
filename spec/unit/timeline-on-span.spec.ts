import { expect } from 'chai';
import { timelineOnSpan } from '../../lib/opentelemetry/timeline-on-span';
import type { ReadyTimeline } from '../../lib/transport/ready-timeline';

const timeline = (subscribedAt: number, readyAt: number): ReadyTimeline => ({
  subscribedAt,
  logEndsReadAt: subscribedAt + 1,
  joinStartedAt: subscribedAt + 2,
  assignedAt: readyAt - 0.5,
  positionedAt: readyAt - 0.25,
  readyAt,
});

describe('timelineOnSpan', () => {
  it('leaves moments that fit in the span where they are', () => {
    const at = timelineOnSpan(timeline(100.5, 110), 100, 111);
    expect([at(100.5), at(109.75), at(110)]).to.deep.equal([100.5, 109.75, 110]);
  });

  it('moves a timeline that starts before its span by just enough, keeping its gaps', () => {
    // The timeline's clock read the system clock a millisecond behind the span's.
    const at = timelineOnSpan(timeline(99.4, 109), 100, 111);
    expect([at(99.4), at(108.5), at(109)]).to.deep.equal([100, 109.1, 109.6]);
  });

  it('moves a timeline that ends after its span back by just enough', () => {
    const at = timelineOnSpan(timeline(100.5, 111.5), 100, 111);
    expect([at(100.5), at(111.25), at(111.5)]).to.deep.equal([100, 110.75, 111]);
  });

  it('a timeline longer than its span starts with it and stops at its end', () => {
    const at = timelineOnSpan(timeline(0, 50), 100, 120);
    expect([at(0), at(10), at(50)]).to.deep.equal([100, 110, 120]);
  });
});
