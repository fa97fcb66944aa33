import { DynamicModule, Module } from '@nestjs/common';
import { logLevel } from 'kafkajs';
import { PubScribeServer } from '../../lib/nest';
import type { FlowTopics } from '../create-user/topics';
import { SignupModule } from './signup.module';
import { UserServiceModule } from './user-service.module';

/** The whole flow's settings. */
export interface AppOptions {
  readonly brokers: readonly string[];
  readonly topics: FlowTopics;
  readonly databasePath: string;
  /** The signup side's reply consumer group. Default: a random one. */
  readonly replyGroupId?: string;
}

/**
 * The create-user flow in one Nest application: the signup side (a requester) and the user
 * service with its emailer (handlers served by PubScribeServer). In production they would be two
 * applications; nothing but this module ties them together.
 */
@Module({})
export class AppModule {
  /**
   * @param options brokers, topics and the users database
   * @returns the root module
   */
  static register(options: AppOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        SignupModule.register({ brokers: options.brokers, topics: options.topics, replyGroupId: options.replyGroupId }),
        UserServiceModule.register({ topics: options.topics, databasePath: options.databasePath }),
      ],
    };
  }
}

/**
 * The transport strategy that serves the user service's handlers: one consumer group for every
 * instance of the service, its own kafkajs transport (closed with the application).
 *
 * @param brokers bootstrap brokers
 * @param groupId the user service's consumer group
 * @returns the strategy for `createMicroservice` / `connectMicroservice`
 */
export function userServiceServer(brokers: readonly string[], groupId: string): PubScribeServer {
  return new PubScribeServer({
    transport: { kafka: { clientId: 'user-service', brokers: [...brokers], logLevel: logLevel.NOTHING } },
    groupId,
  });
}
