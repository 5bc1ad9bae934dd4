package dev.ferry.core.spec;

import dev.ferry.core.spec.SpecDocument.Auth;
import dev.ferry.core.spec.SpecDocument.Block;
import dev.ferry.core.spec.SpecDocument.CutoverBlock;
import dev.ferry.core.spec.SpecDocument.Host;
import dev.ferry.core.spec.SpecDocument.Root;
import dev.ferry.core.spec.SpecDocument.Scalar;
import dev.ferry.core.spec.SpecDocument.SwitchBlock;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** Checks the values of a bound {@link Root} and builds the immutable {@link Spec}. */
final class SpecConverter {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern COMMAND = Pattern.compile("[A-Za-z0-9_|.-]{1,64}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Map<String, String> EXAMPLES = Map.of(
            "name", "name: orders-cache",
            "source", "source: { host: 10.0.0.1, port: 6379 }",
            "target", "target: { host: 10.0.0.2, port: 6379 }");

    private final Problems problems;
    private final Path specFile;
    private final Path specDir;

    SpecConverter(Problems problems, Path specFile) {
        this.problems = problems;
        this.specFile = specFile;
        Path parent = specFile.toAbsolutePath().getParent();
        this.specDir = parent != null ? parent : specFile.toAbsolutePath();
    }

    Spec convert(Root root) {
        requireTopLevel(root);
        Optional<AuthSpec> auth = auth(root.auth, "auth");
        Shared shared = new Shared(auth, renames(root.rename, "rename", root.line), tls(root.tls, "tls"));
        Endpoint source = endpoint("source", root.source, shared);
        Endpoint target = endpoint("target", root.target, shared);
        Optional<Endpoint> backup = Optional.ofNullable(root.backup).map(host -> endpoint("backup", host, shared));
        requireDistinct(root, source, target, backup);
        return new Spec(name(root.name), source, target, backup, cutover(root.cutover, root.switchBlock),
                switchSpec(root.switchBlock), after(root.after), specFile, verify(root.verify), sentinel(root.sentinel),
                sync(root.sync));
    }

    private void requireTopLevel(Root root) {
        List<String> missing = new ArrayList<>();
        if (isBlank(root.name)) {
            missing.add("name");
        }
        if (root.source == null) {
            missing.add("source");
        }
        if (root.target == null) {
            missing.add("target");
        }
        if (!missing.isEmpty()) {
            throw problems.file("missing required key" + (missing.size() > 1 ? "s " : " ") + quoteAll(missing)
                    + " (add e.g. " + String.join("; ", missing.stream().map(EXAMPLES::get).toList()) + ")");
        }
    }

    String name(Scalar value) {
        String name = value.text();
        if (!NAME.matcher(name).matches() || name.equals(".") || name.equals("..")) {
            throw problems.at(value.line(), "invalid name '" + name + "' (use 1 to 64 letters, digits, '.', '_'"
                    + " or '-', not just dots: the name becomes a file name)");
        }
        return name;
    }

    /** What the top level of the spec gives every host that does not say otherwise. */
    private record Shared(Optional<AuthSpec> auth, Map<String, String> renames, Optional<TlsSpec> tls) {
    }

    private Endpoint endpoint(String role, Host block, Shared shared) {
        if (isBlank(block.host)) {
            throw problems.at(block.line, "missing required key 'host' in " + role
                    + " (add e.g. host: 10.0.0.1)");
        }
        Optional<AuthSpec> auth = block.auth != null ? auth(block.auth, role + ".auth") : shared.auth();
        Optional<TlsSpec> tls = block.tls != null ? tls(block.tls, role + ".tls") : shared.tls();
        List<String> exec = block.exec == null ? List.of() : block.exec.items();
        Map<String, String> renames = new LinkedHashMap<>(shared.renames());
        renames.putAll(renames(block.rename, role + ".rename", block.line));
        return new Endpoint(role, host(role, block.host), port(role, block.port), auth, exec, renames, tls);
    }

    /** {@code tls: { ca-file, cert-file, key-file, server-name }}; an empty {@code tls: {}} is TLS with the JVM's CAs. */
    Optional<TlsSpec> tls(SpecDocument.Tls block, String key) {
        if (block == null) {
            return Optional.empty();
        }
        if ((block.certFile == null) != (block.keyFile == null)) {
            throw problems.at(block.line, key + " needs cert-file and key-file together (add the missing one, or"
                    + " remove both when the server does not ask for client certificates)");
        }
        Optional<String> serverName = Optional.ofNullable(block.serverName).map(value -> {
            String name = value.text().strip();
            if (name.isEmpty() || name.chars().anyMatch(Character::isWhitespace)) {
                throw problems.at(value.line(), "invalid " + key + ".server-name '" + value.text()
                        + "' (write the name in the server's certificate, e.g. server-name: redis.internal)");
            }
            return name;
        });
        return Optional.of(new TlsSpec(pemFile(block.caFile, key + ".ca-file"), pemFile(block.certFile,
                key + ".cert-file"), pemFile(block.keyFile, key + ".key-file"), serverName));
    }

    private Optional<Path> pemFile(Scalar value, String key) {
        if (value == null) {
            return Optional.empty();
        }
        if (value.text().isBlank()) {
            throw problems.at(value.line(), key + " is empty (write the path of a PEM file, e.g. "
                    + key.substring(key.lastIndexOf('.') + 1) + ": /etc/ferry/tls/ca.crt)");
        }
        return Optional.of(specDir.resolve(value.text()).normalize());
    }

    /** {@code rename: { CONFIG: XCONFIG }}: a command renamed in redis.conf, and the name ferry must send instead. */
    Map<String, String> renames(Map<String, Scalar> block, String key, int blockLine) {
        Map<String, String> renames = new LinkedHashMap<>();
        if (block == null) {
            return renames;
        }
        block.forEach((command, to) -> {
            int line = to == null ? blockLine : to.line();
            if (!COMMAND.matcher(command).matches()) {
                throw problems.at(line, "invalid " + key + " command '" + command
                        + "' (write the original command name, e.g. CONFIG: XCONFIG)");
            }
            if (to == null || !COMMAND.matcher(to.text().strip()).matches()) {
                throw problems.at(line, "invalid " + key + "." + command + " (write the name the server knows it by,"
                        + " e.g. " + command.toUpperCase(Locale.ROOT) + ": X" + command.toUpperCase(Locale.ROOT)
                        + "; a disabled command cannot be mapped)");
            }
            renames.put(command.toUpperCase(Locale.ROOT), to.text().strip());
        });
        return renames;
    }

    String host(String role, Scalar value) {
        String host = value.text().strip();
        if (host.isEmpty() || host.chars().anyMatch(Character::isWhitespace)) {
            throw problems.at(value.line(), "invalid " + role + ".host '" + value.text()
                    + "' (write a host name or IP address, e.g. host: 10.0.0.1)");
        }
        if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
            // one colon is host:port written into host; IPv6 addresses have several
            throw problems.at(value.line(), "invalid " + role + ".host '" + host
                    + "' (write the port separately: host: " + host.substring(0, host.indexOf(':'))
                    + ", port: " + host.substring(host.indexOf(':') + 1) + ")");
        }
        return host;
    }

    private int port(String role, Scalar value) {
        if (value == null) {
            return Endpoint.DEFAULT_PORT;
        }
        int port;
        try {
            port = Integer.parseInt(value.text().strip());
        } catch (NumberFormatException e) {
            throw problems.at(value.line(), "invalid " + role + ".port '" + value.text()
                    + "' (write a whole number, e.g. port: 6379)");
        }
        return checked(value.line(), "Redis' default is 6379", () -> Checks.port(role + ".port", port));
    }

    Optional<AuthSpec> auth(Auth block, String key) {
        if (block == null) {
            return Optional.empty();
        }
        if (block.passwordEnv != null && block.passwordFile != null) {
            throw problems.at(block.line, key + " has both password-env and password-file (keep one of them)");
        }
        Optional<String> username = Optional.ofNullable(block.username).map(value -> username(value, key));
        Optional<String> env = Optional.ofNullable(block.passwordEnv).map(value -> envName(value, key));
        Optional<Path> file = Optional.ofNullable(block.passwordFile).map(value -> passwordFile(value, key));
        if (username.isPresent() && env.isEmpty() && file.isEmpty()) {
            throw problems.at(block.line, key + " has a username but no password"
                    + " (add password-env: SOME_ENV_VAR or password-file: /path/to/file, or remove username)");
        }
        AuthSpec auth = new AuthSpec(username, env, file);
        // an empty auth: {} means "no password", which for a host also overrides the top-level auth
        return auth.equals(AuthSpec.NONE) ? Optional.empty() : Optional.of(auth);
    }

    private String username(Scalar value, String key) {
        if (value.text().isBlank()) {
            throw problems.at(value.line(), key + ".username is empty (remove it to log in as the default user)");
        }
        return value.text();
    }

    private String envName(Scalar value, String key) {
        if (!ENV_NAME.matcher(value.text()).matches()) {
            // the value is not echoed: someone may have pasted the password itself here
            throw problems.at(value.line(), key + ".password-env must be the name of an environment variable"
                    + " holding the password, e.g. password-env: REDIS_PASSWORD (letters, digits and '_')");
        }
        return value.text();
    }

    private Path passwordFile(Scalar value, String key) {
        if (value.text().isBlank()) {
            throw problems.at(value.line(), key + ".password-file is empty"
                    + " (write the path of a file holding the password, e.g. password-file: /etc/ferry/redis.pw)");
        }
        return specDir.resolve(value.text()).normalize();
    }

    private void requireDistinct(Root root, Endpoint source, Endpoint target, Optional<Endpoint> backup) {
        List<Endpoint> servers = new ArrayList<>(List.of(source, target));
        backup.ifPresent(servers::add);
        List<Host> blocks = Arrays.asList(root.source, root.target, root.backup);
        for (int later = 1; later < servers.size(); later++) {
            for (int earlier = 0; earlier < later; earlier++) {
                if (sameServer(servers.get(earlier), servers.get(later))) {
                    throw problems.at(blocks.get(later).line, servers.get(earlier).role() + " and "
                            + servers.get(later).role() + " are the same server " + servers.get(later).address()
                            + " (source, target and backup must each be a different host:port)");
                }
            }
        }
    }

    private static boolean sameServer(Endpoint left, Endpoint right) {
        return left.port() == right.port() && left.host().equalsIgnoreCase(right.host());
    }

    private CutoverSpec cutover(CutoverBlock block, SwitchBlock switchBlock) {
        boolean keepalived = switchBlock != null && switchBlock.type != null
                && "keepalived".equalsIgnoreCase(switchBlock.type.text());
        CutoverSpec defaults = keepalived ? CutoverSpec.KEEPALIVED_DEFAULT : CutoverSpec.DEFAULT;
        if (block == null) {
            return defaults;
        }
        CutoverSpec.Mode mode = choice(block.mode, "cutover.mode", CutoverSpec.Mode.values(), defaults.mode());
        Duration maxPause = duration(block.maxPause, "cutover.max-pause", defaults.maxPause());
        Duration catchUp = duration(block.catchUp, "cutover.catch-up", defaults.catchUp());
        Duration drainWatch = duration(block.drainWatch, "cutover.drain-watch", defaults.drainWatch());
        int pauseLine = line(block.maxPause, block);
        check(pauseLine, "write e.g. max-pause: 2s", () -> Checks.positive("cutover.max-pause", maxPause));
        check(pauseLine, "writes are held for the whole pause; write e.g. max-pause: 2s",
                () -> Checks.atMost("cutover.max-pause", maxPause, CutoverSpec.MAX_PAUSE_LIMIT));
        check(line(block.catchUp, block), "write e.g. catch-up: 1h",
                () -> Checks.positive("cutover.catch-up", catchUp));
        check(line(block.drainWatch, block), "write e.g. drain-watch: 10s, or 0s to skip it",
                () -> Checks.notNegative("cutover.drain-watch", drainWatch));
        return new CutoverSpec(mode, maxPause, catchUp, drainWatch);
    }

    private Switch switchSpec(SwitchBlock block) {
        if (block == null) {
            return Switch.NONE;
        }
        if (block.type == null) {
            throw problems.at(block.line, "missing required key 'type' in switch (add type: none, hook or keepalived)");
        }
        Switch.Type type = choice(block.type, "switch.type", Switch.Type.values(), Switch.Type.NONE);
        rejectMisplaced(block, type);
        Duration timeout = duration(block.timeout, "switch.timeout", Switch.DEFAULT_TIMEOUT);
        check(line(block.timeout, block), "write e.g. timeout: 30s", () -> Checks.positive("switch.timeout", timeout));
        Optional<String> checkEndpoint = Optional.ofNullable(block.checkEndpoint).map(this::checkEndpoint);
        return new Switch(type, hookCommand(block, type), timeout, checkEndpoint, keepalivedOptions(block));
    }

    private List<String> hookCommand(SwitchBlock block, Switch.Type type) {
        if (type != Switch.Type.HOOK) {
            return List.of();
        }
        if (block.command == null || block.command.items().isEmpty()) {
            int line = block.command == null ? block.line : block.command.line();
            throw problems.at(line, "switch type hook needs a command (add e.g. command: [\"./repoint.sh\"])");
        }
        return block.command.items();
    }

    private void rejectMisplaced(SwitchBlock block, Switch.Type type) {
        if (type != Switch.Type.HOOK) {
            misplaced("command", block.command == null ? null : block.command.line(), "hook");
        }
        if (type == Switch.Type.NONE) {
            // a keepalived switch uses it too: how long the VIP may take to move
            misplaced("timeout", block.timeout == null ? null : block.timeout.line(), "hook or keepalived");
        }
        if (type != Switch.Type.KEEPALIVED) {
            keepalivedOptions(block).keySet().forEach(key -> misplaced(key, block.line, "keepalived"));
        }
    }

    private void misplaced(String key, Integer line, String type) {
        if (line != null) {
            throw problems.at(line, "switch." + key + " applies only to type " + type
                    + " (remove it, or set type: " + type + ")");
        }
    }

    private static Map<String, Object> keepalivedOptions(SwitchBlock block) {
        Map<String, Object> options = new LinkedHashMap<>();
        putIfPresent(options, "vip", block.vip);
        putIfPresent(options, "instance", block.instance);
        putIfPresent(options, "source", block.source);
        putIfPresent(options, "target", block.target);
        return options;
    }

    private static void putIfPresent(Map<String, Object> options, String key, Object value) {
        if (value != null) {
            options.put(key, value);
        }
    }

    private String checkEndpoint(Scalar value) {
        return hostPort(value.text(), value.line(), "switch.check-endpoint",
                "check-endpoint: \"10.0.0.100:6379\"", "10.0.0.100:6379");
    }

    private String hostPort(String written, int line, String key, String example, String address) {
        String text = written.strip();
        int colon = text.lastIndexOf(':');
        String hint = "(write host:port, e.g. " + example + ")";
        if (colon <= 0 || colon == text.length() - 1) {
            throw problems.at(line, "invalid " + key + " '" + text + "' " + hint);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw problems.at(line, "invalid " + key + " '" + text + "' " + hint);
        }
        check(line, "write host:port, e.g. " + address, () -> Checks.port(key + " port", port));
        return text;
    }

    /** {@code sentinel: { master-name, hosts }} moves the Sentinels' watch to b; {@code action: ignore} only warns. */
    private Sentinel sentinel(SpecDocument.SentinelBlock block) {
        if (block == null) {
            return Sentinel.NONE;
        }
        boolean listed = block.hosts != null || block.masterName != null || block.auth != null;
        Sentinel.Action action = choice(block.action, "sentinel.action", Sentinel.Action.values(),
                listed ? Sentinel.Action.MOVE : Sentinel.Action.FAIL);
        if (action != Sentinel.Action.MOVE) {
            if (listed) {
                throw problems.at(block.line, "sentinel.master-name, hosts and auth apply only to action move"
                        + " (remove them, or set action: move)");
            }
            return new Sentinel(action, Optional.empty(), List.of());
        }
        if (isBlank(block.masterName) || block.hosts == null || block.hosts.items().isEmpty()) {
            throw problems.at(block.line, "sentinel needs master-name and hosts to move the Sentinels' watch from a"
                    + " to b (add e.g. master-name: orders, hosts: [\"10.0.0.5:26379\"]; or action: ignore)");
        }
        List<String> hosts = block.hosts.items().stream().map(host -> hostPort(host, block.hosts.line(),
                "sentinel.hosts entry", "hosts: [\"10.0.0.5:26379\"]", "10.0.0.5:26379")).toList();
        return new Sentinel(action, Optional.of(block.masterName.text().strip()), hosts,
                auth(block.auth, "sentinel.auth"));
    }

    private After after(SpecDocument.AfterBlock block) {
        if (block == null) {
            return After.DEFAULT;
        }
        return new After(choice(block.source, "after.source", After.SourceFate.values(), After.DEFAULT.source()));
    }

    private SyncSpec sync(SpecDocument.SyncBlock block) {
        if (block == null) {
            return SyncSpec.DEFAULT;
        }
        SyncSpec.Method method = choice(block.method, "sync.method", SyncSpec.Method.values(), SyncSpec.DEFAULT.method());
        long maxOps = 0;
        if (block.maxOps != null) {
            try {
                maxOps = Long.parseLong(block.maxOps.text().strip());
            } catch (NumberFormatException e) {
                throw problems.at(block.maxOps.line(), "invalid sync.max-ops '" + block.maxOps.text()
                        + "' (write a whole number of commands a second, e.g. max-ops: 20000, or 0 for no limit)");
            }
        }
        long ops = maxOps;
        return checked(line(block.maxOps, block), "e.g. max-ops: 20000", () -> new SyncSpec(method, ops));
    }

    VerifySpec verify(SpecDocument.VerifyBlock block) {
        if (block == null) {
            return VerifySpec.DEFAULT;
        }
        VerifySpec.Mode before = choice(block.before, "verify.before", VerifySpec.Mode.values(), VerifySpec.DEFAULT.before());
        VerifySpec.Mode after = choice(block.after, "verify.after", VerifySpec.Mode.values(), VerifySpec.DEFAULT.after());
        int sample = VerifySpec.DEFAULT_SAMPLE;
        if (block.sample != null) {
            try {
                sample = Integer.parseInt(block.sample.text().strip());
            } catch (NumberFormatException e) {
                throw problems.at(block.sample.line(), "invalid verify.sample '" + block.sample.text()
                        + "' (write a whole number of keys, e.g. sample: 1000)");
            }
        }
        int keys = sample;
        return checked(line(block.sample, block), "e.g. sample: 1000",
                () -> new VerifySpec(before, after, keys));
    }

    Duration duration(Scalar value, String key, Duration fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return Durations.parse(value.text());
        } catch (IllegalArgumentException e) {
            throw problems.at(value.line(), "invalid " + key + ": " + e.getMessage());
        }
    }

    <E extends Enum<E>> E choice(Scalar value, String key, E[] values, E fallback) {
        if (value == null) {
            return fallback;
        }
        Function<E, String> label = constant -> constant.name().toLowerCase(Locale.ROOT);
        for (E constant : values) {
            if (label.apply(constant).equalsIgnoreCase(value.text().strip())) {
                return constant;
            }
        }
        List<String> allowed = Arrays.stream(values).map(label).toList();
        String hint = Suggestions.closest(value.text(), allowed).map(best -> "did you mean '" + best + "'? ")
                .orElse("");
        throw problems.at(value.line(), "invalid " + key + " '" + value.text() + "' (" + hint + "allowed: "
                + String.join(", ", allowed) + ")");
    }

    private <T> T checked(int line, String hint, Supplier<T> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            throw problems.at(line, e.getMessage() + " (" + hint + ")");
        }
    }

    private void check(int line, String hint, Runnable check) {
        checked(line, hint, () -> {
            check.run();
            return null;
        });
    }

    // an empty YAML value ("name:") reads as "", and means the key was left out
    private static boolean isBlank(Scalar value) {
        return value == null || value.text().isBlank();
    }

    private static int line(Scalar value, Block block) {
        return value != null ? value.line() : block.line;
    }

    private static String quoteAll(List<String> keys) {
        return String.join(", ", keys.stream().map(key -> "'" + key + "'").toList());
    }
}
