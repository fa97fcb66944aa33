import { expect } from 'chai';
import {
  MultipleErrors,
  NetworkError,
  protocolErrors,
  ResponseError,
  TimeoutError,
  UserError,
} from '@platformatic/kafka';
import { ProduceError } from '../../lib/errors';
import { platformaticSendFailure } from '../../lib/transport/platformatic/platformatic-errors';

/** A produce response with one error per partition, as the client raises it. */
const produceResponse = (...ids: (keyof typeof protocolErrors)[]) =>
  new ResponseError(
    0,
    11,
    Object.fromEntries(
      ids.map((id, index) => [`/responses/0/partition_responses/${index}`, [protocolErrors[id].code, null]]),
    ),
    {},
  );

describe('platformaticSendFailure: what a failed @platformatic/kafka send means for its records', () => {
  const cases: readonly (readonly [string, unknown, string])[] = [
    ['a record batch too large', produceResponse('MESSAGE_TOO_LARGE'), 'too-large'],
    ['a request too large', produceResponse('RECORD_LIST_TOO_LARGE'), 'too-large'],
    [
      'one partition too large, another led elsewhere',
      produceResponse('NOT_LEADER_OR_FOLLOWER', 'MESSAGE_TOO_LARGE'),
      'too-large',
    ],
    ['a record refused (no key on a compacted topic)', produceResponse('INVALID_RECORD'), 'record'],
    [
      'a record the client could not serialize',
      new UserError('Failed to serialize a message.', { cause: new TypeError('x') }),
      'record',
    ],
    ['a moved leader', produceResponse('NOT_LEADER_OR_FOLLOWER'), 'retriable'],
    ['a broker timeout', produceResponse('REQUEST_TIMED_OUT'), 'retriable'],
    ['the client timing out', new TimeoutError('Request timed out'), 'retriable'],
    [
      'a lost connection',
      new NetworkError('Connection closed', { cause: Object.assign(new Error('x'), { code: 'ECONNRESET' }) }),
      'retriable',
    ],
    [
      'every try of the client failing for a moved leader',
      new MultipleErrors('produce failed 2 times.', [
        produceResponse('NOT_LEADER_OR_FOLLOWER'),
        produceResponse('NOT_LEADER_OR_FOLLOWER'),
      ]),
      'retriable',
    ],
    [
      'a moved leader and a refusal that will not pass',
      produceResponse('NOT_LEADER_OR_FOLLOWER', 'INVALID_REQUIRED_ACKS'),
      'fatal',
    ],
    ['the client closed', new NetworkError('Client is closed.', { closed: true }), 'fatal'],
    ['a missing topic', new UserError('Unknown topic t.'), 'unknown-topic'],
    ['a missing partition', produceResponse('UNKNOWN_TOPIC_OR_PARTITION'), 'unknown-topic'],
    ['no right to write', produceResponse('TOPIC_AUTHORIZATION_FAILED'), 'refused'],
    ['a retriable pubscribe error', new ProduceError({ topic: 't', retriable: true }), 'retriable'],
    ['something else', new Error('boom'), 'fatal'],
  ];
  for (const [what, error, failure] of cases) {
    it(`${what}: ${failure}`, () => {
      expect(platformaticSendFailure(error)).to.equal(failure);
    });
  }
});
