/**
 * The user service of the seed's Figure 1 (steps 2, 3, 4 and 6): consumes "create user" in a
 * consumer group, writes the user to SQLite, queues "send welcome email" and answers with
 * "user created", or with an error reply when the email is taken.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Subscription } from 'rxjs';
import { RequestContext, ResponderEvent, serve, Telemetry } from '../../lib';
import {
  CreateUser,
  DUPLICATE_EMAIL_ERROR,
  sendWelcomeEmailCodec,
  UserCreated,
  createUserCodec,
  userCreatedCodec,
} from './messages';
import { serviceTransport } from './service-transport';
import type { FlowTopics } from './topics';
import { inDatabaseSpan } from './traced-work';
import { subscribeUntilReady } from './until-ready';
import { openUserStore, UserStore } from './user-store';

/** Options of {@link startUserService}. */
export interface UserServiceOptions {
  readonly brokers: readonly string[];
  readonly topics: FlowTopics;
  /** The SQLite file of the users table. */
  readonly databasePath: string;
  /** The consumer group every user service instance shares. Default `user-service`. */
  readonly groupId?: string;
  readonly instance?: string;
  readonly log?: (line: string) => void;
  /** Called when the consumer dies after it was ready. */
  readonly onFailure?: (error: unknown) => void;
  /** Traces and metrics of the responder (`openTelemetry()`); none by default. */
  readonly telemetry?: Telemetry;
}

/** What a user service instance did, for the demo's report. */
export interface UserServiceCounts {
  readonly created: number;
  readonly duplicates: number;
  readonly failed: number;
}

/** A running user service instance. */
export interface UserService {
  counts(): UserServiceCounts;
  /** Leaves the group, disconnects and closes the database. */
  close(): Promise<void>;
}

/** The error the handler throws for a taken email; `serve` turns it into the error reply. */
export class DuplicateEmailError extends Error {
  override readonly name = DUPLICATE_EMAIL_ERROR;
  constructor(email: string) {
    super(`a user with email ${email} already exists`);
  }
}

/**
 * The request handler. The user is written first, then the welcome email is queued, then the
 * reply goes out (serve produces it when this resolves): a client that got "user created" can
 * count on the welcome email being in Kafka already.
 */
function createUserHandler(store: UserStore, topics: FlowTopics) {
  return async (request: CreateUser, context: RequestContext): Promise<UserCreated> => {
    // A redelivered record has the same partition and offset: that, not the email, says whether
    // this is the same request again (at-least-once) or a second request for a taken email.
    const requestId = `${context.record.partition}:${context.record.offset}`;
    // The handler runs in pubscribe's `process` span: this one is its child.
    const inserted = inDatabaseSpan('INSERT users', () => store.insert(request, requestId));
    if (E.isLeft(inserted)) throw new DuplicateEmailError(request.email);
    const user = inserted.right;
    await context.send([
      {
        topic: topics.sendEmail,
        key: user.email,
        value: sendWelcomeEmailCodec.encode({ userId: user.id, to: user.email, name: user.name }),
      },
    ]);
    return user;
  };
}

/**
 * Starts one user service instance and resolves once its consumer is ready (positioned on the
 * create-user topic), so requests produced from then on are seen.
 *
 * @example
 * const users = await startUserService({ brokers: ['127.0.0.1:9092'], topics, databasePath: '/tmp/users.db' });
 * // ... later
 * await users.close();
 *
 * @param options brokers, topics, the database file and the group
 * @returns the running instance
 */
export async function startUserService(options: UserServiceOptions): Promise<UserService> {
  const log = options.log ?? (() => undefined);
  const store = openUserStore(options.databasePath);
  const transport = serviceTransport(options.brokers, options.instance ?? 'user-service');
  const counts = { created: 0, duplicates: 0, failed: 0 };
  const count = (event: ResponderEvent) => {
    if (event.type === 'answered' && event.error === undefined) counts.created += 1;
    else if (event.type === 'answered' && event.error instanceof DuplicateEmailError) counts.duplicates += 1;
    else if (event.type === 'answered' || event.type === 'reply-failed') {
      counts.failed += 1;
      log(`request at ${event.record.partition}:${event.record.offset} failed: ${String(event.error)}`);
    }
  };
  const events = serve({
    transport,
    topic: options.topics.createUser,
    groupId: options.groupId ?? 'user-service',
    requestCodec: createUserCodec,
    replyCodec: userCreatedCodec,
    handler: createUserHandler(store, options.topics),
    // A new group on a fresh topic: start at the beginning, so nothing produced before the
    // group's first join is skipped.
    consumer: { startAt: 'earliest' },
    telemetry: options.telemetry,
  });
  let subscription: Subscription | undefined;
  const close = async () => {
    subscription?.unsubscribe();
    await transport.close();
    store.close();
  };
  try {
    subscription = await subscribeUntilReady(events, count, options.onFailure ?? (() => undefined));
  } catch (error) {
    await close();
    throw error;
  }
  return { counts: () => ({ ...counts }), close };
}
