package dev.courier.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

/**
 * What a scenario counted after its drain. {@code lost} = confirmed (or committed) but never handled;
 * {@code duplicated} = handlings beyond the first of a message. Printed to stdout and appended, as a Markdown table
 * row, to {@code target/reliability-figures.md}, from which docs/reliability.md is written.
 */
record Figures(String scenario, long attempted, long confirmed, long handled, long lost, long duplicated,
        long deadLettered, Duration time, String notes) {

    static final String HEADER = "| scenario | scale | attempted | confirmed | handled | lost | duplicated | "
            + "dead-lettered | time | notes |\n|---|---|---|---|---|---|---|---|---|---|\n";

    Figures report() {
        String row = String.format("| %s | %s | %,d | %,d | %,d | %,d | %,d | %,d | %.1f s | %s |%n", scenario,
                Scale.name(), attempted, confirmed, handled, lost, duplicated, deadLettered,
                time.toMillis() / 1000.0, notes);
        System.out.println("FIGURES " + row.trim());
        Path file = Path.of("target", "reliability-figures.md");
        try {
            Files.createDirectories(file.getParent());
            if (!Files.exists(file)) {
                Files.writeString(file, HEADER, StandardCharsets.UTF_8);
            }
            Files.writeString(file, row, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file, e);
        }
        return this;
    }
}
