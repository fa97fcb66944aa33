package dev.pubscribe.spring;

import java.nio.charset.StandardCharsets;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.springframework.kafka.listener.KafkaListenerErrorHandler;
import org.springframework.kafka.listener.ListenerExecutionFailedException;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.kafka.support.KafkaNull;
import org.springframework.messaging.Message;
import org.springframework.messaging.support.MessageBuilder;

/**
 * A {@code KafkaListenerErrorHandler} that answers a failed {@code @KafkaListener} + {@code @SendTo}
 * method with an error reply in pubscribe's wire format, which a pubscribe requester raises as a
 * typed {@code RemoteError} carrying the exception's class name and message.
 *
 * <p>Without an error handler Spring sends no reply at all when the listener throws (its
 * {@code DefaultErrorHandler} retries the record, then logs and skips it), so the caller waits for
 * its whole timeout.
 *
 * <pre>{@code
 * @Bean
 * PubscribeErrorReplies pubscribeErrorReplies() {
 *     return new PubscribeErrorReplies();
 * }
 *
 * @KafkaListener(topics = "create-user", errorHandler = "pubscribeErrorReplies")
 * @SendTo
 * UserCreated createUser(CreateUser request) { ... }
 * }</pre>
 */
public final class PubscribeErrorReplies implements KafkaListenerErrorHandler {

    /** The header pubscribe reads an error reply from, as NestJS names it. */
    public static final String ERROR_HEADER = "kafka_nest-err";

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public Object handleError(Message<?> request, ListenerExecutionFailedException exception) {
        // The listener's own exception, not Spring's wrapper around it.
        Throwable failure = exception.getCause() != null ? exception.getCause() : exception;
        ObjectNode error = JSON.createObjectNode()
                .put("name", failure.getClass().getSimpleName())
                .put("message", String.valueOf(failure.getMessage()));
        // KafkaNull: the reply's value is null, as in pubscribe's own error replies. The header is
        // given as bytes so Spring's header mapper writes it as it is. Spring adds the reply topic,
        // the reply partition and the correlation id itself.
        MessageBuilder<Object> reply = MessageBuilder.<Object>withPayload(KafkaNull.INSTANCE)
                .setHeader(ERROR_HEADER, error.toString().getBytes(StandardCharsets.UTF_8));
        // Spring keeps the request's key on ordinary replies only; keep it here too.
        Object key = request.getHeaders().get(KafkaHeaders.RECEIVED_KEY);
        if (key != null) {
            reply.setHeader(KafkaHeaders.KEY, key);
        }
        return reply.build();
    }

}
