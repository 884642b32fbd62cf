package dev.courier.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time per thread, grouped by thread name with digits taken out, between two snapshots: where a side's CPU per
 * message goes (posting thread, connection thread, consumer dispatch, pumps). Take the second snapshot before the
 * threads of interest end (a thread that ended has no CPU time to read). Printed with {@code -DthreadCpu=true}.
 */
final class ThreadCpu {
    static final boolean ENABLED = Boolean.getBoolean("threadCpu");
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Map<Long, Long> cpu = new HashMap<>();
    private final Map<Long, Long> user = new HashMap<>();
    private final Map<Long, String> names = new HashMap<>();

    private ThreadCpu() {}

    static ThreadCpu snapshot() {
        ThreadCpu snapshot = new ThreadCpu();
        if (!ENABLED) {
            return snapshot;
        }
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info != null) {
                long time = THREADS.getThreadCpuTime(info.getThreadId());
                if (time >= 0) {
                    snapshot.cpu.put(info.getThreadId(), time);
                    snapshot.user.put(info.getThreadId(), THREADS.getThreadUserTime(info.getThreadId()));
                    snapshot.names.put(info.getThreadId(), info.getThreadName().replaceAll("[0-9a-f]{8}|\\d+", "N"));
                }
            }
        }
        return snapshot;
    }

    /**
     * Prints microseconds of CPU per message by thread group, from {@code before} to now, with the part spent in
     * the kernel (system time: system calls, wake-ups) after a slash.
     */
    void print(String label, ThreadCpu before, int messages) {
        if (!ENABLED) {
            return;
        }
        Map<String, Long> groups = new TreeMap<>();
        Map<String, Long> system = new TreeMap<>();
        cpu.forEach((id, time) -> {
            groups.merge(names.get(id), time - before.cpu.getOrDefault(id, 0L), Long::sum);
            system.merge(names.get(id), time - before.cpu.getOrDefault(id, 0L)
                    - (user.get(id) - before.user.getOrDefault(id, 0L)), Long::sum);
        });
        StringBuilder line = new StringBuilder(label).append(" CPU us/msg by thread (total/kernel):");
        groups.forEach((name, time) -> {
            if (time > 0) {
                line.append(String.format(Locale.ROOT, " [%s] %.1f/%.1f", name, time / 1e3 / messages,
                        system.get(name) / 1e3 / messages));
            }
        });
        System.out.println(line);
    }
}
