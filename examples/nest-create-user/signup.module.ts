import { DynamicModule, Module } from '@nestjs/common';
import { logLevel } from 'kafkajs';
import { PubScribeModule } from '../../lib/nest';
import type { FlowTopics } from '../create-user/topics';
import { SIGNUP_TOPICS, SignupService } from './signup.service';

/** What the signup side needs: brokers and the flow's topics. */
export interface SignupOptions {
  readonly brokers: readonly string[];
  readonly topics: FlowTopics;
  /** The reply consumer's group; one per instance. Default: a random one. */
  readonly replyGroupId?: string;
}

/** The signup side: PubScribeModule's shared requester, and the service that uses it. */
@Module({})
export class SignupModule {
  /**
   * @param options brokers and topics
   * @returns the module, exporting SignupService
   */
  static register(options: SignupOptions): DynamicModule {
    return {
      module: SignupModule,
      imports: [
        PubScribeModule.forRoot({
          transport: { kafka: { clientId: 'signup', brokers: [...options.brokers], logLevel: logLevel.NOTHING } },
          requester: { replyTopic: options.topics.userCreated, groupId: options.replyGroupId, timeoutMs: 10_000 },
        }),
      ],
      providers: [{ provide: SIGNUP_TOPICS, useValue: options.topics }, SignupService],
      exports: [SignupService],
    };
  }
}
