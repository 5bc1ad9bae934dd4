package dev.ferry.core.spec;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationConfig;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.deser.BeanDeserializerModifier;
import com.fasterxml.jackson.databind.deser.std.DelegatingDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The spec file as Jackson binds it: mutable, loosely typed, every value carrying its line. Jackson checks the
 * shape (keys, maps versus values, duplicates); {@link SpecConverter} checks the values, and needs the lines to
 * point at them.
 */
final class SpecDocument {
    private SpecDocument() {
    }

    /** The Jackson module that binds {@link Scalar}, {@link Argv} and the lines of {@link Block}s. */
    static SimpleModule module() {
        SimpleModule module = new SimpleModule("ferry-spec");
        module.addDeserializer(Scalar.class, new ScalarDeserializer());
        module.addDeserializer(Argv.class, new ArgvDeserializer());
        module.setDeserializerModifier(new LineRecorder());
        return module;
    }

    /** The allowed keys of a block, in the order the documentation lists them. */
    static List<String> keysOf(Class<?> block) {
        JsonPropertyOrder order = block.getAnnotation(JsonPropertyOrder.class);
        return order == null ? List.of() : List.of(order.value());
    }

    /** A single value as written (numbers and booleans too, as text), with its line. */
    record Scalar(String text, int line) {
    }

    /** A command line: a list of strings, or one string split on whitespace. */
    record Argv(List<String> items, int line) {
    }

    /** A YAML map; {@code line} is where it starts. */
    abstract static class Block {
        int line;
    }

    @JsonPropertyOrder({"name", "source", "target", "backup", "auth", "tls", "rename", "cutover", "switch", "after", "verify", "sentinel"})
    static final class Root extends Block {
        @JsonProperty("name") Scalar name;
        @JsonProperty("source") Host source;
        @JsonProperty("target") Host target;
        @JsonProperty("backup") Host backup;
        @JsonProperty("auth") Auth auth;
        @JsonProperty("tls") Tls tls;
        @JsonProperty("rename") java.util.Map<String, Scalar> rename;
        @JsonProperty("cutover") CutoverBlock cutover;
        @JsonProperty("switch") SwitchBlock switchBlock;
        @JsonProperty("after") AfterBlock after;
        @JsonProperty("verify") VerifyBlock verify;
        @JsonProperty("sentinel") SentinelBlock sentinel;
    }

    @JsonPropertyOrder({"host", "port", "auth", "tls", "rename", "exec"})
    static final class Host extends Block {
        @JsonProperty("host") Scalar host;
        @JsonProperty("port") Scalar port;
        @JsonProperty("auth") Auth auth;
        @JsonProperty("tls") Tls tls;
        @JsonProperty("rename") java.util.Map<String, Scalar> rename;
        @JsonProperty("exec") Argv exec;
    }

    @JsonPropertyOrder({"username", "password-env", "password-file"})
    static final class Auth extends Block {
        @JsonProperty("username") Scalar username;
        @JsonProperty("password-env") Scalar passwordEnv;
        @JsonProperty("password-file") Scalar passwordFile;
    }

    @JsonPropertyOrder({"ca-file", "cert-file", "key-file", "server-name"})
    static final class Tls extends Block {
        @JsonProperty("ca-file") Scalar caFile;
        @JsonProperty("cert-file") Scalar certFile;
        @JsonProperty("key-file") Scalar keyFile;
        @JsonProperty("server-name") Scalar serverName;
    }

    @JsonPropertyOrder({"mode", "max-pause", "catch-up", "drain-watch"})
    static final class CutoverBlock extends Block {
        @JsonProperty("mode") Scalar mode;
        @JsonProperty("max-pause") Scalar maxPause;
        @JsonProperty("catch-up") Scalar catchUp;
        @JsonProperty("drain-watch") Scalar drainWatch;
    }

    @JsonPropertyOrder({"type", "command", "timeout", "check-endpoint", "vip", "instance", "source", "target"})
    static final class SwitchBlock extends Block {
        @JsonProperty("type") Scalar type;
        @JsonProperty("command") Argv command;
        @JsonProperty("timeout") Scalar timeout;
        @JsonProperty("check-endpoint") Scalar checkEndpoint;
        // keepalived's keys are kept raw until keepalived support defines them
        @JsonProperty("vip") Object vip;
        @JsonProperty("instance") Object instance;
        @JsonProperty("source") Object source;
        @JsonProperty("target") Object target;
    }

    @JsonPropertyOrder({"action", "master-name", "hosts"})
    static final class SentinelBlock extends Block {
        @JsonProperty("action") Scalar action;
        @JsonProperty("master-name") Scalar masterName;
        @JsonProperty("hosts") Argv hosts;
    }

    @JsonPropertyOrder({"source"})
    static final class AfterBlock extends Block {
        @JsonProperty("source") Scalar source;
    }

    @JsonPropertyOrder({"before", "after", "sample"})
    static final class VerifyBlock extends Block {
        @JsonProperty("before") Scalar before;
        @JsonProperty("after") Scalar after;
        @JsonProperty("sample") Scalar sample;
    }

    private static int line(JsonParser parser) {
        return parser.currentTokenLocation().getLineNr();
    }

    private static final class ScalarDeserializer extends StdDeserializer<Scalar> {
        private static final long serialVersionUID = 1L;

        ScalarDeserializer() {
            super(Scalar.class);
        }

        @Override
        public Scalar deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            if (parser.currentToken().isScalarValue()) {
                return new Scalar(parser.getText(), line(parser));
            }
            return (Scalar) context.handleUnexpectedToken(Scalar.class, parser);
        }
    }

    private static final class ArgvDeserializer extends StdDeserializer<Argv> {
        private static final long serialVersionUID = 1L;

        ArgvDeserializer() {
            super(Argv.class);
        }

        @Override
        public Argv deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            int line = line(parser);
            if (parser.currentToken().isScalarValue()) {
                String text = parser.getText().strip();
                return new Argv(text.isEmpty() ? List.of() : Arrays.asList(text.split("\\s+")), line);
            }
            if (!parser.isExpectedStartArrayToken()) {
                return (Argv) context.handleUnexpectedToken(Argv.class, parser);
            }
            List<String> items = new ArrayList<>();
            for (JsonToken token = parser.nextToken(); token != JsonToken.END_ARRAY; token = parser.nextToken()) {
                if (token == JsonToken.VALUE_NULL || !token.isScalarValue()) {
                    return (Argv) context.handleUnexpectedToken(Argv.class, parser);
                }
                items.add(parser.getText());
            }
            return new Argv(items, line);
        }
    }

    /** Wraps the bean deserializer of every {@link Block} to note the line where its map starts. */
    private static final class LineRecorder extends BeanDeserializerModifier {
        private static final long serialVersionUID = 1L;

        @Override
        public JsonDeserializer<?> modifyDeserializer(DeserializationConfig config, BeanDescription description,
                JsonDeserializer<?> deserializer) {
            return Block.class.isAssignableFrom(description.getBeanClass())
                    ? new LineRecording(deserializer) : deserializer;
        }
    }

    private static final class LineRecording extends DelegatingDeserializer {
        private static final long serialVersionUID = 1L;

        LineRecording(JsonDeserializer<?> delegate) {
            super(delegate);
        }

        @Override
        protected JsonDeserializer<?> newDelegatingInstance(JsonDeserializer<?> delegate) {
            return new LineRecording(delegate);
        }

        @Override
        public Object deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            int line = line(parser);
            Object value = super.deserialize(parser, context);
            if (value instanceof Block block) {
                block.line = line;
            }
            return value;
        }
    }
}
