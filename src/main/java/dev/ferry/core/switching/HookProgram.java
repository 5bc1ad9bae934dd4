package dev.ferry.core.switching;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A hook's program found the way the hook will be started, so that preflight and the cutover agree: a name with
 * a slash is a path from the spec's folder (the hook's working folder); a bare name is searched on ferry's own
 * {@code PATH}, as execvp does (an empty entry is the working folder). The hook is then started by the absolute
 * path found here, never looked up a second time. A script's {@code #!} interpreter must exist too, and for
 * {@code #!/usr/bin/env NAME}, NAME must be on that PATH: otherwise exec fails inside the cutover window.
 */
final class HookProgram {
    private static final int SHEBANG_LIMIT = 256;
    private static final String FIX = "fix switch.command in the spec";

    private final String name;
    private final Path workDir;
    private final String searchPath;

    HookProgram(String name, Path workDir, String searchPath) {
        this.name = name;
        this.workDir = workDir;
        this.searchPath = searchPath == null ? "" : searchPath;
    }

    /** With ferry's own PATH. */
    static HookProgram of(String name, Path workDir) {
        return new HookProgram(name, workDir, System.getenv("PATH"));
    }

    /** The file exec will run; empty when there is none. */
    Optional<Path> resolve() {
        if (name.contains("/")) {
            return Optional.of(workDir.resolve(name).toAbsolutePath().normalize());
        }
        return onPath(name);
    }

    private Optional<Path> onPath(String program) {
        for (String dir : searchPath.split(":", -1)) {
            Path candidate = (dir.isEmpty() ? workDir : workDir.resolve(dir)).resolve(program).toAbsolutePath().normalize();
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Why the hook could not start; empty when it can. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        Optional<Path> program = resolve();
        if (program.isEmpty()) {
            problems.add("hook '" + name + "' is not on ferry's PATH (" + searchPath + "): give its path in "
                    + "switch.command (e.g. ./" + name + " from the spec's folder), or add its folder to PATH");
            return problems;
        }
        Path p = program.get();
        if (!Files.exists(p)) {
            problems.add("hook " + p + " does not exist: " + FIX);
        } else if (!Files.isRegularFile(p)) {
            problems.add("hook " + p + " is not a regular file: " + FIX);
        } else if (!Files.isExecutable(p)) {
            problems.add("hook " + p + " is not executable: chmod +x " + p);
        } else {
            interpreterProblem(p).ifPresent(problems::add);
        }
        return problems;
    }

    /** The {@code #!} line's interpreter (and env's program) must be there to run. */
    private Optional<String> interpreterProblem(Path script) {
        List<String> shebang = shebang(script);
        if (shebang.isEmpty()) {
            return Optional.empty(); // a binary, or a script without #! that exec hands to /bin/sh
        }
        Path interpreter = Path.of(shebang.get(0));
        if (!interpreter.isAbsolute() || !Files.isRegularFile(interpreter) || !Files.isExecutable(interpreter)) {
            return Optional.of("hook " + script + " names the interpreter " + interpreter + " on its #! line, which "
                    + (Files.exists(interpreter) ? "is not an executable file" : "does not exist")
                    + " here: install it, or fix the #! line");
        }
        if (interpreter.getFileName().toString().equals("env") && shebang.size() > 1 && !shebang.get(1).startsWith("-")
                && !shebang.get(1).contains("/") && onPath(shebang.get(1)).isEmpty()) {
            return Optional.of("hook " + script + " runs '" + shebang.get(1) + "' through #!" + interpreter
                    + ", and " + shebang.get(1) + " is not on ferry's PATH (" + searchPath + "): install it, or fix the #! line");
        }
        return Optional.empty();
    }

    /** The words of the first line after {@code #!}, or empty when the file does not start with it. */
    static List<String> shebang(Path script) {
        byte[] head;
        try (InputStream in = Files.newInputStream(script)) {
            head = in.readNBytes(SHEBANG_LIMIT);
        } catch (IOException e) {
            return List.of();
        }
        String text = new String(head, StandardCharsets.ISO_8859_1);
        if (!text.startsWith("#!")) {
            return List.of();
        }
        int end = text.indexOf('\n');
        String line = (end < 0 ? text.substring(2) : text.substring(2, end)).trim();
        return line.isEmpty() ? List.of() : List.of(line.split("\\s+"));
    }
}
