package dev.ferry.core.spec;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated spec: move the live master {@code source} (a) to {@code target} (b), with {@code backup} (c) as b's
 * replica. Built by {@link SpecLoader}; it holds where secrets come from, never the secrets.
 */
public record Spec(String name, Endpoint source, Endpoint target, Optional<Endpoint> backup, CutoverSpec cutover,
        Switch switchSpec, After after, Path specFile, VerifySpec verify, Sentinel sentinel, SyncSpec sync) {

    public Spec {
        requireNonNull(name, "name");
        requireNonNull(source, "source");
        requireNonNull(target, "target");
        requireNonNull(backup, "backup");
        requireNonNull(cutover, "cutover");
        requireNonNull(switchSpec, "switchSpec");
        requireNonNull(after, "after");
        requireNonNull(specFile, "specFile");
        requireNonNull(verify, "verify");
        requireNonNull(sentinel, "sentinel");
        requireNonNull(sync, "sync");
    }

    /** A spec whose sync method is {@code auto} (the default). */
    public Spec(String name, Endpoint source, Endpoint target, Optional<Endpoint> backup, CutoverSpec cutover,
            Switch switchSpec, After after, Path specFile, VerifySpec verify, Sentinel sentinel) {
        this(name, source, target, backup, cutover, switchSpec, after, specFile, verify, sentinel, SyncSpec.DEFAULT);
    }

    /** This spec with the sync method {@code method}: what {@code auto} resolved to. */
    public Spec withSyncMethod(SyncSpec.Method method) {
        return new Spec(name, source, target, backup, cutover, switchSpec, after, specFile, verify, sentinel,
                new SyncSpec(method, sync.maxOps()));
    }

    /** The sync method is the logical copy (forced, or what {@code auto} resolved to). */
    public boolean logicalSync() {
        return sync.method() == SyncSpec.Method.LOGICAL;
    }

    /** A spec with the default verify steps and no {@code sentinel:} block. */
    public Spec(String name, Endpoint source, Endpoint target, Optional<Endpoint> backup, CutoverSpec cutover,
            Switch switchSpec, After after, Path specFile) {
        this(name, source, target, backup, cutover, switchSpec, after, specFile, VerifySpec.DEFAULT, Sentinel.NONE);
    }

    /** A spec with these verify steps and no {@code sentinel:} block. */
    public Spec(String name, Endpoint source, Endpoint target, Optional<Endpoint> backup, CutoverSpec cutover,
            Switch switchSpec, After after, Path specFile, VerifySpec verify) {
        this(name, source, target, backup, cutover, switchSpec, after, specFile, verify, Sentinel.NONE);
    }

    /** A spec with the default verify steps. */
    public Spec(String name, Endpoint source, Endpoint target, Optional<Endpoint> backup, CutoverSpec cutover,
            Switch switchSpec, After after, Path specFile, Sentinel sentinel) {
        this(name, source, target, backup, cutover, switchSpec, after, specFile, VerifySpec.DEFAULT, sentinel);
    }

    /** The folder of the spec file: relative hook commands and paths in the spec are relative to it. */
    public Path specDir() {
        Path parent = specFile.toAbsolutePath().getParent();
        return parent != null ? parent : specFile.toAbsolutePath().getRoot();
    }

    /** source, target and backup (if any), in that order. */
    public List<Endpoint> servers() {
        List<Endpoint> servers = new ArrayList<>(List.of(source, target));
        backup.ifPresent(servers::add);
        return List.copyOf(servers);
    }

    /**
     * Reads the password of {@code server}, or returns empty when it has none.
     *
     * @throws SpecException naming the spec file, the server and the variable or file, never the password
     */
    public Optional<Credentials> credentials(Endpoint server, SecretSource secrets) {
        requireNonNull(server, "server");
        return resolve(server.auth(), server.role(), secrets);
    }

    /** The Sentinels' own password ({@code sentinel.auth}), or empty when they need none. */
    public Optional<Credentials> sentinelCredentials(SecretSource secrets) {
        return resolve(sentinel.auth(), "sentinel", secrets);
    }

    private Optional<Credentials> resolve(Optional<AuthSpec> auth, String who, SecretSource secrets) {
        try {
            return auth.flatMap(spec -> spec.resolve(secrets));
        } catch (SpecException e) {
            Path fileName = specFile.getFileName();
            throw new SpecException((fileName != null ? fileName : specFile) + ": " + who + " " + e.getMessage());
        }
    }

    /**
     * The spec as plain maps, lists and strings for reports and JSON: durations as written ("2s"), enums by their
     * spec names, and for auth only the names of variables and files, never a password.
     */
    public Map<String, Object> redacted() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("name", name);
        view.put("spec-file", specFile.toString());
        for (Endpoint server : servers()) {
            view.put(server.role(), SpecView.endpoint(server));
        }
        view.put("cutover", SpecView.cutover(cutover));
        view.put("switch", SpecView.switchSpec(switchSpec));
        view.put("after", Map.of("source", after.source().label()));
        view.put("verify", Map.of("before", verify.before().label(), "after", verify.after().label(),
                "sample", verify.sample()));
        view.put("sync", Map.of("method", sync.method().label(), "max-ops", sync.maxOps()));
        if (sentinel.action() != Sentinel.Action.FAIL) {
            view.put("sentinel", SpecView.sentinel(sentinel));
        }
        return SpecView.freeze(view);
    }
}
