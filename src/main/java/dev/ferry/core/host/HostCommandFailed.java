package dev.ferry.core.host;

/** A host command that could not start, timed out, exited non-zero or printed nonsense; the message says which. */
public final class HostCommandFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public HostCommandFailed(String message) {
        super(message);
    }
}
