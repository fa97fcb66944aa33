import type { Consumer } from '@platformatic/kafka';

/**
 * Watches the partition counts of a consumer's topics and makes the member rejoin its group when
 * one grows. Kafka leaves this to the clients (the group leader must notice and rejoin, so the
 * added partitions are assigned); @platformatic/kafka 1.35 does not, so without this watch a
 * partition added to a topic would never be read. kafkajs does the same on its metadata refresh.
 *
 * `rejoin` joins again with the options of the first join (by default none: a consuming member's
 * client keeps its own). The topics' metadata is fetched at once (the reference) and then afresh every `everyMs`. A
 * failed check is retried at the next tick: a lookup that fails for long shows up elsewhere
 * (fetches fail too), so it is not an error of its own.
 *
 * @returns a function that stops the watch.
 * @internal
 */
export function watchPartitionCounts(
  consumer: Pick<Consumer<Buffer, Buffer, Buffer, Buffer>, 'metadata' | 'joinGroup' | 'isActive'>,
  topics: readonly string[],
  everyMs: number,
  onRejoinError: (error: unknown) => void,
  rejoin: () => Promise<unknown> = () => consumer.joinGroup({}),
): () => void {
  const counts = new Map<string, number>();
  let checking = false;
  let stopped = false;
  const check = async (): Promise<void> => {
    const metadata = await consumer.metadata({ topics: [...topics], forceUpdate: true });
    let grew = false;
    for (const topic of topics) {
      const count = metadata.topics.get(topic)?.partitionsCount;
      if (count === undefined) continue;
      const known = counts.get(topic);
      if (known !== undefined && count > known) grew = true;
      counts.set(topic, count);
    }
    if (grew && !stopped && consumer.isActive()) {
      await rejoin().catch((error: unknown) => {
        if (!stopped) onRejoinError(error);
      });
    }
  };
  const tick = (): void => {
    if (checking || stopped) return;
    checking = true;
    check()
      .catch(() => undefined)
      .finally(() => {
        checking = false;
      });
  };
  tick();
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
