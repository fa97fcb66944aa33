package dev.pubscribe.spring;

/** A reply on the wire: {@code {"n":17,"by":"spring"}}; {@code by} names the responder (null when absent). */
public record Answer(int n, String by) {
}
