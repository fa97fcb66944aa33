import type * as NestMicroservices from '@nestjs/microservices';
import { logLevel } from 'kafkajs';
import { firstValueFrom, timeout } from 'rxjs';
import type { BenchRequester, BenchTopics } from '../bench-types';

let microservices: typeof NestMicroservices | undefined;

/**
 * Loads Nest in the processes of the NestJS variant only: the other variants' figures stay free
 * of it, and the worker loads it before its clock starts.
 */
export async function loadNestClient(): Promise<void> {
  await import('reflect-metadata');
  microservices = await import('@nestjs/microservices');
}

/**
 * NestJS's requester: `ClientKafka.send()` against a `@MessagePattern` responder. Its reply
 * consumer reads `<pattern>.reply` in its own group (`<groupId>-client`) with Nest's partition
 * assigner; every request names the consumer's lowest assigned partition as the reply
 * partition, so with one requester all replies land on partition 0. One `producer.send` per
 * request, replies handled one message at a time (`eachMessage`).
 */
export function nestRequester(topics: BenchTopics): BenchRequester {
  if (!microservices) throw new Error('loadNestClient() first');
  const client = new microservices.ClientKafka({
    client: { clientId: 'bench-nest-requester', brokers: [...topics.brokers], logLevel: logLevel.NOTHING },
    // Nest appends '-client' to the group id.
    consumer: { groupId: `${topics.groupPrefix}-nest-replies`, maxWaitTimeInMs: 100 },
  });
  client.subscribeToResponseOf(topics.requests);
  return {
    // Nest's own readiness. `connect` resolves once kafkajs's `consumer.run` has, which (kafkajs 2)
    // waits for the group join, so the reply partition is known; the reply consumer fixes its
    // position (the log end: no `fromBeginning`) only at its first fetch, just after, and Nest
    // connects its producer only then: in trials no first reply was lost.
    ready: async () => void (await client.connect()),
    call: (n) =>
      firstValueFrom(
        client.send<{ n: number }>(topics.requests, { key: String(n), value: { n } }).pipe(timeout(30_000)),
      ).then((reply) => reply.n),
    close: () => client.close(),
  };
}
