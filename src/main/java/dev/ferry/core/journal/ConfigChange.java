package dev.ferry.core.journal;

/** A config value ferry changed on a server, with the value it had before: what a restore puts back. */
public record ConfigChange(String server, String key, String oldValue, String newValue) {
}
