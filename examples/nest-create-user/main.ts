/**
 * The create-user flow as a Nest application, on a real Kafka broker (a local one is started,
 * or KAFKA_BROKERS is used): creates a user, tries the same email again, and prints both answers.
 *   npm run -s compile && node build/examples/nest-create-user/main.js
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NestFactory } from '@nestjs/core';
import { acquireKafka, KafkaForRun } from '../../tools/broker/acquire-kafka';
import { createFlowTopics, deleteFlowTopics, flowTopics } from '../create-user/topics';
import { AppModule, userServiceServer } from './app.module';
import { SignupService } from './signup.service';

async function main(): Promise<void> {
  let kafka: KafkaForRun | undefined;
  const directory = mkdtempSync(join(tmpdir(), 'nest-create-user-'));
  try {
    kafka = await acquireKafka({ log: (line) => console.log(`[kafka] ${line}`) });
    const topics = flowTopics();
    await createFlowTopics(kafka.brokers, topics);
    const app = await NestFactory.createMicroservice(
      AppModule.register({ brokers: kafka.brokers, topics, databasePath: join(directory, 'users.db') }),
      { logger: ['error', 'warn'], strategy: userServiceServer(kafka.brokers, `user-service-${topics.createUser}`) },
    );
    // Resolves once the requester's reply consumer and the user service's consumer are positioned.
    await app.listen();
    try {
      const signup = app.get(SignupService);
      console.log('created:', await signup.createUser({ email: 'ada@example.com', name: 'Ada' }));
      console.log('again:', await signup.createUser({ email: 'ada@example.com', name: 'Ada' }).catch(String));
    } finally {
      await app.close();
      await deleteFlowTopics(kafka.brokers, topics);
    }
  } finally {
    rmSync(directory, { recursive: true, force: true });
    await kafka?.release();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
