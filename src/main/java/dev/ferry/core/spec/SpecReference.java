package dev.ferry.core.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The spec reference ({@code docs/spec-reference.md}), generated from the classes the loader binds the spec to:
 * each key's {@link SpecKey} and each map's {@link SpecSection}, in the order the loader lists the keys.
 */
public final class SpecReference {
    /** Where the reference is kept, relative to the project's folder. */
    public static final String FILE = "docs/spec-reference.md";
    /** The command that rewrites {@link #FILE}. */
    public static final String REGENERATE = "mvn -q -o compile exec:java@spec-reference";

    private SpecReference() {
    }

    /** One documented key. {@code allowed} is empty when any value of the type is. */
    public record Key(String section, String name, String type, String defaultValue, boolean required,
            List<String> allowed, String description) {
    }

    /** The whole reference as Markdown. */
    public static String markdown() {
        StringBuilder out = new StringBuilder()
                .append("# Spec reference\n\n")
                .append("<!-- generated from the spec classes by dev.ferry.core.spec.SpecReference: do not edit;"
                        + " regenerate with `").append(REGENERATE).append("` -->\n\n")
                .append("A spec is one YAML file; `ferry plan SPEC` shows what ferry would do with it. Only `name`,"
                        + " `source` and `target` are required (in a [cluster spec](#cluster-spec): `name` and"
                        + " `cluster`); a key marked required in a map is required"
                        + " whenever that map is written. Unknown keys, wrong types and passwords written in the"
                        + " spec are refused with the file, the line and the fix.\n\n")
                .append("Durations need a unit: `500ms`, `2s`, `1.5s`, `1m30s`, `1h`. Names (allowed values) are"
                        + " matched without regard to case. Relative paths are relative to the spec's folder.\n");
        Map<String, List<Key>> bySection = new LinkedHashMap<>();
        keys().forEach(key -> bySection.computeIfAbsent(key.section(), name -> new ArrayList<>()).add(key));
        for (Class<?> section : sections()) {
            SpecSection doc = section.getAnnotation(SpecSection.class);
            out.append("\n## ").append(doc.name()).append("\n\n").append(doc.value()).append("\n\n")
                    .append("| key | type | default | required | allowed values | description |\n")
                    .append("|---|---|---|---|---|---|\n");
            bySection.get(doc.name()).forEach(key -> row(out, key));
        }
        return out.toString();
    }

    /** Every documented key, section by section in the order of {@link #markdown()}. */
    public static List<Key> keys() {
        return sections().stream().flatMap(section -> keyFields(section).stream().map(field -> key(section, field)))
                .toList();
    }

    /** Every map of the spec: the top level, then each map inside it, depth first, each once. */
    static List<Class<?>> sections() {
        Set<Class<?>> found = new LinkedHashSet<>();
        collect(SpecDocument.Root.class, found);
        collect(ClusterLoader.Document.class, found);
        return List.copyOf(found);
    }

    /** The fields that hold {@code section}'s keys, in the order {@link SpecDocument#keysOf} lists the keys. */
    static List<Field> keyFields(Class<?> section) {
        Map<String, Field> byKey = new LinkedHashMap<>();
        for (Field field : section.getDeclaredFields()) {
            JsonProperty property = field.getAnnotation(JsonProperty.class);
            if (property != null) {
                byKey.put(property.value(), field);
            }
        }
        return SpecDocument.keysOf(section).stream().map(key -> {
            Field field = byKey.get(key);
            if (field == null) {
                throw new IllegalStateException(section.getSimpleName() + " lists key '" + key
                        + "' in @JsonPropertyOrder but has no @JsonProperty(\"" + key + "\") field");
            }
            return field;
        }).toList();
    }

    private static void collect(Class<?> section, Set<Class<?>> found) {
        if (section.getAnnotation(SpecSection.class) == null) {
            throw new IllegalStateException(section.getSimpleName() + " holds spec keys but has no @SpecSection");
        }
        if (found.add(section)) {
            keyFields(section).forEach(field -> nested(field).ifPresent(inner -> collect(inner, found)));
        }
    }

    /** The map a key holds, when it has keys of its own. */
    private static Optional<Class<?>> nested(Field field) {
        if (field.getType().isAnnotationPresent(SpecSection.class)) {
            return Optional.of(field.getType());
        }
        SpecKey doc = field.getAnnotation(SpecKey.class);
        return doc == null || doc.keys() == Void.class ? Optional.empty() : Optional.of(doc.keys());
    }

    private static Key key(Class<?> section, Field field) {
        String name = field.getAnnotation(JsonProperty.class).value();
        String sectionName = section.getAnnotation(SpecSection.class).name();
        SpecKey doc = field.getAnnotation(SpecKey.class);
        if (doc == null || doc.value().isBlank()) {
            throw new IllegalStateException("spec key '" + name + "' in " + sectionName + " is not documented (add"
                    + " @SpecKey to " + section.getSimpleName() + "." + field.getName() + ")");
        }
        return new Key(sectionName, name, type(field, doc), doc.defaultValue(), doc.required(), allowed(doc),
                doc.value());
    }

    private static String type(Field field, SpecKey doc) {
        if (doc.type().isEmpty() && nested(field).isEmpty()) {
            throw new IllegalStateException("spec key '" + field.getAnnotation(JsonProperty.class).value()
                    + "' has no type (add type = \"...\" to its @SpecKey in " + field.getDeclaringClass()
                    .getSimpleName() + ")");
        }
        String written = doc.type().isEmpty() ? "map" : doc.type();
        return nested(field).map(inner -> inner.getAnnotation(SpecSection.class).name())
                .map(inner -> written + ", see [" + inner + "](#" + anchor(inner) + ")").orElse(written);
    }

    private static List<String> allowed(SpecKey doc) {
        if (doc.allowed() == Void.class) {
            return List.of();
        }
        Object[] constants = doc.allowed().getEnumConstants();
        if (constants == null) {
            throw new IllegalStateException("@SpecKey(allowed = " + doc.allowed().getSimpleName() + ") is not an enum");
        }
        return Arrays.stream(constants).map(constant -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT))
                .toList();
    }

    private static void row(StringBuilder out, Key key) {
        out.append("| `").append(key.name()).append("` | ").append(cell(key.type())).append(" | ")
                .append(key.defaultValue().isEmpty() ? "" : "`" + key.defaultValue() + "`").append(" | ")
                .append(key.required() ? "yes" : "").append(" | ")
                .append(String.join(", ", key.allowed().stream().map(value -> "`" + value + "`").toList()))
                .append(" | ").append(cell(key.description())).append(" |\n");
    }

    // a '|' inside a cell would end it
    private static String cell(String text) {
        return text.replace("|", "\\|");
    }

    /** The anchor GitHub gives a heading: lower case, punctuation dropped, spaces as dashes. */
    static String anchor(String heading) {
        return heading.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9 -]", "").replace(' ', '-');
    }
}
