package dev.ferry.core.preflight;

import java.util.Map;

/** One named preflight check: PASS, WARN or FAIL, the facts it saw, and how to fix a problem. */
public record CheckResult(String name, Status status, String detail, String fix, Map<String, Object> facts) {

    public enum Status { PASS, WARN, FAIL }

    public static CheckResult pass(String name, String detail) {
        return new CheckResult(name, Status.PASS, detail, "", Map.of());
    }

    public static CheckResult warn(String name, String detail, String fix) {
        return new CheckResult(name, Status.WARN, detail, fix, Map.of());
    }

    public static CheckResult fail(String name, String detail, String fix) {
        return new CheckResult(name, Status.FAIL, detail, fix, Map.of());
    }

    public boolean failed() {
        return status == Status.FAIL;
    }

    /** The one-line form used in errors: what is wrong, then what to do. */
    public String oneLine() {
        return name + ": " + detail + (fix.isEmpty() ? "" : ": " + fix);
    }
}
