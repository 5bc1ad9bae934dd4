package dev.ferry.core.spec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** Turns Jackson's exceptions into one-line spec errors that name the key, the line and the fix. */
final class JacksonErrors {
    private static final Pattern DUPLICATE = Pattern.compile("Duplicate (?:field|Object property) '([^']*)'");
    private static final Set<String> PASSWORD_KEYS =
            Set.of("password", "pass", "passwd", "pwd", "secret", "requirepass", "masterauth");
    private static final Map<Class<?>, String> SHAPES = Map.of(
            SpecDocument.Host.class, "a map like { host: 10.0.0.1, port: 6379 }",
            SpecDocument.Auth.class, "a map like { username: app, password-env: REDIS_PASSWORD }",
            SpecDocument.CutoverBlock.class, "a map like { mode: pause, max-pause: 2s }",
            SpecDocument.SwitchBlock.class, "a map like { type: hook, command: [\"./repoint.sh\"] }",
            SpecDocument.AfterBlock.class, "a map like { source: replica }",
            SpecDocument.Scalar.class, "a single value, not a list or a map",
            SpecDocument.Argv.class, "a list of strings like [\"./repoint.sh\", \"--now\"], or one string");

    private final Problems problems;

    JacksonErrors(Problems problems) {
        this.problems = problems;
    }

    SpecException translate(JsonProcessingException thrown) {
        JsonProcessingException e = unwrap(thrown);
        int line = line(e.getLocation());
        if (e instanceof UnrecognizedPropertyException unknown) {
            return unknownKey(line, unknown);
        }
        if (e instanceof InvalidFormatException invalid) {
            return problems.at(line, "invalid value '" + invalid.getValue() + "' for " + quoted(path(invalid))
                    + " (expected " + shape(invalid.getTargetType()) + ")");
        }
        if (e instanceof MismatchedInputException mismatched) {
            List<String> path = path(mismatched);
            String what = path.isEmpty() ? "at the top level" : "for " + quoted(path);
            return problems.at(line, "wrong type " + what + ": expected " + shape(mismatched.getTargetType()));
        }
        if (e instanceof JsonParseException parse) {
            return parseError(line, parse);
        }
        return problems.at(line, "cannot read the spec: " + firstLine(e.getOriginalMessage())
                + " (fix the YAML at this line)");
    }

    private SpecException unknownKey(int line, UnrecognizedPropertyException e) {
        String key = e.getPropertyName();
        List<String> path = path(e);
        String where = where(path.subList(0, path.size() - 1), "in");
        if (PASSWORD_KEYS.contains(key.toLowerCase(Locale.ROOT))) {
            // a pasted password must be refused, and the message must say where it belongs instead
            return problems.at(line, "never write a password in the spec ('" + key + "' " + where
                    + "); name where it is kept: password-env: SOME_ENV_VAR or password-file: /path/to/file");
        }
        List<String> allowed = SpecDocument.keysOf(e.getReferringClass());
        String hint = Suggestions.closest(key, allowed).map(best -> "did you mean '" + best + "'? ").orElse("");
        return problems.at(line, "unknown key '" + key + "' " + where
                + " (" + hint + "allowed: " + String.join(", ", allowed) + ")");
    }

    // databind wraps parser errors met inside a map in a plain JsonMappingException; the parser error says more
    private static JsonProcessingException unwrap(JsonProcessingException e) {
        JsonProcessingException current = e;
        while (current.getClass() == JsonMappingException.class
                && current.getCause() instanceof JsonProcessingException cause) {
            current = cause;
        }
        return current;
    }

    private SpecException parseError(int line, JsonParseException e) {
        Matcher duplicate = DUPLICATE.matcher(e.getOriginalMessage());
        if (duplicate.find()) {
            return problems.at(line, "duplicate key '" + duplicate.group(1) + "' "
                    + where(enclosingPath(e.getProcessor()), "in") + " (keep only one)");
        }
        String fix = " (check the indentation, and quote values that contain ': ' or start with a special character)";
        if (e.getCause() instanceof MarkedYAMLException yaml && yaml.getProblemMark() != null) {
            // SnakeYAML's own message quotes the offending lines, which could hold anything; keep only its words
            return problems.at(yaml.getProblemMark().getLine() + 1,
                    "malformed YAML: " + yamlProblem(yaml) + fix);
        }
        return problems.at(line, "malformed YAML: " + firstLine(e.getOriginalMessage()) + fix);
    }

    private static String yamlProblem(MarkedYAMLException e) {
        String problem = firstLine(e.getProblem());
        if (e.getContext() == null) {
            return problem;
        }
        String since = e.getContextMark() == null ? "" : " that starts on line "
                + (e.getContextMark().getLine() + 1);
        return problem + " - " + firstLine(e.getContext()) + since;
    }

    private static String shape(Class<?> type) {
        if (type == SpecDocument.Root.class) {
            return "a map of keys (" + String.join(", ", SpecDocument.keysOf(type)) + ")";
        }
        if (type == null) {
            return "another type";
        }
        String known = SHAPES.get(type);
        if (known != null) {
            return known;
        }
        if (java.util.Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list, like [\"10.0.0.1:6379\"] (one item too is written in brackets)";
        }
        if (Map.class.isAssignableFrom(type)) {
            return "a map of keys, like { key: value }";
        }
        if (type == String.class) {
            return "a single value (a string)";
        }
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "a whole number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        return type.getSimpleName();
    }

    private static List<String> path(JsonMappingException e) {
        return e.getPath().stream()
                .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                .toList();
    }

    /** The keys leading to the parser's current value, e.g. [target, exec]; parse errors have no mapping path. */
    static List<String> keyPath(JsonParser parser) {
        return namesFrom(parser.getParsingContext());
    }

    // for a duplicate the current name is the duplicate itself; the path is that of the map holding it
    private static List<String> enclosingPath(Object processor) {
        return processor instanceof JsonParser parser ? namesFrom(parser.getParsingContext().getParent()) : List.of();
    }

    private static List<String> namesFrom(JsonStreamContext start) {
        Deque<String> names = new ArrayDeque<>();
        for (JsonStreamContext context = start; context != null; context = context.getParent()) {
            if (context.getCurrentName() != null) {
                names.addFirst(context.getCurrentName());
            }
        }
        return List.copyOf(names);
    }

    static String where(List<String> path, String preposition) {
        return path.isEmpty() ? "at the top level" : preposition + " " + String.join(".", path);
    }

    /** {@code 'cluster.moves[0].replicas'}: an index joins the key before it without a dot. */
    private static String quoted(List<String> path) {
        return "'" + String.join(".", path).replace(".[", "[") + "'";
    }

    private static int line(JsonLocation location) {
        return location == null ? 0 : location.getLineNr();
    }

    private static String firstLine(String message) {
        if (message == null || message.isBlank()) {
            return "unreadable input";
        }
        return message.strip().lines().findFirst().orElse("").strip();
    }
}
