package dev.ferry.core.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The record of one run, one JSON object per line, flushed to disk before the call returns: written before and
 * after every step and before every config change, so that a crash anywhere leaves enough for {@code resume}
 * (which still decides from live state) and {@code rollback}. Inside the cutover's pause, facts that live state
 * tells again are written without waiting for the disk ({@link #stepFactLazily}); the next entry flushes them.
 */
public final class Journal {
    public static final String RUN = "run";
    public static final String STEP = "step";
    public static final String CONFIG = "config";
    public static final String END = "end";

    /** More than the JVM's reflection inflation threshold (15). */
    private static final int WARM_CALLS = 20;
    private static final ObjectMapper JSON = new ObjectMapper()
            .registerModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path file;
    private final Clock clock;
    private final List<JournalEntry> entries;

    private Journal(Path file, Clock clock, List<JournalEntry> entries) {
        this.file = file;
        this.clock = clock;
        this.entries = entries;
    }

    public static Path fileFor(Path stateDir, String specName) {
        return stateDir.resolve(specName + ".journal.jsonl");
    }

    public static Journal open(Path stateDir, String specName, Clock clock) {
        Path file = fileFor(stateDir, specName);
        return new Journal(file, clock, Files.exists(file) ? read(file) : new ArrayList<>());
    }

    private static List<JournalEntry> read(Path file) {
        List<JournalEntry> entries = new ArrayList<>();
        try {
            int lineNo = 0;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    entries.add(JSON.readValue(line, JournalEntry.class));
                } catch (JsonProcessingException e) {
                    // a crash mid-write can leave a torn last line; anything else is corruption
                    if (lineNo < Files.readAllLines(file).size()) {
                        throw new FerryException(ExitCode.JOURNAL, file + ":" + lineNo
                                + ": journal line is not valid JSON: restore the file or move it away and check the servers by hand");
                    }
                }
            }
        } catch (IOException e) {
            throw new FerryException(ExitCode.JOURNAL, "cannot read journal " + file + ": " + e.getMessage());
        }
        return entries;
    }

    public Path file() {
        return file;
    }

    public boolean exists() {
        return !entries.isEmpty();
    }

    public List<JournalEntry> entries() {
        return List.copyOf(entries);
    }

    public synchronized void append(String kind, String step, String status, Map<String, Object> facts) {
        append(kind, step, status, facts, true);
    }

    /**
     * {@code force}: whether the entry is on disk (fsync) before this returns. Every entry is written at once, so a
     * crash of ferry itself never loses it; only an OS crash can lose an unforced one, and the next forced entry
     * makes it durable too (fsync flushes the whole file, so what survives is always a prefix of the journal).
     */
    private synchronized void append(String kind, String step, String status, Map<String, Object> facts, boolean force) {
        JournalEntry entry = new JournalEntry(clock.instant(), kind, step, status, new LinkedHashMap<>(facts));
        try {
            Files.createDirectories(file.getParent());
            byte[] line = (JSON.writeValueAsString(entry) + "\n").getBytes(StandardCharsets.UTF_8);
            try (FileChannel ch = FileChannel.open(file, java.util.Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.READ), PrivateFiles.ownerOnly())) {
                appendWhole(ch, line, force);
            }
        } catch (IOException e) {
            throw new FerryException(ExitCode.JOURNAL, "cannot write journal " + file + " (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + "): free space or fix that folder, then run"
                    + " ferry resume (the journal is intact up to its last complete entry)", e);
        }
        entries.add(entry);
    }

    /**
     * All of {@code line} or nothing: a write cut short (ENOSPC, a quota) is cut back to the previous end, so the
     * journal never holds a torn line that a later entry would bury in the middle, where it reads as corruption.
     */
    private static void appendWhole(FileChannel ch, byte[] line, boolean force) throws IOException {
        long end = completeEnd(ch);
        if (end < ch.size()) {
            ch.truncate(end); // a torn line a crash left: reading already skips it, appending would bury it
        }
        try {
            java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(line);
            long at = end;
            while (buffer.hasRemaining()) {
                at += ch.write(buffer, at); // positioned at the end: the run lock makes this the only writer
            }
            if (force) {
                ch.force(true);
            }
        } catch (IOException e) {
            try {
                ch.truncate(end);
                ch.force(true);
            } catch (IOException alsoFailed) {
                e.addSuppressed(alsoFailed);
            }
            throw e;
        }
    }

    /** Where the last complete line ends (just past its newline), 0 when there is none. */
    private static long completeEnd(FileChannel ch) throws IOException {
        long pos = ch.size();
        java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
        while (pos > 0) {
            one.clear();
            ch.read(one, pos - 1);
            if (one.get(0) == '\n') {
                return pos;
            }
            pos--;
        }
        return 0;
    }

    /**
     * Serialises a throwaway entry (writes nothing) often enough that the first calls' costs fall before the
     * cutover's window: Java 17 turns a reflective getter call into generated code on its 16th call, a few ms.
     */
    public void warm() {
        JournalEntry entry = new JournalEntry(clock.instant(), STEP, "warm", "WARM", Map.of("offset", 0L, "ms", 0.5));
        try {
            for (int i = 0; i < WARM_CALLS; i++) {
                JSON.writeValueAsString(entry);
            }
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a journal entry cannot be serialised: " + e.getMessage(), e);
        }
    }

    public void stepStarted(String step, Map<String, Object> facts) {
        append(STEP, step, "STARTED", facts);
    }

    public void stepCompleted(String step, Map<String, Object> facts) {
        append(STEP, step, "COMPLETED", facts);
    }

    public void stepFailed(String step, String error) {
        append(STEP, step, "FAILED", Map.of("error", error));
    }

    /** A fact learned in the middle of a step (an offset captured, b promoted), journaled the moment it is true. */
    public void stepFact(String step, String status, Map<String, Object> facts) {
        append(STEP, step, status, facts);
    }

    public void stepFact(String step, Milestone milestone, Map<String, Object> facts) {
        stepFact(step, milestone.journaled(), facts);
    }

    /**
     * A fact that is already true and that live state tells again (b is master, a follows b, the traffic moved),
     * journaled inside the cutover's pause without waiting for the disk: written at once (a crash of ferry keeps
     * it), made durable by the next entry that must be (an old value before a change, a milestone before an action)
     * or by the step's end. Never for an entry that must be on disk before the action it announces.
     */
    public void stepFactLazily(String step, String status, Map<String, Object> facts) {
        append(STEP, step, status, facts, false);
    }

    public void stepFactLazily(String step, Milestone milestone, Map<String, Object> facts) {
        stepFactLazily(step, milestone.journaled(), facts);
    }

    public void ended(RunStatus status, Map<String, Object> facts) {
        append(END, null, status.name(), facts);
    }

    public RunStatus status() {
        if (entries.isEmpty()) {
            return RunStatus.NONE;
        }
        JournalEntry last = entries.get(entries.size() - 1);
        if (END.equals(last.kind())) {
            return RunStatus.valueOf(last.status());
        }
        return failedStep().isPresent() ? RunStatus.FAILED : RunStatus.IN_PROGRESS;
    }

    /** The step whose last entry is FAILED, if the run has not been resumed past it. */
    public Optional<String> failedStep() {
        for (int i = entries.size() - 1; i >= 0; i--) {
            JournalEntry e = entries.get(i);
            if (STEP.equals(e.kind())) {
                return "FAILED".equals(e.status()) ? Optional.of(e.step()) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    public boolean completed(String step) {
        return lastOf(step).map(e -> "COMPLETED".equals(e.status())).orElse(false);
    }

    public boolean started(String step) {
        return lastOf(step).isPresent();
    }

    /** Has this step ever journaled the given status (a milestone such as PROMOTED)? */
    public boolean reached(String step, String status) {
        return entries.stream().anyMatch(e -> STEP.equals(e.kind()) && step.equals(e.step()) && status.equals(e.status()));
    }

    public boolean reached(String step, Milestone milestone) {
        return reached(step, milestone.journaled());
    }

    public Optional<JournalEntry> lastOf(String step) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            JournalEntry e = entries.get(i);
            if (STEP.equals(e.kind()) && step.equals(e.step())) {
                return Optional.of(e);
            }
        }
        return Optional.empty();
    }

    /** Every fact journaled for a step, later entries overriding earlier ones. */
    public Map<String, Object> facts(String step) {
        Map<String, Object> facts = new LinkedHashMap<>();
        entries.stream().filter(e -> STEP.equals(e.kind()) && step.equals(e.step())).forEach(e -> facts.putAll(e.facts()));
        return facts;
    }

    public Optional<JournalEntry> runEntry() {
        return entries.stream().filter(e -> RUN.equals(e.kind())).reduce((first, second) -> second);
    }

    /** Config changes that have been neither restored nor knowingly left, oldest first. */
    public List<ConfigChange> pendingConfigChanges() {
        Map<String, ConfigChange> pending = new LinkedHashMap<>();
        for (JournalEntry e : entries) {
            if (!CONFIG.equals(e.kind())) {
                continue;
            }
            String server = String.valueOf(e.fact("server"));
            String key = String.valueOf(e.fact("key"));
            String id = server + "/" + key;
            if ("CHANGED".equals(e.status())) {
                // the first change holds the value the operator had; later ones must not overwrite it
                pending.putIfAbsent(id, new ConfigChange(server, key, String.valueOf(e.fact("old")),
                        String.valueOf(e.fact("new"))));
            } else {
                pending.remove(id);
            }
        }
        return List.copyOf(pending.values());
    }

    /** Keeps the old journal beside the new one for the record, and starts empty. */
    public void archive() {
        if (!Files.exists(file)) {
            return;
        }
        String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(java.time.ZoneOffset.UTC).format(clock.instant());
        try {
            Files.move(file, file.resolveSibling(file.getFileName() + "." + stamp + ".old"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot archive journal " + file, e);
        }
        entries.clear();
    }

    public static ObjectMapper json() {
        return JSON;
    }
}
