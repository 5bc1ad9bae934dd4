package dev.ferry.core.switching.keepalived;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Reads keepalived's config syntax: whitespace-separated words, {@code #} and {@code !} comments, blocks in
 * braces (on the statement's line, on the next line, or several on one line).
 */
public final class ConfParser {
    private ConfParser() {
    }

    public static List<ConfStatement> parse(String file, String text) {
        Deque<Open> stack = new ArrayDeque<>();
        stack.push(new Open(List.of(), file, -1));
        String[] lines = text.split("\n", -1);
        Pending pending = null;
        for (int n = 0; n < lines.length; n++) {
            for (String word : words(lines[n])) {
                if (word.equals("{")) {
                    Open block = pending != null ? new Open(pending.words, file, pending.line)
                            : lastAsBlock(stack.peek(), file, n);
                    pending = null;
                    stack.push(block);
                } else if (word.equals("}")) {
                    pending = flush(stack.peek(), pending);
                    if (stack.size() > 1) {
                        Open closed = stack.pop();
                        stack.peek().children.add(closed.toStatement());
                    }
                } else {
                    if (pending == null) {
                        pending = new Pending(new ArrayList<>(), n);
                    }
                    pending.words.add(word);
                }
            }
            pending = flush(stack.peek(), pending);
        }
        while (stack.size() > 1) {
            Open closed = stack.pop();
            stack.peek().children.add(closed.toStatement());
        }
        return List.copyOf(stack.peek().children);
    }

    /** {@code keyword\n{}: the brace opens the statement just written. */
    private static Open lastAsBlock(Open parent, String file, int line) {
        if (parent.children.isEmpty()) {
            return new Open(List.of(), file, line);
        }
        ConfStatement last = parent.children.remove(parent.children.size() - 1);
        return new Open(last.words(), file, last.line());
    }

    private static Pending flush(Open parent, Pending pending) {
        if (pending != null && !pending.words.isEmpty()) {
            parent.children.add(new ConfStatement(pending.words, List.of(), parent.file, pending.line));
        }
        return null;
    }

    private static List<String> words(String line) {
        String code = line;
        int cut = indexOfComment(line);
        if (cut >= 0) {
            code = line.substring(0, cut);
        }
        List<String> words = new ArrayList<>();
        for (String w : code.replace("{", " { ").replace("}", " } ").trim().split("\\s+")) {
            if (!w.isEmpty()) {
                words.add(w);
            }
        }
        return words;
    }

    private static int indexOfComment(String line) {
        int hash = line.indexOf('#');
        int bang = line.indexOf('!');
        if (hash < 0) {
            return bang;
        }
        return bang < 0 ? hash : Math.min(hash, bang);
    }

    private record Pending(List<String> words, int line) {
    }

    private static final class Open {
        final List<String> words;
        final String file;
        final int line;
        final List<ConfStatement> children = new ArrayList<>();

        Open(List<String> words, String file, int line) {
            this.words = words;
            this.file = file;
            this.line = line;
        }

        ConfStatement toStatement() {
            return new ConfStatement(words, children, file, line);
        }
    }
}
