package dev.ferry.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package structure stays as docs/architecture.md draws it: core never reaches up into the command line,
 * the test kit or the benchmarks, and no two core packages depend on each other, directly or round a loop.
 * Reads src/main/java as text: every {@code dev.ferry.x.Y} a file names, in an import or inline, is an edge.
 */
class ArchitectureTest {
    private static final Path MAIN = Path.of("src", "main", "java");
    private static final String CORE = "dev.ferry.core";
    private static final List<String> ABOVE_CORE = List.of("dev.ferry.cli", "dev.ferry.testkit", "dev.ferry.bench");
    private static final Pattern REFERENCE = Pattern.compile("\\b(dev\\.ferry(?:\\.[a-z]\\w*)+)\\.[A-Z]");

    /** Source package -> the packages its files name. */
    private static final Map<String, Set<String>> USES = new TreeMap<>();

    @BeforeAll
    static void readSources() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                String pkg = MAIN.relativize(file.getParent()).toString().replace('/', '.');
                Matcher m = REFERENCE.matcher(Files.readString(file));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        USES.computeIfAbsent(pkg, k -> new TreeSet<>()).add(m.group(1));
                    }
                }
            }
        }
    }

    @Test
    void coreNeverImportsCliTestkitOrBench() {
        List<String> upward = new ArrayList<>();
        USES.forEach((pkg, used) -> used.stream()
                .filter(u -> isCore(pkg) && ABOVE_CORE.stream().anyMatch(a -> u.equals(a) || u.startsWith(a + ".")))
                .forEach(u -> upward.add(pkg + " -> " + u)));
        assertThat(upward).as("core must not depend on the layers built on it").isEmpty();
    }

    @Test
    void noCycleAmongCorePackages() {
        Map<String, Set<String>> graph = new TreeMap<>();
        USES.forEach((pkg, used) -> used.stream().filter(ArchitectureTest::isCore).map(ArchitectureTest::top)
                .filter(u -> isCore(pkg) && !u.equals(top(pkg)))
                .forEach(u -> graph.computeIfAbsent(top(pkg), k -> new TreeSet<>()).add(u)));
        assertThat(graph).as("core packages and what they use").isNotEmpty();
        for (String start : graph.keySet()) {
            assertThat(loopFrom(start, start, graph, new LinkedHashSet<>())).as("package cycle from " + start)
                    .isEmpty();
        }
    }

    /** The packages of a loop back to {@code start}, or empty; depth first over {@code graph}. */
    private static List<String> loopFrom(String start, String at, Map<String, Set<String>> graph, Set<String> path) {
        path.add(at);
        for (String next : graph.getOrDefault(at, Set.of())) {
            if (next.equals(start)) {
                List<String> loop = new ArrayList<>(path);
                loop.add(start);
                return loop;
            }
            if (!path.contains(next)) {
                List<String> loop = loopFrom(start, next, graph, path);
                if (!loop.isEmpty()) {
                    return loop;
                }
            }
        }
        path.remove(at);
        return List.of();
    }

    private static boolean isCore(String pkg) {
        return pkg.startsWith(CORE + ".");
    }

    /** dev.ferry.core.switching.keepalived counts as dev.ferry.core.switching. */
    private static String top(String pkg) {
        String[] parts = pkg.split("\\.");
        return String.join(".", parts[0], parts[1], parts[2], parts[3]);
    }
}
