package dev.ferry.core.spec;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.ferry.core.spec.SpecReference.Key;
import dev.ferry.core.switching.keepalived.KeepalivedSettings;
import dev.ferry.core.switching.keepalived.KeepalivedSide;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SpecReferenceTest {
    private static final String KEEPALIVED_SIDE = "switch.source, switch.target";

    @Test
    void committedReferenceIsTheGeneratedOne() throws IOException {
        Path committed = Path.of(SpecReference.FILE);

        assertThat(Files.readString(committed, StandardCharsets.UTF_8))
                .as(SpecReference.FILE + " differs from what the spec classes generate; regenerate it with `"
                        + SpecReference.REGENERATE + "` and commit it")
                .isEqualTo(SpecReference.markdown());
    }

    /** Asks Jackson, not the reference's own walk, which keys the loader binds in each map it binds. */
    @Test
    void everyKeyTheLoaderAcceptsIsDocumented() {
        Map<String, Set<String>> accepted = new LinkedHashMap<>();
        ObjectMapper mapper = new YAMLMapper().registerModule(SpecDocument.module());
        acceptedKeys(mapper, SpecDocument.Root.class, accepted);
        acceptedKeys(mapper, ClusterLoader.Document.class, accepted);
        accepted.put(KEEPALIVED_SIDE, KeepalivedSettings.SIDE_KEYS);

        assertThat(documented()).as("documented keys per section, against the keys the loader accepts")
                .isEqualTo(accepted);
    }

    @Test
    void documentedDefaultsAreTheLoadersDefaults() {
        Map<String, Object> view = SpecLoader.parse("""
                name: orders
                source: { host: 10.0.0.1 }
                target: { host: 10.0.0.2 }
                switch: { type: hook, command: ./repoint.sh }
                """, Path.of("orders.yaml")).redacted();
        Map<String, Object> loaded = new LinkedHashMap<>();
        for (String section : List.of("cutover", "switch", "after", "verify", "sync")) {
            ((Map<?, ?>) view.get(section)).forEach((key, value) -> loaded.put(section + "." + key, value));
        }
        loaded.put("source, target, backup.port", ((Map<?, ?>) view.get("source")).get("port"));
        loaded.put("sentinel.action", Sentinel.NONE.action().label());
        loaded.put(KEEPALIVED_SIDE + ".config", KeepalivedSide.DEFAULT_CONFIG);
        loaded.put(KEEPALIVED_SIDE + ".reload", KeepalivedSide.DEFAULT_RELOAD);
        loaded.put(KEEPALIVED_SIDE + ".running", KeepalivedSide.DEFAULT_RUNNING);
        loaded.putAll(clusterDefaults());

        Map<String, String> defaults = SpecReference.keys().stream().filter(key -> !key.defaultValue().isEmpty())
                .collect(Collectors.toMap(key -> key.section() + "." + key.name(), Key::defaultValue,
                        (left, right) -> left, LinkedHashMap::new));
        assertThat(defaults).isNotEmpty().allSatisfy((key, documented) -> assertThat(loaded)
                .as("the default the loader gives " + key).containsEntry(key, parseLike(loaded.get(key), documented)));
    }

    @Test
    void markdownListsEveryKeyWithItsAllowedValues() {
        String markdown = SpecReference.markdown();

        assertThat(markdown).contains("## cutover", "| `max-pause` | duration | `2s` |",
                "| `mode` | name | `pause` |  | `pause`, `failover`, `drain` |",
                "| `name` | string |  | yes |", "[switch.source, switch.target](#switchsource-switchtarget)");
        assertThat(SpecReference.keys()).allSatisfy(key -> assertThat(markdown).contains("| `" + key.name() + "` |"));
    }

    /** The cluster keys' values when a cluster spec writes none of them. */
    private static Map<String, Object> clusterDefaults() {
        ClusterSpec spec = ClusterLoader.parse("""
                name: sessions
                cluster: { seeds: ["10.0.0.1:6379"], moves: [{ from: "10.0.0.1:6379", to: "10.0.1.1:6379" }] }
                """, Path.of("sessions.yaml"));
        Map<String, Object> loaded = new LinkedHashMap<>();
        loaded.put("cluster.parallel", spec.parallel());
        loaded.put("cluster.old-nodes", spec.oldNodes().label());
        loaded.put("cluster.max-pause", Durations.format(spec.cutover().maxPause()));
        loaded.put("cluster.catch-up", Durations.format(spec.cutover().catchUp()));
        loaded.put("cluster.settle-timeout", Durations.format(spec.settleTimeout()));
        loaded.put("cluster.switch-attempts", spec.switchAttempts());
        loaded.put("cluster.moves entry.replicas", spec.moves().get(0).replicas().toString());
        return loaded;
    }

    // numbers come back from the view as numbers; the reference writes them as text
    private static Object parseLike(Object loaded, String documented) {
        if (loaded instanceof Long) {
            return Long.valueOf(documented);
        }
        return loaded instanceof Integer ? Integer.valueOf(documented) : documented;
    }

    private static Map<String, Set<String>> documented() {
        return SpecReference.keys().stream().collect(Collectors.groupingBy(Key::section, LinkedHashMap::new,
                Collectors.mapping(Key::name, Collectors.toSet())));
    }

    private static void acceptedKeys(ObjectMapper mapper, Class<?> map, Map<String, Set<String>> out) {
        BeanDescription description = mapper.getDeserializationConfig().introspect(mapper.constructType(map));
        String section = map.getAnnotation(SpecSection.class).name();
        if (out.containsKey(section)) {
            return;
        }
        List<Class<?>> inner = new ArrayList<>();
        out.put(section, description.findProperties().stream().map(property -> {
            JavaType primary = property.getPrimaryType();
            // a list of maps (cluster.moves) holds a section too
            Class<?> type = primary.isCollectionLikeType() ? primary.getContentType().getRawClass() : primary.getRawClass();
            if (SpecDocument.Block.class.isAssignableFrom(type)) {
                inner.add(type);
            }
            return property.getName();
        }).collect(Collectors.toSet()));
        inner.forEach(type -> acceptedKeys(mapper, type, out));
    }

}
