package dev.courier.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * No two packages of a module depend on each other through a loop of classes: for every strongly connected group of
 * classes (each reaches every other by dependencies), all of them sit in one package. This is what makes a package
 * readable on its own; the root API package may use its value types from below ({@code Request} in
 * {@code message}), as long as no class below leads back up to the class that uses it.
 */
class CyclesTest {

    @Test
    void noLoopOfClassesCrossesAPackageBoundary() {
        List<String> crossing = new ArrayList<>();
        for (Set<String> group : stronglyConnected()) {
            Set<String> packages = new TreeSet<>();
            group.forEach(c -> packages.add(c.substring(0, c.lastIndexOf('.'))));
            if (packages.size() > 1) {
                crossing.add(packages + " through " + group);
            }
        }
        assertThat(crossing).as("loops of classes that span packages").isEmpty();
    }

    /**
     * Core's packages, the root API package among them, form no cycle: with A depending on B, nothing in B depends on
     * anything in A, directly or through other packages.
     */
    @Test
    void noPackageCycleInCoreRootIncluded() {
        Map<String, Set<String>> packages = new HashMap<>();
        for (JavaClass c : TiersTest.LIBRARY) {
            String from = c.getPackageName();
            if (!isCore(from)) {
                continue;
            }
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                String to = d.getTargetClass().getBaseComponentType().getPackageName();
                if (isCore(to) && !to.equals(from)) {
                    packages.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
                }
            }
        }
        List<Set<String>> cycles = new Tarjan(packages).run().stream().filter(g -> g.size() > 1).toList();
        assertThat(cycles).as("groups of core packages that depend on each other").isEmpty();
    }

    /** Core's packages: the root and its sub-packages that no other module owns. */
    private static boolean isCore(String pkg) {
        return pkg.equals("dev.courier") || (pkg.startsWith("dev.courier.") && !pkg.startsWith("dev.courier.transport")
                && !pkg.startsWith("dev.courier.store.jdbc") && !pkg.startsWith("dev.courier.test")
                && !pkg.startsWith("dev.courier.micrometer") && !pkg.startsWith("dev.courier.spring"));
    }

    /** Tarjan's algorithm over the top-level classes of the library (a nested class counts as its outer class). */
    private static List<Set<String>> stronglyConnected() {
        Map<String, Set<String>> edges = new HashMap<>();
        for (JavaClass c : TiersTest.LIBRARY) {
            String from = outer(c);
            Set<String> out = edges.computeIfAbsent(from, k -> new TreeSet<>());
            for (Dependency d : c.getDirectDependenciesFromSelf()) {
                String to = outer(d.getTargetClass());
                if (to.startsWith("dev.courier.") && !to.equals(from)) {
                    out.add(to);
                }
            }
        }
        return new Tarjan(edges).run();
    }

    private static String outer(JavaClass c) {
        String name = c.getBaseComponentType().getName();
        int dollar = name.indexOf('$');
        return dollar < 0 ? name : name.substring(0, dollar);
    }

    private static final class Tarjan {
        private final Map<String, Set<String>> edges;
        private final Map<String, Integer> index = new HashMap<>();
        private final Map<String, Integer> low = new HashMap<>();
        private final Deque<String> stack = new ArrayDeque<>();
        private final Set<String> onStack = new TreeSet<>();
        private final List<Set<String>> groups = new ArrayList<>();
        private int next;

        Tarjan(Map<String, Set<String>> edges) {
            this.edges = edges;
        }

        List<Set<String>> run() {
            for (String node : edges.keySet()) {
                if (!index.containsKey(node)) {
                    visit(node);
                }
            }
            return groups;
        }

        private void visit(String node) {
            index.put(node, next);
            low.put(node, next);
            next++;
            stack.push(node);
            onStack.add(node);
            for (String to : edges.getOrDefault(node, Set.of())) {
                if (!index.containsKey(to)) {
                    visit(to);
                    low.put(node, Math.min(low.get(node), low.get(to)));
                } else if (onStack.contains(to)) {
                    low.put(node, Math.min(low.get(node), index.get(to)));
                }
            }
            if (low.get(node).equals(index.get(node))) {
                Set<String> group = new TreeSet<>();
                String member;
                do {
                    member = stack.pop();
                    onStack.remove(member);
                    group.add(member);
                } while (!member.equals(node));
                groups.add(group);
            }
        }
    }
}
