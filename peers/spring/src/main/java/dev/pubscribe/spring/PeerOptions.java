package dev.pubscribe.spring;

import java.util.HashMap;
import java.util.Map;

/** The peers' command line: {@code --name=value} pairs, read with defaults and a clear error when one is missing. */
final class PeerOptions {

    private final Map<String, String> values = new HashMap<>();

    PeerOptions(String[] args) {
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (!arg.startsWith("--") || equals < 0) {
                throw new IllegalArgumentException("expected --name=value, got " + arg);
            }
            this.values.put(arg.substring(2, equals), arg.substring(equals + 1));
        }
    }

    String text(String name) {
        String value = this.values.get(name);
        if (value == null) {
            throw new IllegalArgumentException("missing --" + name + "=...");
        }
        return value;
    }

    String text(String name, String fallback) {
        return this.values.getOrDefault(name, fallback);
    }

    int number(String name, int fallback) {
        String value = this.values.get(name);
        return value == null ? fallback : Integer.parseInt(value);
    }

    boolean has(String name) {
        return this.values.containsKey(name);
    }

    boolean flag(String name, boolean fallback) {
        String value = this.values.get(name);
        return value == null ? fallback : Boolean.parseBoolean(value);
    }

}
