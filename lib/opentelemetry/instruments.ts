import type { Counter, Histogram, Meter, UpDownCounter } from '@opentelemetry/api';
import { METRIC_NAMES } from './names.js';

/** The metric instruments of one `openTelemetry()`. @internal */
export interface Instruments {
  readonly requestDuration: Histogram;
  readonly requestsInFlight: UpDownCounter;
  readonly requestTimeouts: Counter;
  readonly repliesDropped: Counter;
  readonly handlerDuration: Histogram;
  readonly consumerReadyTime: Histogram;
}

/** Creates the instruments on `meter`; names and units are listed in {@link METRIC_NAMES}. @internal */
export function createInstruments(meter: Meter): Instruments {
  return {
    requestDuration: meter.createHistogram(METRIC_NAMES.requestDuration, {
      description: 'Time from subscribing to a request until it ended (reply, error, timeout or cancel).',
      unit: 's',
    }),
    requestsInFlight: meter.createUpDownCounter(METRIC_NAMES.requestsInFlight, {
      description: 'Requests started and not yet ended.',
      unit: '{request}',
    }),
    requestTimeouts: meter.createCounter(METRIC_NAMES.requestTimeouts, {
      description: 'Requests that ended without their reply in time (RequestTimeoutError or NotReadyError).',
      unit: '{request}',
    }),
    repliesDropped: meter.createCounter(METRIC_NAMES.repliesDropped, {
      description: 'Replies nobody waited for: late, duplicate or foreign (pubscribe.reason).',
      unit: '{reply}',
    }),
    handlerDuration: meter.createHistogram(METRIC_NAMES.handlerDuration, {
      description: "Time from a responder handler's start until its replies were produced.",
      unit: 's',
    }),
    consumerReadyTime: meter.createHistogram(METRIC_NAMES.consumerReadyTime, {
      description: 'Time from subscribing a consumer until it was ready (positioned on every assigned partition).',
      unit: 's',
    }),
  };
}
