import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import type * as E from 'fp-ts/lib/Either.js';
import type { CreateUser, UserCreated } from '../create-user/messages';
import { openUserStore, UserStore } from '../create-user/user-store';
import { USER_SERVICE_OPTIONS, UserServiceOptions } from './user-service-options';

/** The users table (the seed's step 3), opened with the application and closed with it. */
@Injectable()
export class UsersRepository implements OnApplicationShutdown {
  private readonly store: UserStore;

  constructor(@Inject(USER_SERVICE_OPTIONS) options: UserServiceOptions) {
    this.store = openUserStore(options.databasePath);
  }

  /** Inserts a user; `left('duplicate')` when the email is taken by another request. */
  insert(request: CreateUser, requestId: string): E.Either<'duplicate', UserCreated> {
    return this.store.insert(request, requestId);
  }

  onApplicationShutdown(): void {
    this.store.close();
  }
}
