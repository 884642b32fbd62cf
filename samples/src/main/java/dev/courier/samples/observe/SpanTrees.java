package dev.courier.samples.observe;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** Prints ended spans as trees, one per trace, children under their parent in start order. */
public final class SpanTrees {
    private SpanTrees() {}

    /** The trees of {@code spans}, as text: one line per span, with its kind, duration, outcome and error. */
    public static String render(List<SpanData> spans) {
        Map<String, List<SpanData>> byTrace = spans.stream()
                .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
                .collect(Collectors.groupingBy(SpanData::getTraceId, LinkedHashMap::new, Collectors.toList()));
        StringBuilder out = new StringBuilder();
        byTrace.forEach((trace, inTrace) -> {
            out.append("trace ").append(trace).append('\n');
            Set<String> ids = inTrace.stream().map(SpanData::getSpanId).collect(Collectors.toSet());
            List<SpanData> roots = new ArrayList<>(inTrace.stream()
                    .filter(s -> !ids.contains(s.getParentSpanId())).toList());
            long start = roots.isEmpty() ? 0 : roots.get(0).getStartEpochNanos();
            roots.forEach(root -> line(out, root, inTrace, 1, start));
        });
        return out.toString();
    }

    private static void line(StringBuilder out, SpanData span, List<SpanData> inTrace, int depth, long start) {
        out.append("  ".repeat(depth)).append(depth > 1 ? "└ " : "")
                .append(span.getName()).append("  [").append(span.getKind().name().toLowerCase())
                .append(", +").append((span.getStartEpochNanos() - start) / 1_000_000).append(" ms, ")
                .append(String.format("%.1f", (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1e6))
                .append(" ms");
        String outcome = span.getAttributes().get(AttributeKey.stringKey("courier.outcome"));
        if (outcome != null) {
            out.append(", ").append(outcome);
        }
        if (span.getStatus().getStatusCode() == StatusCode.ERROR) {
            out.append(", ERROR");
            span.getEvents().stream().filter(e -> e.getName().equals("exception")).findFirst()
                    .map(e -> e.getAttributes().get(AttributeKey.stringKey("exception.message")))
                    .ifPresent(m -> out.append(": ").append(m.length() > 80 ? m.substring(0, 80) + "…" : m));
        }
        out.append("]\n");
        inTrace.stream().filter(child -> child.getParentSpanId().equals(span.getSpanId()))
                .forEach(child -> line(out, child, inTrace, depth + 1, start));
    }
}
