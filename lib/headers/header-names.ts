// Header names are Spring for Apache Kafka's (`KafkaHeaders`) and NestJS's, so pubscribe clients
// and responders interoperate with services written in either.

/**
 * The header carrying a request's correlation id, copied unchanged onto its reply. Same name as
 * Spring's `KafkaHeaders.CORRELATION_ID`.
 *
 * @example
 * import { CORRELATION_ID_HEADER } from 'pubscribe';
 *
 * const headers = { [CORRELATION_ID_HEADER]: 'c0ffee' };
 *
 * @since 0.1.0
 * @category headers
 */
export const CORRELATION_ID_HEADER = 'kafka_correlationId';

/**
 * The header naming the topic a responder should send its reply to. Same name as Spring's
 * `KafkaHeaders.REPLY_TOPIC`.
 *
 * @example
 * import { REPLY_TOPIC_HEADER } from 'pubscribe';
 *
 * const headers = { [REPLY_TOPIC_HEADER]: 'create-user-replies' };
 *
 * @since 0.1.0
 * @category headers
 */
export const REPLY_TOPIC_HEADER = 'kafka_replyTopic';

/**
 * The header naming the partition a responder should send its reply to, as a 4-byte big-endian
 * integer (Spring's `KafkaHeaders.REPLY_PARTITION`).
 *
 * @example
 * import { int32Header, REPLY_PARTITION_HEADER } from 'pubscribe';
 *
 * const headers = { [REPLY_PARTITION_HEADER]: int32Header(3) };
 *
 * @since 0.1.0
 * @category headers
 */
export const REPLY_PARTITION_HEADER = 'kafka_replyPartition';

/**
 * The header a NestJS responder sets on a reply that carries an error instead of a result.
 *
 * @example
 * import { headerString, NEST_ERROR_HEADER, normaliseHeaders } from 'pubscribe';
 * import * as O from 'fp-ts/Option';
 *
 * const headers = normaliseHeaders({ [NEST_ERROR_HEADER]: 'email already taken' });
 * O.isSome(headerString(headers, NEST_ERROR_HEADER)); // true
 *
 * @since 0.1.0
 * @category headers
 */
export const NEST_ERROR_HEADER = 'kafka_nest-err';

/**
 * The header a NestJS responder sets on the last reply of a stream of replies.
 *
 * @example
 * import { headerString, NEST_DISPOSED_HEADER, normaliseHeaders } from 'pubscribe';
 * import * as O from 'fp-ts/Option';
 *
 * const headers = normaliseHeaders({ [NEST_DISPOSED_HEADER]: '1' });
 * const isLast = O.isSome(headerString(headers, NEST_DISPOSED_HEADER));
 *
 * @since 0.1.0
 * @category headers
 */
export const NEST_DISPOSED_HEADER = 'kafka_nest-is-disposed';

/**
 * The header carrying when the requester stops waiting, as epoch milliseconds in a decimal
 * string, so a responder can skip requests nobody waits for any more.
 *
 * @example
 * import { DEADLINE_HEADER } from 'pubscribe';
 *
 * const headers = { [DEADLINE_HEADER]: String(1767225600000) };
 *
 * @since 0.1.0
 * @category headers
 */
export const DEADLINE_HEADER = 'pubscribe_deadline';

/**
 * The W3C Trace Context header, passed from request to reply so traces span both services.
 *
 * @example
 * import { TRACEPARENT_HEADER } from 'pubscribe';
 *
 * const headers = { [TRACEPARENT_HEADER]: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
 *
 * @since 0.1.0
 * @category headers
 */
export const TRACEPARENT_HEADER = 'traceparent';
