package dev.ferry.core.switching.keepalived;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A keepalived config with its {@code include} files: the text of each file, and the statements of all. */
public final class KeepalivedConf {
    private final String mainFile;
    private final Map<String, String> texts;
    private final List<ConfStatement> statements;

    public KeepalivedConf(String mainFile, Map<String, String> texts, List<ConfStatement> statements) {
        this.mainFile = mainFile;
        this.texts = new LinkedHashMap<>(texts);
        this.statements = List.copyOf(statements);
    }

    public String mainFile() {
        return mainFile;
    }

    public String text(String file) {
        return texts.get(file);
    }

    public List<String> files() {
        return List.copyOf(texts.keySet());
    }

    public Optional<VrrpInstance> instance(String name) {
        return statements.stream().filter(s -> s.keyword().equals("vrrp_instance") && s.arg(1).orElse("").equals(name))
                .map(VrrpInstance::new).findFirst();
    }

    /** vrrp_track_file name -> the file it watches. */
    public Map<String, String> trackFiles() {
        Map<String, String> files = new LinkedHashMap<>();
        statements.stream().filter(s -> s.keyword().equals("vrrp_track_file"))
                .forEach(s -> s.child("file").flatMap(f -> f.arg(1)).ifPresent(f -> files.put(s.arg(1).orElse(""), f)));
        return files;
    }

    /** The sync groups that name this instance: their other members move with it. */
    public List<String> syncGroupsOf(String instance) {
        List<String> groups = new ArrayList<>();
        for (ConfStatement s : statements) {
            if (s.keyword().equals("vrrp_sync_group")) {
                boolean member = s.child("group").map(g -> g.children().stream()
                        .anyMatch(m -> m.keyword().equals(instance))).orElse(false);
                if (member) {
                    groups.add(s.arg(1).orElse("?"));
                }
            }
        }
        return groups;
    }

    /**
     * The file text with this instance's priority set to {@code priority}: the existing line is rewritten in
     * place (comments and layout kept), or a line is added after the instance's opening line.
     */
    public String withPriority(VrrpInstance instance, int priority) {
        String file = instance.block().file();
        String[] lines = texts.get(file).split("\n", -1);
        Optional<ConfStatement> stmt = instance.priorityStatement();
        if (stmt.isPresent()) {
            int n = stmt.get().line();
            String rewritten = lines[n].replaceFirst("(\\bpriority\\s+)\\d+", "$1" + priority);
            if (rewritten.equals(lines[n]) && !lines[n].contains("priority " + priority)) {
                throw new IllegalStateException("cannot find the priority on line " + (n + 1) + " of " + file);
            }
            lines[n] = rewritten;
            return String.join("\n", lines);
        }
        List<String> out = new ArrayList<>(List.of(lines));
        out.add(instance.block().line() + 1, "    priority " + priority + "    # added by ferry");
        return String.join("\n", out);
    }
}
