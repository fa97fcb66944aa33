import type { BenchRequester, BenchResponder, BenchTopics } from './bench-types';
import { loadNestClient, nestRequester } from './requesters/nest-requester';
import { oneShotRequester } from './requesters/one-shot-requester';
import { pubscribeRequester } from './requesters/pubscribe-requester';
import { rawRequester } from './requesters/raw-kafkajs-requester';
import { domainEventResponder } from './responders/domain-event';
import { loadNestServer, nestResponder } from './responders/nest-responder';
import { pubscribeResponder } from './responders/pubscribe-serve';
import { rawResponder } from './responders/raw-kafkajs';

/** One contender: how it requests, and the echo responder it is measured against. */
export interface Variant {
  readonly name: string;
  readonly label: string;
  readonly requester: (topics: BenchTopics) => BenchRequester;
  readonly responder: (topics: BenchTopics) => BenchResponder;
  /** Loads what only this variant needs, in its processes, before the worker's clock starts. */
  readonly load?: (role: 'requester' | 'responder') => Promise<void>;
  /** Concurrencies this variant is not run at, and why. */
  readonly skip?: Readonly<Record<number, string>>;
}

export const variants: readonly Variant[] = [
  {
    name: 'kafkajs-floor',
    label: 'raw kafkajs (floor)',
    requester: rawRequester,
    responder: rawResponder,
  },
  {
    // Nest replies on `<request topic>.reply`, not on topics.replies: bench/run.ts creates it.
    name: 'nestjs',
    label: 'NestJS ClientKafka.send',
    requester: nestRequester,
    responder: nestResponder,
    load: (role) => (role === 'requester' ? loadNestClient() : loadNestServer()),
  },
  {
    name: 'pubscribe-header',
    label: 'pubscribe requester, header',
    requester: (topics) => pubscribeRequester(topics, false),
    responder: pubscribeResponder,
  },
  {
    name: 'pubscribe-predicate',
    label: 'pubscribe requester, predicate',
    requester: (topics) => pubscribeRequester(topics, true),
    responder: domainEventResponder,
  },
  {
    name: 'one-shot',
    label: 'one-shot pubScribe (the article)',
    requester: oneShotRequester,
    responder: pubscribeResponder,
    skip: { 1024: '1024 simultaneous consumer groups exhaust a 2-core machine' },
  },
];

/** Looks a variant up by name. */
export function variantNamed(name: string): Variant {
  const variant = variants.find((candidate) => candidate.name === name);
  if (!variant) throw new Error(`unknown variant '${name}'; known: ${variants.map((v) => v.name).join(', ')}`);
  return variant;
}
