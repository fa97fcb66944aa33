package dev.pubscribe.spring;

import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/** Machine-readable output: one JSON object per line on stdout (logs go to stderr). */
final class JsonLines {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonLines() {
    }

    /** Prints {@code {"event": event, name: value, ...}} from name, value pairs (values may be null). */
    static void print(String event, Object... pairs) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("event", event);
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            fields.put((String) pairs[i], pairs[i + 1]);
        }
        try {
            // println is synchronized: lines from the reply thread and the timeout thread never interleave.
            System.out.println(JSON.writeValueAsString(fields));
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

}
