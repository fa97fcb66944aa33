/**
 * What the demo tells a service child process (its config, as argv[2] JSON) and what they say to
 * each other over the IPC channel. Both sides decode with these types: the channel is an edge.
 */
import * as t from 'io-ts';
import { DemoSpan } from './demo-span';

const FlowTopicsType = t.type({ createUser: t.string, userCreated: t.string, sendEmail: t.string });
/** `trace`: register the OpenTelemetry SDK and send finished spans to the parent. */
const Common = { instance: t.string, brokers: t.array(t.string), topics: FlowTopicsType, trace: t.boolean };

/**
 * How the GraphQL instances read the shared reply topic (docs/scaling.md): `leased`, each reads the
 * partitions it leases (`replyPartition: 'auto'`); `shared`, each reads every partition and drops
 * the other instances' replies as foreign.
 */
export const ReplyMode = t.keyof({ leased: null, shared: null });
export type ReplyMode = t.TypeOf<typeof ReplyMode>;

/** Starts one service; `role` says which. */
export const ServiceConfig = t.union([
  t.type({ role: t.literal('graphql'), ...Common, port: t.number, timeoutMs: t.number, replies: ReplyMode }),
  t.type({ role: t.literal('user-service'), ...Common, groupId: t.string, databasePath: t.string }),
  t.type({ role: t.literal('emailer'), ...Common, groupId: t.string, databasePath: t.string }),
]);
export type ServiceConfig = t.TypeOf<typeof ServiceConfig>;

/** A service's counters, reported when it stops (names differ per role). */
export const ServiceReport = t.record(t.string, t.number);
export type ServiceReport = t.TypeOf<typeof ServiceReport>;

/** Child to parent: ready (with the HTTP port of a GraphQL instance), finished spans, or stopped with its report. */
export const ChildMessage = t.union([
  t.type({ type: t.literal('ready'), port: t.union([t.number, t.null]) }),
  t.type({ type: t.literal('spans'), spans: t.array(DemoSpan) }),
  t.type({ type: t.literal('stopped'), report: ServiceReport }),
]);
export type ChildMessage = t.TypeOf<typeof ChildMessage>;

/** Parent to child: finish what is in flight and exit. */
export const ParentMessage = t.type({ type: t.literal('shutdown') });
export type ParentMessage = t.TypeOf<typeof ParentMessage>;
