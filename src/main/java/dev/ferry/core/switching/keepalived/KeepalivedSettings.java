package dev.ferry.core.switching.keepalived;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.host.HostExec;
import dev.ferry.core.host.Redactor;
import dev.ferry.core.spec.Endpoint;
import dev.ferry.core.spec.Spec;
import dev.ferry.core.spec.Switch;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The keys of a keepalived switch, checked, with the host defaults filled in from the spec's servers. */
public record KeepalivedSettings(String vip, String instance, KeepalivedSide source, KeepalivedSide target,
        Duration timeout) {
    /** The keys of switch.source and switch.target; public so a test can hold the spec reference to them. */
    public static final Set<String> SIDE_KEYS = Set.of("exec", "config", "reload", "running", "handover-file");
    /** Each host command gets this long; the VIP wait is bounded by switch.timeout. */
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(15);

    public static KeepalivedSettings from(Spec spec, Redactor redactor) {
        Switch s = spec.switchSpec();
        Map<String, Object> o = s.options();
        String file = spec.specFile().getFileName().toString();
        return new KeepalivedSettings(required(o, "vip", file), required(o, "instance", file),
                side("source", o.get("source"), spec.source(), file, redactor),
                side("target", o.get("target"), spec.target(), file, redactor), s.timeout());
    }

    private static String required(Map<String, Object> o, String key, String file) {
        Object v = o.get(key);
        if (!(v instanceof String text) || text.isBlank()) {
            throw bad(file, "switch." + key + " is required for a keepalived switch");
        }
        return text;
    }

    private static KeepalivedSide side(String role, Object block, Endpoint server, String file, Redactor redactor) {
        Map<?, ?> keys = block == null ? Map.of() : block instanceof Map<?, ?> m ? m : null;
        if (keys == null) {
            throw bad(file, "switch." + role + " must be a map (exec, config, reload, running, handover-file)");
        }
        for (Object key : keys.keySet()) {
            if (!SIDE_KEYS.contains(String.valueOf(key))) {
                throw bad(file, "unknown key switch." + role + "." + key + " (use exec, config, reload, running, handover-file)");
            }
        }
        List<String> exec = keys.containsKey("exec") ? execOf(keys.get("exec"), role, file) : server.exec();
        String label = (role.equals("source") ? "a" : "b") + " (" + (exec.isEmpty() ? "local" : String.join(" ", exec)) + ")";
        HostExec host = new HostExec(label, exec, COMMAND_TIMEOUT, redactor);
        return new KeepalivedSide(role, host, text(keys, "config", KeepalivedSide.DEFAULT_CONFIG),
                text(keys, "reload", KeepalivedSide.DEFAULT_RELOAD), text(keys, "running", KeepalivedSide.DEFAULT_RUNNING),
                java.util.Optional.ofNullable(keys.get("handover-file")).map(String::valueOf));
    }

    private static List<String> execOf(Object value, String role, String file) {
        if (value instanceof String text) {
            return HostExec.splitPrefix(text);
        }
        if (value instanceof List<?> list) {
            return list.stream().map(String::valueOf).toList();
        }
        throw bad(file, "switch." + role + ".exec must be a string or a list");
    }

    private static String text(Map<?, ?> keys, String key, String fallback) {
        Object v = keys.get(key);
        return v == null ? fallback : String.valueOf(v);
    }

    private static FerryException bad(String file, String message) {
        return new FerryException(ExitCode.BAD_SPEC, file + ": " + message);
    }
}
