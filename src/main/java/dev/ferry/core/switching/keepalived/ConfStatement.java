package dev.ferry.core.switching.keepalived;

import java.util.List;
import java.util.Optional;

/**
 * One statement of a keepalived config: its words, and its children when it opens a block. {@code file} and
 * {@code line} (0-based) say where it was written, so an edit lands on the right line of the right file.
 */
public record ConfStatement(List<String> words, List<ConfStatement> children, String file, int line) {

    public ConfStatement {
        words = List.copyOf(words);
        children = List.copyOf(children);
    }

    public String keyword() {
        return words.isEmpty() ? "" : words.get(0);
    }

    public Optional<String> arg(int index) {
        return index < words.size() ? Optional.of(words.get(index)) : Optional.empty();
    }

    public Optional<ConfStatement> child(String keyword) {
        return children.stream().filter(s -> s.keyword().equals(keyword)).findFirst();
    }

    public List<ConfStatement> all(String keyword) {
        return children.stream().filter(s -> s.keyword().equals(keyword)).toList();
    }
}
