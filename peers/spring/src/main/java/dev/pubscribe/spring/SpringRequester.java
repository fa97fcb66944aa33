package dev.pubscribe.spring;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.IntFunction;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.listener.KafkaMessageListenerContainer;
import org.springframework.kafka.requestreply.ReplyingKafkaTemplate;
import org.springframework.kafka.support.TopicPartitionOffset;
import org.springframework.kafka.support.serializer.JsonDeserializer;
import org.springframework.kafka.support.serializer.JsonSerializer;

/**
 * A stock {@code ReplyingKafkaTemplate} sending {@code {"n":...}} requests with up to
 * {@code --in-flight} outstanding. Prints JSON lines on stdout: {@code ready}, then either one
 * {@code reply} or {@code failed} line per request and {@code done} ({@code --report=each}, for the
 * interop tests), or one {@code result} line ({@code --report=bench}, for bench/run.ts).
 *
 * <pre>
 * java -cp ... dev.pubscribe.spring.SpringRequester --bootstrap-servers=127.0.0.1:9092 \
 *   --request-topic=echo --reply-topic=echo-replies [--reply-partition=2] --count=1000 --in-flight=64 \
 *   [--first=0] [--key-prefix=k-] [--timeout-ms=30000] [--error-checker=true] [--fetch-max-wait-ms=100]
 *   [--report=each|bench] [--warmup=0] [--cap-ms=60000]
 * </pre>
 */
public final class SpringRequester {

    private SpringRequester() {
    }

    public static void main(String[] args) throws Exception {
        long started = System.nanoTime();
        PeerOptions options = new PeerOptions(args);
        ReplyingKafkaTemplate<String, Numbered, Answer> template = template(options);
        template.start();
        try {
            // With a fixed reply partition the container is assigned at once; with a topic, once its group has joined.
            if (!template.waitForAssignment(Duration.ofSeconds(60))) {
                throw new IllegalStateException("the reply container was not assigned its partitions within 60 s");
            }
            JsonLines.print("ready");
            if (options.text("report", "each").equals("bench")) {
                bench(template, options, started);
            }
            else {
                each(template, options);
            }
        }
        finally {
            template.stop();
        }
        System.exit(0);
    }

    static ReplyingKafkaTemplate<String, Numbered, Answer> template(PeerOptions options) {
        String bootstrap = options.text("bootstrap-servers");
        Map<String, Object> producer = new HashMap<>();
        producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, JsonSerializer.class);

        Map<String, Object> consumer = new HashMap<>();
        consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        consumer.put(ConsumerConfig.GROUP_ID_CONFIG, options.text("group", "spring-requester-" + UUID.randomUUID()));
        // Reply topics are new for every run, so nothing old is read, and a reply that arrives before
        // the consumer has found its position is not skipped (it would be with "latest").
        consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, JsonDeserializer.class);
        // pubscribe writes no __TypeId__ header: say which type replies are.
        consumer.put(JsonDeserializer.VALUE_DEFAULT_TYPE, Answer.class.getName());
        consumer.put(JsonDeserializer.USE_TYPE_INFO_HEADERS, false);
        if (options.has("fetch-max-wait-ms")) {
            consumer.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, options.number("fetch-max-wait-ms", 500));
        }

        String replyTopic = options.text("reply-topic");
        // One fixed reply partition: the template then names it in kafka_replyPartition on every request.
        ContainerProperties replies = options.has("reply-partition")
                ? new ContainerProperties(new TopicPartitionOffset(replyTopic, options.number("reply-partition", 0)))
                : new ContainerProperties(replyTopic);
        KafkaMessageListenerContainer<String, Answer> container =
                new KafkaMessageListenerContainer<>(new DefaultKafkaConsumerFactory<>(consumer), replies);
        ReplyingKafkaTemplate<String, Numbered, Answer> template =
                new ReplyingKafkaTemplate<>(new DefaultKafkaProducerFactory<>(producer), container);
        template.setDefaultReplyTimeout(Duration.ofMillis(options.number("timeout-ms", 30_000)));
        if (options.flag("error-checker", true)) {
            template.setReplyErrorChecker(new PubscribeReplyErrorChecker());
        }
        return template;
    }

    /** One line per request, with what came back, for the tests to check. */
    private static void each(ReplyingKafkaTemplate<String, Numbered, Answer> template, PeerOptions options)
            throws InterruptedException {
        String requestTopic = options.text("request-topic");
        String keyPrefix = options.text("key-prefix", "k-");
        int count = options.number("count", 1);
        long started = System.nanoTime();
        ClosedLoop.Outcome outcome = ClosedLoop.run(options.number("first", 0), count,
                options.number("in-flight", 1), options.number("cap-ms", 600_000), n -> {
                    String key = keyPrefix + n;
                    long sent = System.nanoTime();
                    return template.sendAndReceive(new ProducerRecord<>(requestTopic, key, new Numbered(n)))
                            .whenComplete((reply, failure) -> report(n, key, sent, reply, failure))
                            .thenApply(reply -> reply.value() == null ? n : reply.value().n());
                });
        JsonLines.print("done", "count", count, "answered", outcome.latenciesMs().length, "errors", outcome.errors(),
                "elapsedMs", (System.nanoTime() - started) / 1e6);
    }

    private static void report(int n, String key, long sent, ConsumerRecord<String, Answer> reply, Throwable failure) {
        double latencyMs = (System.nanoTime() - sent) / 1e6;
        if (failure == null) {
            Answer value = reply.value();
            JsonLines.print("reply", "n", n, "key", key, "replyKey", reply.key(), "replyPartition", reply.partition(),
                    "value", value, "latencyMs", latencyMs);
            return;
        }
        Throwable cause = failure instanceof CompletionException || failure instanceof ExecutionException
                ? failure.getCause() : failure;
        String remoteName = cause instanceof PubscribeReplyErrorChecker.RemoteReplyException remote
                ? remote.remoteName() : null;
        JsonLines.print("failed", "n", n, "key", key, "exception", cause.getClass().getName(),
                "message", cause.getMessage(), "remoteName", remoteName, "latencyMs", latencyMs);
    }

    /** A warm-up, then a measured closed loop, reported as one result line. */
    private static void bench(ReplyingKafkaTemplate<String, Numbered, Answer> template, PeerOptions options,
            long started) throws InterruptedException, ExecutionException {
        String requestTopic = options.text("request-topic");
        int inFlight = options.number("in-flight", 1);
        long capMs = options.number("cap-ms", 60_000);
        IntFunction<CompletableFuture<Integer>> call = n -> template
                .sendAndReceive(new ProducerRecord<>(requestTopic, String.valueOf(n), new Numbered(n)))
                .thenApply(reply -> reply.value().n());
        call.apply(-1).get(); // as the Node variants do: ready time includes the first round trip
        double readyMs = (System.nanoTime() - started) / 1e6;
        ClosedLoop.run(0, options.number("warmup", 0), inFlight, capMs, call);
        long cpuBefore = BenchReport.cpuNanos();
        ClosedLoop.Outcome outcome = ClosedLoop.run(0, options.number("count", 1), inFlight, capMs, call);
        BenchReport.print(outcome, readyMs, BenchReport.cpuNanos() - cpuBefore);
    }

}
