import type { Message } from 'kafkajs';

/** A small deterministic PRNG (mulberry32), so a failing fuzz case can be replayed from its seed. */
export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bytes(random: () => number, length: number): Buffer {
  return Buffer.from(Array.from({ length }, () => Math.floor(random() * 256)));
}

const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Values that must not decode as `{ n: number, ... }` JSON. */
function badValue(random: () => number): Buffer | string | null {
  const valid = JSON.stringify({ instance: 'fuzz', n: Math.floor(random() * 1000), by: 'fuzz' });
  return pick(random, [
    () => bytes(random, 1 + Math.floor(random() * 64)),
    () => valid.slice(0, 1 + Math.floor(random() * (valid.length - 2))),
    () => JSON.stringify({ instance: 42, n: 'seven' }),
    () => JSON.stringify([1, 2, 3]),
    () => '',
    () => null,
    () => '{"n": 1, "instance": "x", "by": [',
    () => Buffer.from([0xff, 0xfe, 0x00, 0x7b]),
    () => 'x'.repeat(60_000),
  ])();
}

/** Correlation ids that match no pending request: random, wrong length, binary, not UTF-8. */
function strayCorrelationId(random: () => number): Buffer | string {
  return pick(random, [
    () => bytes(random, 16),
    () => bytes(random, 1 + Math.floor(random() * 100)),
    () => 'not-a-uuid',
    () => '',
    () => Buffer.from([0xc3, 0x28]),
    () => '00000000-0000-4000-8000-000000000000',
    () => 'z'.repeat(4096),
  ])();
}

/** A malformed reply: a bad value and/or a correlation id that matches nothing, odd headers. */
export function malformedReply(random: () => number): Message {
  const headers: Record<string, Buffer | string> = {};
  if (random() < 0.9) headers.kafka_correlationId = strayCorrelationId(random);
  if (random() < 0.2) headers['kafka_nest-is-disposed'] = bytes(random, Math.floor(random() * 3));
  if (random() < 0.2) headers['kafka_nest-err'] = bytes(random, Math.floor(random() * 40));
  if (random() < 0.1) headers.huge = 'h'.repeat(50_000);
  return {
    key: random() < 0.5 ? null : bytes(random, 8),
    value: random() < 0.5 ? badValue(random) : '{"instance":"fuzz","n":1,"by":"x"}',
    headers,
  };
}

/** A malformed request: a bad value, or odd reply headers (wrong partition bytes, bad deadlines). */
export function malformedRequest(random: () => number, replyTopic: string): Message {
  const headers: Record<string, Buffer | string> = {};
  if (random() < 0.7)
    headers.kafka_replyTopic = random() < 0.9 ? replyTopic : pick(random, ['', 'no-such-topic-here', '\u0000']);
  if (random() < 0.7) headers.kafka_correlationId = strayCorrelationId(random);
  if (random() < 0.2) headers.kafka_replyPartition = bytes(random, pick(random, [0, 1, 3, 5]));
  if (random() < 0.2)
    headers.pubscribe_deadline = pick(random, ['soon', '-1', '1e400', '', String(Date.now() - 1_000)]);
  const value = random() < 0.85 ? badValue(random) : JSON.stringify({ instance: 'fuzz', n: 1 });
  return { key: random() < 0.5 ? null : bytes(random, 8), value, headers };
}
