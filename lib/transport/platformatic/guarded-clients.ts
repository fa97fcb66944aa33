import {
  Consumer,
  kGetConnection,
  NetworkError,
  Producer,
  type Broker,
  type Callback,
  type Connection,
} from '@platformatic/kafka';

/**
 * The error a guarded client reports when a node id it looked up is not in its cached cluster
 * metadata. Marked retriable, as a network error, so the client's own retry applies.
 */
function missingBroker(): NetworkError {
  return new NetworkError(
    'A broker named by the cluster (a group coordinator or partition leader) is not in the cached ' +
      'metadata: it has probably just left the cluster. The metadata is fetched again on the next try.',
  );
}

/**
 * @platformatic/kafka 1.35 looks a node id up in its cached metadata and connects to the result
 * without checking it: when the node has just left the cluster (a broker killed while it was the
 * group coordinator), the lookup is `undefined` and the client throws a `TypeError` inside a socket
 * callback, which ends the whole process (seen by the fault suite, FAULT_TRANSPORT=platformatic).
 * The guarded clients answer such a lookup with a retriable `NetworkError` and drop the stale
 * metadata, so the failure reaches the transport as an error it can type.
 */
function guarded(
  broker: Broker | undefined,
  client: { clearMetadata(): void },
  callback: Callback<Connection>,
): boolean {
  if (broker !== undefined) return false;
  client.clearMetadata();
  callback(missingBroker());
  return true;
}

/** A @platformatic/kafka `Consumer` that survives a lookup of a broker missing from its metadata. @internal */
export class GuardedConsumer<Key, Value, HeaderKey, HeaderValue> extends Consumer<Key, Value, HeaderKey, HeaderValue> {
  override [kGetConnection](broker: Broker, callback: Callback<Connection>): void {
    if (!guarded(broker as Broker | undefined, this, callback)) super[kGetConnection](broker, callback);
  }
}

/** A @platformatic/kafka `Producer` that survives a lookup of a broker missing from its metadata. @internal */
export class GuardedProducer<Key, Value, HeaderKey, HeaderValue> extends Producer<Key, Value, HeaderKey, HeaderValue> {
  override [kGetConnection](broker: Broker, callback: Callback<Connection>): void {
    if (!guarded(broker as Broker | undefined, this, callback)) super[kGetConnection](broker, callback);
  }
}
