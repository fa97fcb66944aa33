package dev.pubscribe.spring;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.IntFunction;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The floor of the benchmark: Kafka's own Java client, one hop. A record is produced and the same
 * process consumes it; the time between the two, in nanoseconds, is one produce-to-consume hop. A
 * request/reply round trip is at least two hops. Keeps {@code --in-flight} records outstanding, like
 * the requester variants, with the consumer's {@code fetch.max.wait.ms} they use (100 ms).
 * Prints {@code ready}, then one {@code result} line for bench/run.ts.
 *
 * <pre>
 * java -cp ... dev.pubscribe.spring.OneHopProbe --bootstrap-servers=127.0.0.1:9092 --topic=hops \
 *   --count=1000 --in-flight=64 [--warmup=64] [--cap-ms=60000] [--fetch-max-wait-ms=100]
 * </pre>
 */
public final class OneHopProbe {

    private OneHopProbe() {
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        PeerOptions options = new PeerOptions(args);
        String bootstrap = options.text("bootstrap-servers");
        String topic = options.text("topic");
        // A hop completes when the consumer sees the record whose value is n.
        Map<Integer, CompletableFuture<Integer>> waiting = new ConcurrentHashMap<>();
        CountDownLatch assigned = new CountDownLatch(1);
        Thread consumerThread = new Thread(() -> consume(bootstrap, topic,
                options.number("fetch-max-wait-ms", 100), waiting, assigned), "one-hop-consumer");
        consumerThread.setDaemon(true);
        consumerThread.start();
        assigned.await();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
            IntFunction<CompletableFuture<Integer>> hop = n -> {
                CompletableFuture<Integer> seen = new CompletableFuture<>();
                waiting.put(n, seen);
                producer.send(new ProducerRecord<>(topic, String.valueOf(n), String.valueOf(n)), (metadata, error) -> {
                    if (error != null && waiting.remove(n) != null) {
                        seen.completeExceptionally(error);
                    }
                });
                return seen;
            };
            JsonLines.print("ready");
            hop.apply(-1).get();
            double readyMs = (System.nanoTime() - started) / 1e6;
            int inFlight = options.number("in-flight", 1);
            long capMs = options.number("cap-ms", 60_000);
            ClosedLoop.run(1_000_000_000, options.number("warmup", 0), inFlight, capMs, hop);
            long cpuBefore = BenchReport.cpuNanos();
            ClosedLoop.Outcome outcome = ClosedLoop.run(0, options.number("count", 1), inFlight, capMs, hop);
            BenchReport.print(outcome, readyMs, BenchReport.cpuNanos() - cpuBefore);
        }
        System.exit(0);
    }

    private static void consume(String bootstrap, String topic, int fetchMaxWaitMs,
            Map<Integer, CompletableFuture<Integer>> waiting, CountDownLatch assigned) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, fetchMaxWaitMs,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false))) {
            // Every partition, no group: nothing to join, and the position is fixed before the first send.
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position); // resolves "end" to an offset now, not at the first poll
            assigned.countDown();
            while (true) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
                    CompletableFuture<Integer> seen = waiting.remove(Integer.parseInt(record.value()));
                    if (seen != null) {
                        seen.complete(Integer.parseInt(record.value()));
                    }
                }
            }
        }
    }

}
