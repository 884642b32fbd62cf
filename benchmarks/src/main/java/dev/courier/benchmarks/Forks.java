package dev.courier.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Runs an end-to-end program in several fresh JVMs and reports, for each of its {@code BENCH} lines, the fork in the
 * middle: what JMH's forks are for. On this machine one process's figures can sit 30 % away from the next one's
 * for the whole run (the JIT's choices, where objects land), on either side of the comparison; one process decides
 * nothing. Each fork runs the program's own {@code main} with this JVM's options and class path; its output is
 * echoed with every line prefixed {@code [fork k]}, so that only the combined lines start with {@code BENCH}.
 *
 * <p>A line with a baseline is taken from the fork whose figure-to-baseline ratio is the median (both numbers from
 * that one fork, measured side by side); a line without one from the fork with the median figure. The number of
 * forks is {@code -Dforks=N} (default {@value #DEFAULT_FORKS}, odd numbers give a true median); {@code -Dforks=1}
 * runs the program in this JVM, for a profiler.
 */
final class Forks {
    static final int DEFAULT_FORKS = 3;
    private static final String CHILD = "courier.benchmarks.fork";
    private static final Pattern NAME = Pattern.compile("\\bname=(\\S+)");
    private static final Pattern FIGURE = Pattern.compile("\\bfigure=([-+0-9.eE]+)");
    private static final Pattern BASELINE = Pattern.compile("\\bbaseline=([-+0-9.eE]+)");

    private Forks() {
    }

    /** True in the JVM that should fork rather than measure: not a fork itself, and more than one fork asked for. */
    static boolean shouldFork() {
        return System.getProperty(CHILD) == null && Integer.getInteger("forks", DEFAULT_FORKS) > 1;
    }

    /** Runs {@code program}'s main in the forks, one after another, then prints the combined {@code BENCH} lines. */
    static void run(Class<?> program, String... args) throws IOException, InterruptedException {
        int forks = Integer.getInteger("forks", DEFAULT_FORKS);
        Map<String, List<Line>> byName = new LinkedHashMap<>();
        for (int fork = 1; fork <= forks; fork++) {
            for (Line line : runOne(program, fork, args)) {
                byName.computeIfAbsent(line.name, n -> new ArrayList<>()).add(line);
            }
        }
        for (Map.Entry<String, List<Line>> named : byName.entrySet()) {
            List<Line> lines = named.getValue();
            if (lines.size() != forks) {
                throw new IllegalStateException(named.getKey() + " was printed by " + lines.size() + " of " + forks
                        + " forks; each fork must print every BENCH line once");
            }
            lines.sort(Comparator.comparingDouble(Line::rank));
            Line middle = lines.get(lines.size() / 2);
            System.out.printf(Locale.ROOT, "forks of %s, %s: %s; the median, fork %d's:%n", named.getKey(),
                    middle.baseline == null ? "figures" : "ratios",
                    lines.stream().map(l -> String.format(Locale.ROOT, "%.2f", l.rank()))
                            .collect(Collectors.joining(", ")), middle.fork);
            System.out.println(middle.text);
        }
    }

    private static List<Line> runOne(Class<?> program, int fork, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-D" + CHILD + "=" + fork);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(program.getName());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        List<Line> found = new ArrayList<>();
        try (BufferedReader out = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String text;
            while ((text = out.readLine()) != null) {
                System.out.println("[fork " + fork + "] " + text);
                if (text.startsWith("BENCH ")) {
                    found.add(Line.parse(fork, text));
                }
            }
        }
        int exit = process.waitFor();
        if (exit != 0) {
            throw new IllegalStateException("fork " + fork + " of " + program.getSimpleName() + " exited with " + exit);
        }
        return found;
    }

    /** One fork's BENCH line. */
    private record Line(int fork, String text, String name, double figure, Double baseline) {
        static Line parse(int fork, String text) {
            Matcher baseline = BASELINE.matcher(text);
            return new Line(fork, text, group(NAME, text), Double.parseDouble(group(FIGURE, text)),
                    baseline.find() ? Double.valueOf(baseline.group(1)) : null);
        }

        private static String group(Pattern pattern, String text) {
            Matcher matcher = pattern.matcher(text);
            if (!matcher.find()) {
                throw new IllegalStateException("no " + pattern + " in the BENCH line: " + text);
            }
            return matcher.group(1);
        }

        /** What the forks are ordered by: the ratio where there is a baseline, else the figure. */
        double rank() {
            return baseline == null ? figure : figure / baseline;
        }
    }
}
