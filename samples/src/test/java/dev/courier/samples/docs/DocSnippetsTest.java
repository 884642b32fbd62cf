package dev.courier.samples.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Keeps the Java snippets of the README and of the docs pages this module owns identical to compiled code. Each
 * {@code ```java} block in those pages must follow a marker {@code <!-- snippet: path/to/File.java#name -->} (path from
 * the repository root); the block must equal the lines between {@code // snippet name} and {@code // end name} in that
 * file (several such regions are joined by a blank line; each region's common indentation is removed). The files are
 * tests or sample code that this build compiles, and the tests run them.
 */
class DocSnippetsTest {
    static final Path ROOT = Path.of("..");
    private static final Pattern MARKER = Pattern.compile("<!-- snippet: (\\S+)#(\\S+) -->");

    /** The pages whose Java snippets this test guards. */
    static Stream<String> pages() {
        return Stream.of("README.md", "docs/getting-started.md", "docs/concepts.md", "docs/operations.md",
                "docs/wire-format.md", "docs/comparison.md", "docs/from-scratch.md", "docs/architecture.md", "docs/testing.md", "docs/dispatcher.md",
                "docs/observability.md", "docs/spring-boot.md", "docs/mailboxes.md");
    }

    @ParameterizedTest
    @MethodSource("pages")
    void everyJavaSnippetOnThePageIsMarkedAndMatchesCompiledCode(String page) throws IOException {
        List<String> lines = Files.readAllLines(ROOT.resolve(page));
        int checked = 0;
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).strip().equals("```java")) {
                continue;
            }
            Matcher marker = i > 0 ? MARKER.matcher(lines.get(i - 1).strip()) : null;
            assertThat(marker != null && marker.matches())
                    .as("%s line %d: a ```java block must follow a <!-- snippet: file#name --> line", page, i + 1)
                    .isTrue();
            List<String> block = new ArrayList<>();
            int j = i + 1;
            while (!lines.get(j).strip().equals("```")) {
                block.add(lines.get(j).stripTrailing());
                j++;
            }
            List<String> expected = regions(ROOT.resolve(marker.group(1)), marker.group(2));
            assertThat(String.join("\n", block))
                    .as("%s line %d must show %s#%s exactly", page, i + 1, marker.group(1), marker.group(2))
                    .isEqualTo(String.join("\n", expected));
            checked++;
            i = j;
        }
        if (page.equals("README.md")) {
            assertThat(checked).as("README's example is checked").isGreaterThanOrEqualTo(1);
        }
    }

    /** The lines of every region {@code name} in {@code file}, each without its common indentation. */
    static List<String> regions(Path file, String name) throws IOException {
        List<String> lines = Files.readAllLines(file);
        List<String> out = new ArrayList<>();
        List<String> region = null;
        for (String line : lines) {
            String trimmed = line.strip();
            if (trimmed.equals("// snippet " + name)) {
                region = new ArrayList<>();
            } else if (trimmed.equals("// end " + name) && region != null) {
                if (!out.isEmpty()) {
                    out.add("");
                }
                out.addAll(dedent(region));
                region = null;
            } else if (region != null) {
                region.add(line.stripTrailing());
            }
        }
        assertThat(out).as("regions named '%s' in %s", name, file).isNotEmpty();
        return out;
    }

    private static List<String> dedent(List<String> region) {
        int indent = region.stream().filter(l -> !l.isBlank())
                .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return region.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).toList();
    }
}
