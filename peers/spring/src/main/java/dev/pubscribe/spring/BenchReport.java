package dev.pubscribe.spring;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prints a benchmark run as one {@code result} line for bench/run.ts, which computes the quantiles
 * and the table row with the same code as for the Node variants.
 */
final class BenchReport {

    private BenchReport() {
    }

    /** CPU time this JVM has used, in nanoseconds (all threads). */
    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static void print(ClosedLoop.Outcome outcome, double readyMs, long cpuNanos) {
        Runtime runtime = Runtime.getRuntime();
        JsonLines.print("result",
                "latenciesMs", outcome.latenciesMs(),
                "errors", outcome.errors(),
                "wrongReplies", outcome.wrongReplies(),
                "durationMs", outcome.durationMs(),
                "cappedByDuration", outcome.cappedByDuration(),
                "readyMs", readyMs,
                "cpuMs", cpuNanos / 1e6,
                "rssMiB", peakResidentKiB() / 1024.0,
                "heapUsedMiB", (runtime.totalMemory() - runtime.freeMemory()) / (double) (1 << 20));
    }

    /** Peak resident memory (VmHWM), as Node's resourceUsage().maxRSS reports it; 0 without /proc. */
    private static long peakResidentKiB() {
        try {
            Matcher match = Pattern.compile("VmHWM:\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc/self/status")));
            return match.find() ? Long.parseLong(match.group(1)) : 0;
        }
        catch (IOException | RuntimeException e) {
            return 0;
        }
    }

}
