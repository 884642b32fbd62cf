package dev.courier.benchmarks;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time per thread, grouped by thread name with digits taken out, between two snapshots: where a side's CPU per
 * message goes (posting thread, connection thread, consumer dispatch, pumps). On Linux also the context switches per
 * thread, grouped by the kernel's (15-character) thread name, from {@code /proc/self/task}: how often each thread
 * group blocked (voluntary) or was preempted (involuntary). Take the second snapshot before the threads of interest
 * end (a thread that ended has nothing to read). Printed with {@code -DthreadCpu=true}.
 */
final class ThreadCpu {
    static final boolean ENABLED = Boolean.getBoolean("threadCpu");
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Map<Long, Long> cpu = new HashMap<>();
    private final Map<Long, Long> user = new HashMap<>();
    private final Map<Long, Long> allocated = new HashMap<>();
    private final Map<Long, String> names = new HashMap<>();
    /** By kernel thread id. */
    private final Map<String, Switches> switches = new HashMap<>();

    /**
     * A kernel thread's name with trailing digits taken out, its context switches so far, and its CPU time in clock
     * ticks (user plus system, from {@code stat}): the JVM's own threads (JIT compilers, GC) are not Java threads,
     * so only this counts them.
     */
    private record Switches(String name, long voluntary, long involuntary, long ticks) {}

    /** Clock ticks per second of {@code /proc/<pid>/task/<tid>/stat} on Linux. */
    static final double TICKS_PER_SECOND = 100;

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
                    if (THREADS instanceof com.sun.management.ThreadMXBean hotspot) {
                        snapshot.allocated.put(info.getThreadId(),
                                hotspot.getThreadAllocatedBytes(info.getThreadId()));
                    }
                    snapshot.names.put(info.getThreadId(), info.getThreadName().replaceAll("[0-9a-f]{8}|\\d+", "N"));
                }
            }
        }
        File[] tasks = new File("/proc/self/task").listFiles();
        for (File task : tasks == null ? new File[0] : tasks) {
            try {
                long voluntary = 0;
                long involuntary = 0;
                for (String line : Files.readAllLines(new File(task, "status").toPath())) {
                    if (line.startsWith("voluntary_ctxt_switches:")) {
                        voluntary = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                    } else if (line.startsWith("nonvoluntary_ctxt_switches:")) {
                        involuntary = Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                    }
                }
                String name = Files.readString(new File(task, "comm").toPath()).trim().replaceAll("\\d+$", "");
                long ticks = busyTicks(Files.readString(new File(task, "stat").toPath()));
                snapshot.switches.put(task.getName(), new Switches(name, voluntary, involuntary, ticks));
            } catch (IOException | RuntimeException e) {
                // the thread ended meanwhile
            }
        }
        return snapshot;
    }

    /**
     * User plus system clock ticks (utime and stime, fields 14 and 15) of a {@code /proc/<pid>[/task/<tid>]/stat}
     * line; the fields are counted after the command's closing parenthesis, as a command may hold spaces.
     */
    static long busyTicks(String stat) {
        String[] fields = statFields(stat);
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /** The fields of a {@code stat} line from the state (field 3) on: utime (14) at index 11, stime (15) at 12. */
    static String[] statFields(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    /** CPU clock ticks of this JVM's JIT compiler threads so far, or -1 where /proc/self/task cannot be read. */
    static long compilerTicks() {
        File[] tasks = new File("/proc/self/task").listFiles();
        if (tasks == null) {
            return -1;
        }
        long ticks = 0;
        for (File task : tasks) {
            try {
                String name = Files.readString(new File(task, "comm").toPath());
                if (name.startsWith("C1 CompilerThre") || name.startsWith("C2 CompilerThre")) {
                    ticks += busyTicks(Files.readString(new File(task, "stat").toPath()));
                }
            } catch (IOException | RuntimeException e) {
                // the thread ended meanwhile
            }
        }
        return ticks;
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
        Map<String, Long> bytes = new TreeMap<>();
        allocated.forEach((id, now) -> bytes.merge(names.get(id), now - before.allocated.getOrDefault(id, 0L),
                Long::sum));
        StringBuilder heap = new StringBuilder(label).append(" bytes allocated per msg by thread:");
        bytes.forEach((name, total) -> {
            if (total >= messages) {
                heap.append(String.format(Locale.ROOT, " [%s] %d", name, total / messages));
            }
        });
        System.out.println(heap);
        Map<String, long[]> perName = new TreeMap<>();
        switches.forEach((tid, now) -> {
            Switches then = before.switches.getOrDefault(tid, new Switches(now.name(), 0, 0, 0));
            long[] sum = perName.computeIfAbsent(now.name(), name -> new long[3]);
            sum[0] += now.voluntary() - then.voluntary();
            sum[1] += now.involuntary() - then.involuntary();
            sum[2] += now.ticks() - then.ticks();
        });
        StringBuilder counts = new StringBuilder(label)
                .append(" context switches per msg by thread (voluntary/involuntary):");
        perName.forEach((name, sum) -> {
            if (sum[0] + sum[1] >= messages / 100) {
                counts.append(String.format(Locale.ROOT, " [%s] %.2f/%.2f", name, (double) sum[0] / messages,
                        (double) sum[1] / messages));
            }
        });
        System.out.println(counts);
        StringBuilder jvm = new StringBuilder(label).append(" JVM threads' CPU us/msg (JIT, GC; 10 ms ticks):");
        perName.forEach((name, sum) -> {
            if (sum[2] > 0 && name.matches("(C1|C2|GC|G1|VM) .*")) {
                jvm.append(String.format(Locale.ROOT, " [%s] %.1f", name, sum[2] / TICKS_PER_SECOND * 1e6 / messages));
            }
        });
        System.out.println(jvm);
    }
}
