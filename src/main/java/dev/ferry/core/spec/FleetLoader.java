package dev.ferry.core.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads a fleet file: {@code specs} (paths or globs, relative to the fleet file), {@code parallel} and
 * {@code on-failure}. Every spec is loaded as {@code ferry run} would load it, so a bad spec fails the fleet
 * before anything is contacted; errors name the fleet file and line, or the spec's own file and line.
 */
public final class FleetLoader {
    private static final int MAX_PARALLEL = 64;

    private FleetLoader() {
    }

    @SpecSection(name = "fleet file", value = "`ferry fleet ... FLEET`: many specs moved in one run.")
    @JsonPropertyOrder({"specs", "parallel", "on-failure"})
    static final class Document extends SpecDocument.Block {
        @SpecKey(value = "The specs of the fleet: paths or globs (`pairs/*.yaml`), relative to the fleet file.",
                type = "list of strings", required = true)
        @JsonProperty("specs") List<SpecDocument.Scalar> specs;
        @SpecKey(value = "Pairs moved at once (1 to 64).", type = "integer", defaultValue = "1")
        @JsonProperty("parallel") SpecDocument.Scalar parallel;
        @SpecKey(value = "`stop`: a failed pair lets the running ones finish and starts no new one; `continue`: the"
                + " others go on.", type = "stop | continue", defaultValue = "stop")
        @JsonProperty("on-failure") SpecDocument.Scalar onFailure;
    }

    public static FleetFile load(Path file) {
        Problems problems = new Problems(SpecLoader.fileName(file));
        Document doc = SpecLoader.bind(SpecLoader.read(file), problems, Document.class,
                "the fleet file is empty (write specs: [a list of spec files])");
        if (doc.specs == null || doc.specs.isEmpty()) {
            throw problems.at(doc.line, "specs: is missing or empty (list the spec files of the fleet, e.g. specs: [\"pairs/*.yaml\"])");
        }
        Path dir = file.toAbsolutePath().getParent();
        List<Spec> specs = new ArrayList<>();
        Map<String, Path> byName = new HashMap<>();
        for (SpecDocument.Scalar entry : doc.specs) {
            for (Path specFile : resolve(dir, entry, problems)) {
                Spec spec = SpecLoader.load(specFile);
                Path earlier = byName.putIfAbsent(spec.name(), specFile);
                if (earlier != null && !earlier.equals(specFile)) {
                    throw problems.at(entry.line(), "specs " + earlier + " and " + specFile + " are both named '"
                            + spec.name() + "' (each pair's journal and lock go by its name: rename one)");
                }
                if (earlier == null) {
                    specs.add(spec);
                }
            }
        }
        return new FleetFile(file, List.copyOf(specs), parallel(doc.parallel, problems), onFailure(doc.onFailure, problems));
    }

    private static List<Path> resolve(Path dir, SpecDocument.Scalar entry, Problems problems) {
        String text = entry.text() == null ? "" : entry.text().strip();
        if (text.isEmpty()) {
            throw problems.at(entry.line(), "an empty entry in specs: (give a spec file or a glob)");
        }
        if (!text.matches(".*[*?\\[{].*")) {
            Path path = dir.resolve(text).normalize();
            if (!Files.isRegularFile(path)) {
                throw problems.at(entry.line(), "spec " + path + (Files.isDirectory(path) ? " is a directory" : " does not exist")
                        + " (paths are relative to the fleet file; a folder's specs are written as a glob, e.g. " + text + "/*.yaml)");
            }
            return List.of(path);
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + text);
        try (Stream<Path> files = Files.walk(dir)) {
            List<Path> matched = files.filter(Files::isRegularFile).filter(p -> matcher.matches(dir.relativize(p)))
                    .sorted().toList();
            if (matched.isEmpty()) {
                throw problems.at(entry.line(), "the glob " + text + " matches no file under " + dir
                        + " (globs are relative to the fleet file)");
            }
            return matched;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int parallel(SpecDocument.Scalar value, Problems problems) {
        if (value == null) {
            return 1;
        }
        try {
            int n = Integer.parseInt(value.text().strip());
            if (n >= 1 && n <= MAX_PARALLEL) {
                return n;
            }
        } catch (NumberFormatException e) {
            // the message below says what is allowed
        }
        throw problems.at(value.line(), "parallel must be a whole number from 1 to " + MAX_PARALLEL + ", was " + value.text());
    }

    private static FleetFile.OnFailure onFailure(SpecDocument.Scalar value, Problems problems) {
        if (value == null) {
            return FleetFile.OnFailure.STOP;
        }
        return switch (value.text().strip().toLowerCase(Locale.ROOT)) {
            case "stop" -> FleetFile.OnFailure.STOP;
            case "continue" -> FleetFile.OnFailure.CONTINUE;
            default -> throw problems.at(value.line(), "on-failure must be stop or continue, was " + value.text());
        };
    }
}
