import { expect } from 'chai';
import { newCorrelationId } from '../../lib/requester';

describe('newCorrelationId', () => {
  it('is a version 4 UUID from the cryptographic source: 122 random bits, no repeats in 100,000', () => {
    const ids = Array.from({ length: 100_000 }, () => newCorrelationId());
    for (const id of ids.slice(0, 1_000)) {
      // Version nibble 4 and variant bits 10xx: the other 122 bits are random.
      expect(id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
    expect(new Set(ids).size).to.equal(ids.length);
  });

  it('spreads its bits evenly (a broken source would not)', () => {
    const counts = new Array<number>(16).fill(0);
    for (let index = 0; index < 20_000; index += 1) {
      const hex = newCorrelationId().replace(/-/g, '');
      // Positions 0-11 are purely random (position 12 is the version nibble).
      for (const char of hex.slice(0, 12)) counts[parseInt(char, 16)]! += 1;
    }
    const expected = (20_000 * 12) / 16;
    for (const count of counts) expect(Math.abs(count - expected) / expected).to.be.below(0.05);
  });
});
