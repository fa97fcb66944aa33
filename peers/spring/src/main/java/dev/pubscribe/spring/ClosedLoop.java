package dev.pubscribe.spring;

import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * Keeps {@code inFlight} calls outstanding until {@code count} have completed or {@code capMs} has
 * passed (then it starts no new ones and waits for those in flight), as bench/closed-loop.ts does
 * for the Node variants. A call completes with the {@code n} its reply carries.
 */
final class ClosedLoop {

    /** What one run measured: latencies of the answered calls in milliseconds, sorted. */
    record Outcome(double[] latenciesMs, int errors, int wrongReplies, double durationMs, boolean cappedByDuration) {
    }

    private ClosedLoop() {
    }

    static Outcome run(int first, int count, int inFlight, long capMs, IntFunction<CompletableFuture<Integer>> call)
            throws InterruptedException {
        Semaphore permits = new Semaphore(inFlight);
        double[] latencies = new double[count];
        AtomicInteger answered = new AtomicInteger();
        AtomicInteger errors = new AtomicInteger();
        AtomicInteger wrong = new AtomicInteger();
        long started = System.nanoTime();
        boolean capped = false;
        for (int i = 0; i < count; i++) {
            permits.acquire();
            if (System.nanoTime() - started > capMs * 1_000_000L) {
                permits.release();
                capped = true;
                break;
            }
            int n = first + i;
            long sent = System.nanoTime();
            CompletableFuture<Integer> reply;
            try {
                reply = call.apply(n);
            }
            catch (RuntimeException e) {
                reply = CompletableFuture.failedFuture(e);
            }
            reply.whenComplete((echoed, failure) -> {
                if (failure != null) {
                    errors.incrementAndGet();
                }
                else {
                    latencies[answered.getAndIncrement()] = (System.nanoTime() - sent) / 1e6;
                    if (echoed != n) {
                        wrong.incrementAndGet();
                    }
                }
                permits.release();
            });
        }
        permits.acquire(inFlight); // every call started has ended
        double durationMs = (System.nanoTime() - started) / 1e6;
        double[] sorted = Arrays.copyOf(latencies, answered.get());
        Arrays.sort(sorted);
        return new Outcome(sorted, errors.get(), wrong.get(), durationMs, capped);
    }

}
