package dev.ferry.core.spec;

/**
 * A spec that cannot be used. The message is one line that starts with the spec file name (and line, when known)
 * and says how to fix it; it never carries a secret. Callers report it as a bad spec, so no stack trace is kept.
 */
public final class SpecException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SpecException(String message) {
        super(message, null, false, false);
    }
}
