package dnd.cli.bench;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time used by this JVM (coordinator and client) and by the node JVMs. On a loaded machine
 * wall times swing with the load; CPU time per step hardly does, so it shows what a change saved.
 * This JVM's JIT compilation time shows whether timed jobs ran while the coordinator was still
 * compiling (on two cores the compiler threads take the CPU from the nodes and the job actor).
 */
final class CpuMeter {

    /** CPU nanoseconds consumed so far. */
    record Reading(long coordinatorNanos, long nodesNanos, long coordinatorJitNanos) {
        Reading minus(Reading o) {
            return new Reading(coordinatorNanos - o.coordinatorNanos, nodesNanos - o.nodesNanos, coordinatorJitNanos - o.coordinatorJitNanos);
        }

        Reading plus(Reading o) {
            return new Reading(coordinatorNanos + o.coordinatorNanos, nodesNanos + o.nodesNanos, coordinatorJitNanos + o.coordinatorJitNanos);
        }
    }

    static final Reading ZERO = new Reading(0, 0, 0);

    /** Linux reports process times in clock ticks; 100 per second everywhere this runs. */
    private static final long NANOS_PER_TICK = 10_000_000L;

    private final List<Long> nodePids;

    CpuMeter(List<Long> nodePids) { this.nodePids = List.copyOf(nodePids); }

    Reading read() {
        long coordinator = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : 0;
        long nodes = 0;
        for (long pid : nodePids) nodes += ticks(pid) * NANOS_PER_TICK;
        // the compilers' elapsed time, summed over compilations: monotonic, unlike per-thread CPU
        // (compiler threads come and go)
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        long coordinatorJit = jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() * 1_000_000L : 0;
        return new Reading(coordinator, nodes, coordinatorJit);
    }

    /** utime + stime of a process from /proc (0 where there is no /proc). */
    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
