package dev.pubscribe.spring;

/** A request on the wire: {@code {"n":17}}. */
public record Numbered(int n) {
}
