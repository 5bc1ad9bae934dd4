package dev.ferry.core.switching.keepalived;

/** A keepalived config or host command problem; the switch turns it into an operator error. */
public final class KeepalivedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public KeepalivedException(String message) {
        super(message);
    }
}
