import type * as NestCommon from '@nestjs/common';
import type * as NestCore from '@nestjs/core';
import type * as NestMicroservices from '@nestjs/microservices';
import { logLevel } from 'kafkajs';
import type { BenchResponder, BenchTopics } from '../bench-types';

interface Nest {
  readonly common: typeof NestCommon;
  readonly core: typeof NestCore;
  readonly microservices: typeof NestMicroservices;
}

let nest: Nest | undefined;

/**
 * Loads Nest (about 30 MiB and 0.3 s) in the processes of the NestJS variant only: the other
 * variants' figures stay free of it, and the worker loads it before its clock starts.
 */
export async function loadNestServer(): Promise<void> {
  await import('reflect-metadata');
  const [common, core, microservices] = await Promise.all([
    import('@nestjs/common'),
    import('@nestjs/core'),
    import('@nestjs/microservices'),
  ]);
  nest = { common, core, microservices };
}

/**
 * The module of a Nest echo microservice answering `@MessagePattern(topic)`. The bench makes
 * fresh topics per run, so the controller is declared here, with the pattern applied when the
 * function runs, as a decorator on a fixed name would be.
 */
function echoModule({ common, microservices }: Nest, topic: string): NestCommon.Type<unknown> {
  @common.Controller()
  class EchoController {
    @microservices.MessagePattern(topic)
    echo(@microservices.Payload() payload: { n: number }): { n: number } {
      return { n: payload.n };
    }
  }
  @common.Module({ controllers: [EchoController] })
  class EchoModule {}
  return EchoModule;
}

/**
 * NestJS's responder: a real Kafka microservice (`ServerKafka`), Nest's own request
 * deserializer, reply serializer and reply headers. It handles one message at a time per
 * partition (`eachMessage`; four partitions at once, as the floor's responder) and sends each
 * reply on its own, to the topic and partition the request's headers name (`<pattern>.reply`,
 * the requester's lowest assigned partition).
 */
export function nestResponder(topics: BenchTopics): BenchResponder {
  const loaded = nest;
  if (!loaded) throw new Error('loadNestServer() first');
  const { core, microservices } = loaded;
  const started = (async () => {
    const app = await core.NestFactory.createMicroservice<NestMicroservices.MicroserviceOptions>(
      echoModule(loaded, topics.requests),
      {
        logger: false,
        transport: microservices.Transport.KAFKA,
        options: {
          client: { clientId: 'bench-nest-responder', brokers: [...topics.brokers], logLevel: logLevel.NOTHING },
          // Nest appends '-server' to the group id.
          consumer: { groupId: `${topics.groupPrefix}-nest`, maxWaitTimeInMs: 100 },
          subscribe: { fromBeginning: true },
          run: { partitionsConsumedConcurrently: 4 },
        },
      },
    );
    // `listen` resolves once kafkajs's `consumer.run` has, and that (kafkajs 2) waits for the
    // group join and sync; from the beginning, a request sent before the first fetch is read too.
    await app.listen();
    return app;
  })();
  return {
    ready: async () => void (await started),
    close: async () => (await started).close(),
  };
}
