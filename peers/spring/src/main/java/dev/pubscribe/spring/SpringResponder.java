package dev.pubscribe.spring;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.env.SimpleCommandLinePropertySource;
import org.springframework.kafka.annotation.EnableKafka;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.config.KafkaListenerEndpointRegistry;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.MessageListenerContainer;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.serializer.JsonDeserializer;
import org.springframework.kafka.support.serializer.JsonSerializer;
import org.springframework.messaging.handler.annotation.Header;
import org.springframework.messaging.handler.annotation.SendTo;

/**
 * A stock {@code @KafkaListener} + {@code @SendTo} responder answering {@code {"n":...}} with
 * {@code {"n":...,"by":"spring"}}; it throws for a negative {@code n}. Two listeners: one on
 * {@code --topic} with the {@link PubscribeErrorReplies} recipe, one on {@code --plain-topic} with
 * Spring's defaults. Prints {@code ready} once both have their partitions, and a {@code threw} line
 * each time a listener throws.
 *
 * <pre>
 * java -cp ... dev.pubscribe.spring.SpringResponder --bootstrap-servers=127.0.0.1:9092 \
 *   --topic=echo --plain-topic=echo-plain --group=spring-responder
 * </pre>
 */
public final class SpringResponder {

    private SpringResponder() {
    }

    public static void main(String[] args) throws InterruptedException {
        AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext();
        // --name=value arguments become properties, read by the beans and by the ${...} in @KafkaListener.
        context.getEnvironment().getPropertySources().addFirst(new SimpleCommandLinePropertySource(args));
        context.register(ResponderConfiguration.class);
        context.refresh();
        Runtime.getRuntime().addShutdownHook(new Thread(context::close));
        awaitAssignments(context.getBean(KafkaListenerEndpointRegistry.class), Duration.ofSeconds(60));
        JsonLines.print("ready");
    }

    private static void awaitAssignments(KafkaListenerEndpointRegistry registry, Duration limit)
            throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!registry.getListenerContainers().stream().allMatch(SpringResponder::assigned)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the listeners were not assigned their partitions within " + limit);
            }
            Thread.sleep(20);
        }
    }

    private static boolean assigned(MessageListenerContainer container) {
        return container.getAssignedPartitions() != null && !container.getAssignedPartitions().isEmpty();
    }

    /** The listeners. */
    public static class EchoListener {

        @KafkaListener(id = "with-error-replies", topics = "${topic}", groupId = "${group}",
                errorHandler = "pubscribeErrorReplies")
        @SendTo // no topic: reply where the request's kafka_replyTopic header says
        public Answer echo(Numbered request, @Header(KafkaHeaders.RECEIVED_KEY) String key) {
            return answer("with-error-replies", request, key);
        }

        @KafkaListener(id = "spring-defaults", topics = "${plain-topic}", groupId = "${group}-defaults")
        @SendTo
        public Answer echoWithSpringDefaults(Numbered request, @Header(KafkaHeaders.RECEIVED_KEY) String key) {
            return answer("spring-defaults", request, key);
        }

        private static Answer answer(String listener, Numbered request, String key) {
            if (request.n() < 0) {
                JsonLines.print("threw", "listener", listener, "n", request.n(), "key", key);
                throw new IllegalArgumentException("n must not be negative, got " + request.n());
            }
            return new Answer(request.n(), "spring");
        }

    }

    @Configuration
    @EnableKafka
    static class ResponderConfiguration {

        @Bean
        ConsumerFactory<String, Numbered> consumerFactory(Environment environment) {
            Map<String, Object> consumer = new HashMap<>();
            consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, environment.getRequiredProperty("bootstrap-servers"));
            // The tests produce some requests before the group has joined: read the new topics from the start.
            consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
            consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, JsonDeserializer.class);
            // pubscribe writes no __TypeId__ header: say which type requests are.
            consumer.put(JsonDeserializer.VALUE_DEFAULT_TYPE, Numbered.class.getName());
            consumer.put(JsonDeserializer.USE_TYPE_INFO_HEADERS, false);
            return new DefaultKafkaConsumerFactory<>(consumer);
        }

        @Bean
        KafkaTemplate<String, Object> replyTemplate(Environment environment) {
            Map<String, Object> producer = new HashMap<>();
            producer.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, environment.getRequiredProperty("bootstrap-servers"));
            producer.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
            producer.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, JsonSerializer.class);
            return new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(producer));
        }

        @Bean
        ConcurrentKafkaListenerContainerFactory<String, Numbered> kafkaListenerContainerFactory(
                ConsumerFactory<String, Numbered> consumerFactory, KafkaTemplate<String, Object> replyTemplate) {
            ConcurrentKafkaListenerContainerFactory<String, Numbered> factory =
                    new ConcurrentKafkaListenerContainerFactory<>();
            factory.setConsumerFactory(consumerFactory);
            factory.setReplyTemplate(replyTemplate);
            return factory;
        }

        @Bean
        PubscribeErrorReplies pubscribeErrorReplies() {
            return new PubscribeErrorReplies();
        }

        @Bean
        EchoListener echoListener() {
            return new EchoListener();
        }

    }

}
