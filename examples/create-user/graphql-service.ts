/**
 * The GraphQL service of the seed's Figure 1 (steps 1 and 5): a `createUser` mutation that
 * produces "create user" to the create-user topic, keyed by email, and answers the waiting HTTP
 * client with the "user created" reply that comes back on the user-created topic.
 */
import { randomUUID } from 'node:crypto';
import { createServer, Server } from 'node:http';
import * as E from 'fp-ts/lib/Either.js';
import { createSchema, createYoga, type YogaInitialContext } from 'graphql-yoga';
import * as t from 'io-ts';
import { firstValueFrom, Subscription } from 'rxjs';
import { createRequester, Requester, RequesterMetrics, RequesterOptions, Telemetry } from '../../lib';
import { createUserFailure, ErrorCode, invalidInputError } from './graphql-errors';
import { createUserCodec, UserCreated, userCreatedCodec } from './messages';
import { serviceTransport } from './service-transport';
import type { ReplyMode } from './service-config';
import type { FlowTopics } from './topics';
import { inServerSpan } from './traced-work';
import { validateCreateUser } from './validation';

/** Options of {@link startGraphqlService}. */
export interface GraphqlServiceOptions {
  readonly brokers: readonly string[];
  readonly topics: FlowTopics;
  /** Names this instance (`graphql-1`); its reply consumer group is `<instance>-<uuid>`. */
  readonly instance: string;
  /**
   * How this instance reads the user-created topic. `leased` (the default): it leases partitions
   * from the other instances in the group `graphql-leases-<user-created topic>`, and reads only
   * those. `shared`: it reads every partition and drops the other instances' replies as foreign.
   */
  readonly replies?: ReplyMode;
  /** HTTP port; 0 (the default) lets the kernel pick one, read it from `port`. */
  readonly port?: number;
  /** How long a mutation waits for "user created". Default 10 000 ms. */
  readonly timeoutMs?: number;
  /** Server-side log lines (failures with their full pubscribe message). */
  readonly log?: (line: string) => void;
  /** Traces and metrics of the requester (`openTelemetry()`); none by default. */
  readonly telemetry?: Telemetry;
}

/** A running GraphQL service instance. */
export interface GraphqlService {
  readonly port: number;
  /** `http://127.0.0.1:<port>/graphql` */
  readonly url: string;
  /** The requester's counters: `foreign` counts other instances' replies this one read and dropped. */
  metrics(): RequesterMetrics;
  /** Stops taking HTTP requests, fails what is pending, stops the reply consumer, disconnects. */
  close(): Promise<void>;
}

const typeDefs = /* GraphQL */ `
  type User {
    id: Int!
    email: String!
    name: String!
    createdAt: String!
  }

  type Query {
    "Which instance answered: handy to see the load balancing."
    instance: String!
  }

  type Mutation {
    "Creates a user through Kafka and waits for the user service's answer."
    createUser(email: String!, name: String!): User!
  }
`;

// GraphQL has already checked the argument types; decoding them again keeps this file free of
// casts on values typed `any` by the resolver signature.
const CreateUserArgs = t.type({ email: t.string, name: t.string });

function createUserResolver(requester: Requester, options: GraphqlServiceOptions) {
  const log = options.log ?? (() => undefined);
  // The mutation is a span of its own (a child of the HTTP caller's, when it sent a `traceparent`),
  // and the requester's `send` span starts inside it.
  return (_parent: unknown, args: unknown, resolverContext: YogaInitialContext): Promise<UserCreated> =>
    inServerSpan('mutation createUser', resolverContext.request.headers, () => createUser(args));
  async function createUser(args: unknown): Promise<UserCreated> {
    const decoded = CreateUserArgs.decode(args);
    if (E.isLeft(decoded)) throw invalidInputError({ field: 'email', message: 'email and name are required' });
    // Validation comes first: a refused input never costs a Kafka round trip.
    const valid = validateCreateUser(decoded.right);
    if (E.isLeft(valid)) throw invalidInputError(valid.left);
    const user = valid.right;
    try {
      return await firstValueFrom(
        requester.request({
          topic: options.topics.createUser,
          // The seed keys by email: every record about one user lands on one partition, in order.
          key: user.email,
          value: user,
          codec: createUserCodec,
          replyCodec: userCreatedCodec,
        }),
      );
    } catch (error) {
      const failure = createUserFailure(error, user.email);
      // A taken email is an everyday answer, not a server problem; anything else is worth a line.
      if (failure.extensions.code !== ErrorCode.emailTaken) {
        log(`createUser ${user.email} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
      throw failure;
    }
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address();
      if (address && typeof address === 'object') resolve(address.port);
      else reject(new Error(`graphql service: not listening on a TCP port (${String(address)})`));
    });
  });
}

/**
 * Starts one GraphQL service instance: a requester on the shared user-created topic (its own reply
 * consumer group, reading the partitions it leases or, with `replies: 'shared'`, all of them),
 * warmed up so the first mutation does not wait for a group join, and a graphql-yoga server on
 * node:http.
 *
 * @example
 * const service = await startGraphqlService({ brokers: ['127.0.0.1:9092'], topics, instance: 'graphql-1' });
 * await fetch(service.url, {
 *   method: 'POST',
 *   headers: { 'content-type': 'application/json' },
 *   body: JSON.stringify({ query: 'mutation { createUser(email: "ada@example.com", name: "Ada") { id } }' }),
 * });
 * await service.close();
 *
 * @param options brokers, topics, instance name, how replies are read, port and timeout
 * @returns the running instance, once it listens and its reply consumer is ready
 */
export async function startGraphqlService(options: GraphqlServiceOptions): Promise<GraphqlService> {
  const transport = serviceTransport(options.brokers, options.instance);
  const replyReading: Pick<RequesterOptions, 'replyPartition' | 'leaseGroupId'> =
    (options.replies ?? 'leased') === 'leased'
      ? { replyPartition: 'auto', leaseGroupId: `graphql-leases-${options.topics.userCreated}` }
      : {};
  const requester = createRequester({
    transport,
    // The seed's choice: replies come back on the user-created topic itself, and every instance
    // keeps only the replies whose correlation id it sent. Leased, the instances share the topic's
    // partitions out and each request names one of its instance's (kafka_replyPartition), so an
    // instance reads its own replies alone; shared, every instance reads all of them.
    replyTopic: options.topics.userCreated,
    ...replyReading,
    groupId: `${options.instance}-${randomUUID()}`,
    timeoutMs: options.timeoutMs ?? 10_000,
    telemetry: options.telemetry,
  });
  const warm = new Subscription();
  const server = createServer(
    createYoga({
      schema: createSchema<YogaInitialContext>({
        typeDefs,
        resolvers: {
          Query: { instance: () => options.instance },
          Mutation: { createUser: createUserResolver(requester, options) },
        },
      }),
      graphiql: false,
      logging: false,
    }),
  );
  const close = async () => {
    server.close();
    // fetch keeps connections alive; without this, close waits for them to idle out.
    server.closeAllConnections();
    requester.close();
    warm.unsubscribe();
    await transport.close();
  };
  try {
    // Held for the instance's life, so the reply consumer never idles out between mutations.
    await new Promise<void>((resolve, reject) => {
      warm.add(requester.warmUp().subscribe({ next: () => resolve(), error: reject }));
    });
    const port = await listen(server, options.port ?? 0);
    return { port, url: `http://127.0.0.1:${port}/graphql`, metrics: () => requester.metrics(), close };
  } catch (error) {
    await close();
    throw error;
  }
}
