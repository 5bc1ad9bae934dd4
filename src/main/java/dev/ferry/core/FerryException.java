package dev.ferry.core;

/**
 * Every error ferry reports to an operator: a one-line message that names the problem and the fix, and the
 * class of error that decides the exit code. Messages never carry secrets.
 */
public final class FerryException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final ExitCode code;

    public FerryException(ExitCode code, String message) {
        super(message);
        this.code = code;
    }

    public FerryException(ExitCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public ExitCode code() {
        return code;
    }
}
