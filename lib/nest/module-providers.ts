import type { Provider } from '@nestjs/common';
import { createRequester, type RequesterOptions } from '../requester/requester.js';
import type { Transport } from '../transport/transport.js';
import {
  PUBSCRIBE_MODULE_OPTIONS,
  PUBSCRIBE_REQUESTER,
  PUBSCRIBE_TRANSPORT,
  PUBSCRIBE_TRANSPORT_HANDLE,
} from './constants.js';
import type { PubScribeModuleAsyncOptions, PubScribeModuleOptions, PubScribeOptionsFactory } from './module-options.js';
import { PubScribeLifecycle } from './pubscribe-lifecycle.js';
import { resolveTransport, TransportHandle } from './transport-source.js';

/** The longest delay Node's timers accept: "keep the reply consumer for the application's life". */
const LIFETIME_MS = 2_147_483_647;

/** The transport, the requester and their lifecycle, built from the options token. @internal */
export const coreProviders: Provider[] = [
  {
    provide: PUBSCRIBE_TRANSPORT_HANDLE,
    useFactory: (options: PubScribeModuleOptions) => resolveTransport(options.transport),
    inject: [PUBSCRIBE_MODULE_OPTIONS],
  },
  {
    provide: PUBSCRIBE_TRANSPORT,
    useFactory: (handle: TransportHandle) => handle.transport,
    inject: [PUBSCRIBE_TRANSPORT_HANDLE],
  },
  {
    provide: PUBSCRIBE_REQUESTER,
    useFactory: (options: PubScribeModuleOptions, transport: Transport) =>
      createRequester({
        keepAliveMs: LIFETIME_MS,
        telemetry: options.telemetry,
        ...nestReplyOwnership(transport),
        ...options.requester,
        transport,
      }),
    inject: [PUBSCRIBE_MODULE_OPTIONS, PUBSCRIBE_TRANSPORT],
  },
  PubScribeLifecycle,
];

/**
 * The module's default reply ownership: leased (`replyPartition: 'auto'`), so instances of an
 * application share the reply topic's partitions out instead of each reading every reply; the
 * partition named as decimal text, the form Nest's own `ServerKafka` responders read (pubscribe's
 * read both). A transport without `lease()` (a custom one) keeps shared reading.
 */
function nestReplyOwnership(transport: Transport): Pick<RequesterOptions, 'replyPartition' | 'replyPartitionEncoding'> {
  return transport.lease ? { replyPartition: 'auto', replyPartitionEncoding: 'text' } : {};
}

const fromFactory = (factory: PubScribeOptionsFactory) => factory.createPubScribeOptions();

/**
 * The options provider of `forRootAsync`, and the factory class it needs (for `useClass`).
 *
 * @internal
 */
export function asyncOptionsProviders(options: PubScribeModuleAsyncOptions): Provider[] {
  const { useFactory, useClass, useExisting } = options;
  const ways = [useFactory, useClass, useExisting].filter((way) => way !== undefined);
  if (ways.length !== 1) {
    throw new TypeError('PubScribeModule.forRootAsync: give exactly one of `useFactory`, `useClass`, `useExisting`.');
  }
  if (useFactory) {
    return [{ provide: PUBSCRIBE_MODULE_OPTIONS, useFactory, inject: options.inject ?? [] }];
  }
  if (useClass) {
    return [
      { provide: useClass, useClass },
      { provide: PUBSCRIBE_MODULE_OPTIONS, useFactory: fromFactory, inject: [useClass] },
    ];
  }
  return useExisting ? [{ provide: PUBSCRIBE_MODULE_OPTIONS, useFactory: fromFactory, inject: [useExisting] }] : [];
}
