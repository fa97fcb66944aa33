import type { TextMapGetter, TextMapSetter } from '@opentelemetry/api';
import type { RecordHeaders } from '../headers/index.js';

/** Writes propagation fields (`traceparent`, `tracestate`, ...) into outgoing headers. @internal */
export const outgoingSetter: TextMapSetter<Record<string, string | Buffer>> = {
  set(carrier, key, value) {
    carrier[key] = value;
  },
};

/** Reads propagation fields from a consumed record's headers, as UTF-8 text. @internal */
export const recordGetter: TextMapGetter<RecordHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => (Object.hasOwn(carrier, key) ? carrier[key].toString('utf8') : undefined),
};
