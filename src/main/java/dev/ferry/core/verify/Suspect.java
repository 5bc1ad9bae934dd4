package dev.ferry.core.verify;

/** A key found different once; it counts only if it stays different over the re-check rounds. */
record Suspect(int db, byte[] key, Difference difference) {
}
