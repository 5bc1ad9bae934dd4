package dev.ferry.core.generate;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Named files a generator produced: printed to stdout one after the other, or written into a folder. */
public final class Generated {
    private final Map<String, String> files = new LinkedHashMap<>();

    public Generated add(String name, String text) {
        files.put(name, text);
        return this;
    }

    public Map<String, String> files() {
        return Map.copyOf(files);
    }

    /** Writes each file into {@code dir}, or prints them with a header line each. */
    public void emit(Optional<Path> dir, PrintWriter out) {
        if (dir.isEmpty()) {
            files.forEach((name, text) -> out.print("### " + name + "\n" + text + (text.endsWith("\n") ? "" : "\n")));
            out.flush();
            return;
        }
        try {
            Files.createDirectories(dir.get());
            for (Map.Entry<String, String> f : files.entrySet()) {
                Path file = dir.get().resolve(f.getKey());
                Files.writeString(file, f.getValue());
                out.println("wrote " + file);
            }
            out.flush();
        } catch (IOException e) {
            throw new FerryException(ExitCode.BAD_SPEC, "--out " + dir.get() + ": cannot write into it ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "): give a folder ferry can write into", e);
        }
    }
}
