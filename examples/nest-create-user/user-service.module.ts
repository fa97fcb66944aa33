import { DynamicModule, Module } from '@nestjs/common';
import { emailerController, Outbox } from './emailer.controller';
import { USER_SERVICE_OPTIONS, UserServiceOptions } from './user-service-options';
import { usersController } from './users.controller';
import { UsersRepository } from './users.repository';

/** The user service and the emailer: `@MessagePattern` / `@EventPattern` handlers for PubScribeServer. */
@Module({})
export class UserServiceModule {
  /**
   * @param options the flow's topics and the users database
   * @returns the module with its controllers and providers
   */
  static register(options: UserServiceOptions): DynamicModule {
    return {
      module: UserServiceModule,
      controllers: [usersController(options.topics), emailerController(options.topics)],
      providers: [{ provide: USER_SERVICE_OPTIONS, useValue: options }, UsersRepository, Outbox],
      exports: [Outbox],
    };
  }
}
