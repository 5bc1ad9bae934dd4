package dev.ferry.core.spec;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Builds the JSON-able parts of {@link Spec#redacted()}; keys are spelled as in the spec file. */
final class SpecView {
    private SpecView() {
    }

    static Map<String, Object> endpoint(Endpoint server) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("host", server.host());
        view.put("port", server.port());
        view.put("address", server.address());
        server.auth().ifPresent(auth -> view.put("auth", auth(auth)));
        server.tls().ifPresent(tls -> view.put("tls", tls(tls)));
        view.put("exec", server.exec());
        if (!server.renames().isEmpty()) {
            view.put("rename", server.renames());
        }
        return view;
    }

    static Map<String, Object> auth(AuthSpec auth) {
        Map<String, Object> view = new LinkedHashMap<>();
        auth.username().ifPresent(user -> view.put("username", user));
        auth.passwordEnv().ifPresent(name -> view.put("password-env", name));
        auth.passwordFile().ifPresent(file -> view.put("password-file", file.toString()));
        return view;
    }

    /** Paths and the server name only: what the files hold is never shown. */
    static Map<String, Object> tls(TlsSpec tls) {
        Map<String, Object> view = new LinkedHashMap<>();
        tls.caFile().ifPresent(file -> view.put("ca-file", file.toString()));
        tls.certFile().ifPresent(file -> view.put("cert-file", file.toString()));
        tls.keyFile().ifPresent(file -> view.put("key-file", file.toString()));
        tls.serverName().ifPresent(name -> view.put("server-name", name));
        return view;
    }

    static Map<String, Object> sentinel(Sentinel sentinel) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("action", sentinel.action().label());
        sentinel.masterName().ifPresent(name -> view.put("master-name", name));
        if (!sentinel.hosts().isEmpty()) {
            view.put("hosts", sentinel.hosts());
        }
        sentinel.auth().ifPresent(auth -> view.put("auth", auth(auth)));
        return view;
    }

    static Map<String, Object> cutover(CutoverSpec cutover) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("mode", cutover.mode().label());
        view.put("max-pause", Durations.format(cutover.maxPause()));
        view.put("catch-up", Durations.format(cutover.catchUp()));
        view.put("drain-watch", Durations.format(cutover.drainWatch()));
        return view;
    }

    static Map<String, Object> switchSpec(Switch switchSpec) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("type", switchSpec.type().label());
        if (switchSpec.type() == Switch.Type.HOOK) {
            view.put("command", switchSpec.command());
            view.put("timeout", Durations.format(switchSpec.timeout()));
        }
        switchSpec.checkEndpoint().ifPresent(endpoint -> view.put("check-endpoint", endpoint));
        view.putAll(switchSpec.options());
        return view;
    }

    /** Deep, order-keeping, unmodifiable copy, so a report cannot change what the next one sees. */
    @SuppressWarnings("unchecked")
    static <T> T freeze(T value) {
        if (value instanceof Map<?, ?> map) {
            Map<Object, Object> copy = new LinkedHashMap<>();
            map.forEach((key, item) -> copy.put(key, freeze(item)));
            return (T) Collections.unmodifiableMap(copy);
        }
        if (value instanceof List<?> list) {
            List<Object> copy = new ArrayList<>();
            list.forEach(item -> copy.add(freeze(item)));
            return (T) Collections.unmodifiableList(copy);
        }
        return value;
    }
}
