package dev.ferry.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A redis-server (or valkey-server) executable plus a human label for reports.
 * Value class: two instances are equal when path and label are.
 */
public final class RedisBinary {

    /** Where Debian's package puts the server; preferred over PATH so the version is predictable. */
    static final Path APT_SERVER = Paths.get("/usr/bin/redis-server");
    static final String SHARED_ENV = "FERRY_SHARED_REDIS";
    private static final Pattern VERSION = Pattern.compile("\\bv=(\\d+\\.\\d+\\.\\d+)");
    /** Upper bound for walking up from the working directory; deep enough for any checkout. */
    private static final int MAX_PARENT_WALK = 12;

    private final Path path;
    private final String label;

    private RedisBinary(Path path, String label) {
        this.path = Objects.requireNonNull(path, "path");
        this.label = Objects.requireNonNull(label, "label");
    }

    /** The distribution's server: /usr/bin/redis-server, else the first redis-server on PATH. */
    public static RedisBinary system() {
        return SystemHolder.INSTANCE;
    }

    /** A server from the shared folder, e.g. "3.0.4" or "valkey-8.0.1"; may be unavailable. */
    public static RedisBinary shared(String version) {
        Objects.requireNonNull(version, "version");
        Path dir = sharedRoot().orElse(Paths.get("shared", "redis")).resolve(version);
        return new RedisBinary(executableIn(dir, version), version);
    }

    /** A binary at an explicit path (labelled by its reported version). */
    public static RedisBinary at(Path executable) {
        Path abs = executable.toAbsolutePath();
        return new RedisBinary(abs, probeVersion(abs).orElse(abs.getFileName().toString()));
    }

    /** Versions present in the shared folder (sorted), empty when the folder cannot be found. */
    public static List<String> sharedVersions() {
        Optional<Path> root = sharedRoot();
        if (root.isEmpty()) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(root.get())) {
            return dirs.filter(Files::isDirectory)
                    .map(d -> d.getFileName().toString())
                    .filter(v -> Files.isExecutable(executableIn(root.get().resolve(v), v)))
                    .sorted(RedisBinary::compareVersions)
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /**
     * The shared servers folder: $FERRY_SHARED_REDIS, else the first {@code shared/redis} found
     * walking up from the working directory (which also covers CI's {@code ../shared/redis}).
     */
    public static Optional<Path> sharedRoot() {
        String env = System.getenv(SHARED_ENV);
        if (env != null && !env.isBlank() && Files.isDirectory(Paths.get(env))) {
            return Optional.of(Paths.get(env).toAbsolutePath().normalize());
        }
        Path dir = Paths.get("").toAbsolutePath();
        for (int i = 0; i < MAX_PARENT_WALK && dir != null; i++, dir = dir.getParent()) {
            Path candidate = dir.resolve("shared").resolve("redis");
            if (Files.isDirectory(candidate)) {
                return Optional.of(candidate.normalize());
            }
        }
        return Optional.empty();
    }

    public Path path() {
        return path;
    }

    public String label() {
        return label;
    }

    public boolean isAvailable() {
        return Files.isRegularFile(path) && Files.isExecutable(path);
    }

    /** The "x.y.z" the executable reports with --version, or empty when it cannot run. */
    public Optional<String> version() {
        return isAvailable() ? probeVersion(path) : Optional.empty();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RedisBinary other && path.equals(other.path) && label.equals(other.label);
    }

    @Override
    public int hashCode() {
        return Objects.hash(path, label);
    }

    @Override
    public String toString() {
        return label + " (" + path + ")";
    }

    private static Path executableIn(Path dir, String version) {
        // Valkey ships valkey-server; the folder name tells which one to expect.
        String name = version.startsWith("valkey") ? "valkey-server" : "redis-server";
        return dir.resolve(name);
    }

    private static RedisBinary findSystem() {
        Path exe = Files.isExecutable(APT_SERVER) ? APT_SERVER : onPath("redis-server").orElse(APT_SERVER);
        String suffix = exe.equals(APT_SERVER) ? "(apt)" : "(system)";
        String version = Files.isExecutable(exe) ? probeVersion(exe).orElse("unknown") : "missing";
        return new RedisBinary(exe, version + suffix);
    }

    private static Optional<Path> onPath(String name) {
        String pathVar = System.getenv("PATH");
        if (pathVar == null) {
            return Optional.empty();
        }
        for (String entry : pathVar.split(java.io.File.pathSeparator)) {
            Path candidate = Paths.get(entry.isEmpty() ? "." : entry).resolve(name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toAbsolutePath());
            }
        }
        return Optional.empty();
    }

    /** Runs {@code <exe> --version}; bounded to 5 s so a broken binary cannot hang a test run. */
    static Optional<String> probeVersion(Path exe) {
        try {
            Process p = new ProcessBuilder(exe.toString(), "--version").redirectErrorStream(true).start();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readNBytes(4096), StandardCharsets.UTF_8);
            }
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Optional.empty();
            }
            Matcher m = VERSION.matcher(out);
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Numeric-aware order so "10.0.0" sorts after "7.2.6"; non-numeric names (valkey-…) go last. */
    static int compareVersions(String a, String b) {
        boolean an = Character.isDigit(a.isEmpty() ? 'x' : a.charAt(0));
        boolean bn = Character.isDigit(b.isEmpty() ? 'x' : b.charAt(0));
        if (an != bn) {
            return an ? -1 : 1;
        }
        return versionKey(a).compareTo(versionKey(b));
    }

    private static String versionKey(String v) {
        List<String> parts = new ArrayList<>();
        for (String part : v.split("[.-]")) {
            parts.add(part.chars().allMatch(Character::isDigit) && !part.isEmpty()
                    ? String.format("%08d", Long.parseLong(part)) : part);
        }
        return String.join(".", parts);
    }

    /** Lazy holder: probing the system binary forks a process, so do it once per JVM. */
    private static final class SystemHolder {
        static final RedisBinary INSTANCE = findSystem();
    }
}
