import { expect } from 'chai';
import { previewBytes } from '../../lib/codecs/preview';

describe('previewBytes', () => {
  it('shows short values whole', () => {
    expect(previewBytes(Buffer.from('{"email":42}'))).to.equal('{"email":42}');
  });

  it('cuts long values to 64 characters, or the length asked for', () => {
    expect(previewBytes(Buffer.alloc(1_000_000, 'a'))).to.equal('a'.repeat(64));
    expect(previewBytes(Buffer.from('abcdef'), 3)).to.equal('abc');
  });

  it('counts characters, not bytes, and never splits an emoji', () => {
    expect(previewBytes(Buffer.from('🐙'.repeat(100)), 3)).to.equal('🐙🐙🐙');
  });

  it('shows a tombstone as null and invalid UTF-8 as replacement characters', () => {
    expect(previewBytes(null)).to.equal('null');
    expect(previewBytes(Buffer.from([0x61, 0xff]))).to.equal('a\uFFFD');
  });
});
