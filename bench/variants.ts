import type { SpringProgram } from '../tools/spring/spring-process';
import type { BenchRequester, BenchResponder, BenchTopics } from './bench-types';
import { loadNestClient, nestRequester } from './requesters/nest-requester';
import { oneShotRequester } from './requesters/one-shot-requester';
import { pubscribeRequester } from './requesters/pubscribe-requester';
import { rawRequester } from './requesters/raw-kafkajs-requester';
import { domainEventResponder } from './responders/domain-event';
import { loadNestServer, nestResponder } from './responders/nest-responder';
import { pubscribeResponder } from './responders/pubscribe-serve';
import { rawResponder } from './responders/raw-kafkajs';

/**
 * A requester that is a JVM program of peers/spring: it runs its own closed loop (the same shape as
 * bench/closed-loop.ts) and reports its latencies, which bench/jvm-requester.ts turns into a row.
 */
export interface JvmRequester {
  readonly program: SpringProgram;
  /** Where it sends and listens; bench/jvm-requester.ts adds the counts and the concurrency. */
  readonly args: (topics: BenchTopics) => Readonly<Record<string, string | number>>;
}

/** One contender: how it requests, and the echo responder it is measured against. */
export interface Variant {
  readonly name: string;
  readonly label: string;
  /** A Node requester, run in a bench/worker.ts process, or a JVM one. */
  readonly requester: ((topics: BenchTopics) => BenchRequester) | JvmRequester;
  /** Absent for the one-hop floor, which nothing answers. */
  readonly responder?: (topics: BenchTopics) => BenchResponder;
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
    responder: (topics) => pubscribeResponder(topics),
  },
  {
    // The same requester and responder on @platformatic/kafka (platformaticTransport), side by side.
    name: 'pubscribe-header-platformatic',
    label: 'pubscribe requester, header, @platformatic/kafka',
    requester: (topics) => pubscribeRequester(topics, false, 'platformatic'),
    responder: (topics) => pubscribeResponder(topics, 'platformatic'),
  },
  {
    name: 'pubscribe-predicate',
    label: 'pubscribe requester, predicate',
    requester: (topics) => pubscribeRequester(topics, true),
    responder: (topics) => domainEventResponder(topics),
  },
  {
    name: 'pubscribe-predicate-platformatic',
    label: 'pubscribe requester, predicate, @platformatic/kafka',
    requester: (topics) => pubscribeRequester(topics, true, 'platformatic'),
    responder: (topics) => domainEventResponder(topics, 'platformatic'),
  },
  {
    name: 'one-shot',
    label: 'one-shot pubScribe (the article)',
    requester: (topics) => oneShotRequester(topics),
    responder: (topics) => pubscribeResponder(topics),
    skip: { 1024: '1024 simultaneous consumer groups exhaust a 2-core machine' },
  },
  {
    name: 'one-shot-platformatic',
    label: 'one-shot pubScribe, @platformatic/kafka',
    requester: (topics) => oneShotRequester(topics, 'platformatic'),
    responder: (topics) => pubscribeResponder(topics, 'platformatic'),
    skip: { 1024: '1024 simultaneous consumer groups exhaust a 2-core machine' },
  },
  {
    // The JVM baseline, against the same responder as the pubscribe variants. Its reply consumer
    // waits at most 100 ms for data, as the Node variants' do (Kafka's default is 500 ms).
    name: 'spring',
    label: 'Spring ReplyingKafkaTemplate (JVM)',
    requester: {
      program: 'SpringRequester',
      args: (topics) => ({
        'request-topic': topics.requests,
        'reply-topic': topics.replies,
        group: `${topics.groupPrefix}-spring-replies`,
        'fetch-max-wait-ms': 100,
      }),
    },
    responder: pubscribeResponder,
  },
  {
    // Kafka's own Java client, produce to consume, no responder: a round trip is at least two hops.
    name: 'kafka-one-hop',
    label: 'Kafka one hop, Java client (floor)',
    requester: {
      program: 'OneHopProbe',
      args: (topics) => ({ topic: topics.requests, 'fetch-max-wait-ms': 100 }),
    },
  },
];

/** True when the variant's requester is a JVM program rather than a Node one. */
export function isJvmRequester(requester: Variant['requester']): requester is JvmRequester {
  return typeof requester !== 'function';
}

/** Looks a variant up by name. */
export function variantNamed(name: string): Variant {
  const variant = variants.find((candidate) => candidate.name === name);
  if (!variant) throw new Error(`unknown variant '${name}'; known: ${variants.map((v) => v.name).join(', ')}`);
  return variant;
}
