package dev.pubscribe.spring;

import java.nio.charset.StandardCharsets;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * A {@code replyErrorChecker} for {@code ReplyingKafkaTemplate}: turns the error reply of a pubscribe
 * (or NestJS) responder into an exception, so the request's future fails instead of completing.
 *
 * <p>pubscribe answers a failed handler with a record whose value is null and whose
 * {@code kafka_nest-err} header holds {@code {"name":"...","message":"..."}} as JSON (NestJS may
 * write plain text there). A stock template sees only the null value and completes the future with
 * it, as if it were an answer.
 *
 * <pre>{@code
 * template.setReplyErrorChecker(new PubscribeReplyErrorChecker());
 * // template.sendAndReceive(record).get() now throws an ExecutionException
 * // whose cause is a PubscribeReplyErrorChecker.RemoteReplyException.
 * }</pre>
 */
public final class PubscribeReplyErrorChecker implements Function<ConsumerRecord<?, ?>, Exception> {

    /** The header pubscribe and NestJS write on an error reply. */
    public static final String ERROR_HEADER = "kafka_nest-err";

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Exception apply(ConsumerRecord<?, ?> reply) {
        Header header = reply.headers().lastHeader(ERROR_HEADER);
        if (header == null) {
            return null; // an ordinary reply
        }
        String text = new String(header.value(), StandardCharsets.UTF_8);
        try {
            JsonNode error = JSON.readTree(text);
            if (error != null && error.path("message").isTextual()) {
                String name = error.path("name").isTextual() ? error.get("name").asText() : null;
                return new RemoteReplyException(name, error.get("message").asText());
            }
        }
        catch (JsonProcessingException notJson) {
            // Plain text (NestJS throwing a string): the text is the message.
        }
        return new RemoteReplyException(null, text);
    }

    /** The remote handler's failure: its error's name (when given) and message. */
    public static final class RemoteReplyException extends RuntimeException {

        private final String remoteName;

        public RemoteReplyException(String remoteName, String remoteMessage) {
            super(remoteName == null ? remoteMessage : remoteName + ": " + remoteMessage);
            this.remoteName = remoteName;
        }

        /** The error's name on the remote side ({@code Error.name} in JavaScript), or null. */
        public String remoteName() {
            return this.remoteName;
        }

    }

}
