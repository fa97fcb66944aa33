import { expect } from 'chai';
import { ReadyTimelineRecorder } from '../../lib/transport/ready-timeline';

/** A clock that reads the next of `moments` each time. */
function clock(...moments: number[]): () => number {
  return () => {
    const next = moments.shift();
    if (next === undefined) throw new Error('clock read too often');
    return next;
  };
}

describe('ReadyTimelineRecorder', () => {
  it('reads subscribe at once and each step when it is marked', () => {
    const recorder = new ReadyTimelineRecorder(clock(10, 12, 13, 20, 21, 25));
    recorder.mark('logEndsReadAt');
    recorder.mark('joinStartedAt');
    recorder.mark('assignedAt');
    recorder.mark('positionedAt');
    expect(recorder.ready()).to.deep.equal({
      subscribedAt: 10,
      logEndsReadAt: 12,
      joinStartedAt: 13,
      assignedAt: 20,
      positionedAt: 21,
      readyAt: 25,
    });
  });

  it('a step never marked takes the moment before it; a step marked again takes the later moment', () => {
    const recorder = new ReadyTimelineRecorder(clock(10, 11, 20, 30, 31, 32));
    recorder.mark('assignedAt');
    recorder.mark('positionedAt');
    // A second join before ready: its assignment is the one that counts.
    recorder.mark('assignedAt');
    recorder.mark('positionedAt');
    expect(recorder.ready()).to.deep.equal({
      subscribedAt: 10,
      logEndsReadAt: 10,
      joinStartedAt: 10,
      assignedAt: 30,
      positionedAt: 31,
      readyAt: 32,
    });
  });

  it('after ready nothing moves: a rebalance leaves the start alone', () => {
    const recorder = new ReadyTimelineRecorder(clock(1, 2, 3));
    recorder.mark('assignedAt');
    const first = recorder.ready();
    recorder.mark('assignedAt');
    expect(recorder.ready()).to.equal(first);
    expect(first).to.include({ assignedAt: 2, positionedAt: 2, readyAt: 3 });
  });
});
