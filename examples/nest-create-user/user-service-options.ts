import type { FlowTopics } from '../create-user/topics';

/** What the user service needs to know: the flow's topics and its database file. */
export interface UserServiceOptions {
  readonly topics: FlowTopics;
  /** The SQLite file of the users table. */
  readonly databasePath: string;
}

/** The injection token of {@link UserServiceOptions}. */
export const USER_SERVICE_OPTIONS = 'nest-create-user:user-service-options';
