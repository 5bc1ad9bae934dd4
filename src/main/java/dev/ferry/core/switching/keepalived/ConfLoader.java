package dev.ferry.core.switching.keepalived;

import dev.ferry.core.host.ExecResult;
import dev.ferry.core.host.HostExec;
import dev.ferry.core.host.ShellQuote;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads a keepalived config and the files it includes from a host, through that host's exec prefix. */
final class ConfLoader {
    /** Marks where each file starts in the output of one host command that prints all matches of a glob. */
    private static final String MARK = "#ferry-file ";
    private static final int MAX_DEPTH = 8;

    private ConfLoader() {
    }

    static KeepalivedConf load(HostExec host, String mainFile) {
        Map<String, String> texts = new LinkedHashMap<>();
        List<ConfStatement> statements = new ArrayList<>();
        ExecResult main = host.shell("cat -- " + ShellQuote.quote(mainFile));
        if (!main.ok()) {
            throw new KeepalivedException("cannot read " + mainFile + " " + main.failure());
        }
        add(host, mainFile, main.stdout(), texts, statements, 0);
        return new KeepalivedConf(mainFile, texts, statements);
    }

    private static void add(HostExec host, String file, String text, Map<String, String> texts,
            List<ConfStatement> statements, int depth) {
        texts.put(file, text);
        for (ConfStatement s : ConfParser.parse(file, text)) {
            if (s.keyword().equals("include") && s.arg(1).isPresent()) {
                if (depth >= MAX_DEPTH) {
                    throw new KeepalivedException(file + " nests include deeper than " + MAX_DEPTH + " levels");
                }
                readGlob(host, relativeTo(file, s.arg(1).get())).forEach((f, t) ->
                        add(host, f, t, texts, statements, depth + 1));
            } else {
                statements.add(s);
            }
        }
    }

    /** keepalived resolves a relative include against the including file's folder. */
    private static String relativeTo(String file, String pattern) {
        if (pattern.startsWith("/")) {
            return pattern;
        }
        int slash = file.lastIndexOf('/');
        return slash < 0 ? pattern : file.substring(0, slash + 1) + pattern;
    }

    /** The glob is expanded by the host's shell (include takes a glob); each match is printed after a mark. */
    private static Map<String, String> readGlob(HostExec host, String pattern) {
        String glob = pattern.replaceAll("[^A-Za-z0-9_@%+=:,./*?\\[\\]-]", "");
        ExecResult r = host.shell("for f in " + glob + "; do [ -f \"$f\" ] && printf '\\n" + MARK
                + "%s\\n' \"$f\" && cat -- \"$f\"; done; true");
        if (!r.ok()) {
            throw new KeepalivedException("cannot read the include " + pattern + " " + r.failure());
        }
        Map<String, String> files = new LinkedHashMap<>();
        String current = null;
        StringBuilder text = new StringBuilder();
        for (String line : r.stdout().split("\n", -1)) {
            if (line.startsWith(MARK)) {
                put(files, current, text);
                current = line.substring(MARK.length());
                text.setLength(0);
            } else if (current != null) {
                text.append(line).append('\n');
            }
        }
        put(files, current, text);
        return files;
    }

    private static void put(Map<String, String> files, String file, StringBuilder text) {
        if (file != null) {
            // drop the blank line printed before the next mark
            String t = text.toString();
            files.put(file, t.endsWith("\n\n") ? t.substring(0, t.length() - 1) : t);
        }
    }
}
