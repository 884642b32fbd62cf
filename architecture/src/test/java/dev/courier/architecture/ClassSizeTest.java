package dev.courier.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** STYLE.md: a file past ~300 lines is a question to ask. In the library modules it is an answer: split it. */
class ClassSizeTest {
    private static final int MOST_LINES = 300;
    private static final List<String> LIBRARY_MODULES = List.of("core", "transport-inmemory", "transport-rabbitmq",
            "message-store-jdbc", "micrometer",
            "spring-boot-autoconfigure", "cli");

    @Test
    void noMainSourceFileOfALibraryModuleReachesThreeHundredLines() throws IOException {
        List<String> tooLong;
        try (Stream<Path> files = LIBRARY_MODULES.stream().map(m -> Path.of("..", m, "src", "main", "java"))
                .flatMap(ClassSizeTest::javaFiles)) {
            tooLong = files.filter(f -> lines(f) >= MOST_LINES).map(f -> f + " (" + lines(f) + " lines)").toList();
        }
        assertThat(tooLong).as("main source files of " + MOST_LINES + " lines or more").isEmpty();
    }

    private static Stream<Path> javaFiles(Path root) {
        try {
            return Files.walk(root).filter(p -> p.toString().endsWith(".java"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static long lines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
