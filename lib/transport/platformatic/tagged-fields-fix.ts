import { Reader } from '@platformatic/kafka';

/** One tagged field (tag 1, two bytes of data) and then one more byte: a reader must stop on that byte. */
const probe = (): Reader => Reader.from(Buffer.from([0x01, 0x01, 0x02, 0x00, 0x00, 0x7f]));

/** How far a correct decoder moves over `probe()`. */
const PROBE_FIELDS_LENGTH = 5;

/**
 * Skips the tagged fields (KIP-482) at the reader's position: their count, then each field's tag,
 * size and data. Counts, tags and sizes are unsigned varints.
 */
function skipTaggedFields(this: Reader): void {
  const count = this.readUnsignedVarInt();
  for (let field = 0; field < count; field += 1) {
    this.readUnsignedVarInt();
    this.skip(this.readUnsignedVarInt());
  }
}

/** True when the client in use decodes tagged fields correctly (a later release, or this fix). */
export function decodesTaggedFields(): boolean {
  const reader = probe();
  reader.readTaggedFields();
  return reader.position === PROBE_FIELDS_LENGTH;
}

/**
 * @platformatic/kafka 1.35 reads the tagged fields at the end of every array entry of a response
 * wrongly (`Reader.readTaggedFields`): it reads their count as a signed (zigzag) varint and skips
 * that many bytes, where Kafka writes a count followed by a tag, a size and the data of each field.
 * One field (count 1) reads as -1, so nothing is skipped and everything after it is misread. A
 * broker adds such fields to a partition of a Fetch or Produce response when it is not, or no
 * longer, that partition's leader (KIP-951's `CurrentLeader`), which happens whenever a leader
 * moves or its epoch changes: after a broker restart, a frozen broker fenced by the controller, a
 * killed leader. The client then fails each fetch with `OutOfBoundsError` instead of
 * `NOT_LEADER_OR_FOLLOWER` or `FENCED_LEADER_EPOCH`, never refreshes its stale leader epoch, and
 * fails every retry the same way: its consumer stream ends and never recovers.
 *
 * This replaces the decoder on the client's `Reader` class, once, and only when a probe shows it
 * misreads one tagged field (a release that decodes them correctly is left alone). The client
 * reads tagged fields nowhere else, and only skips them.
 *
 * @returns true when the decoder was replaced by this call
 * @internal
 */
export function fixTaggedFieldsDecoding(): boolean {
  if (decodesTaggedFields()) return false;
  Reader.prototype.readTaggedFields = skipTaggedFields;
  return true;
}
