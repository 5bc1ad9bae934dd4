package dev.ferry.core.preflight;

import dev.ferry.core.redis.RedisError;
import java.util.function.Supplier;

/** One check that a server refused (a renamed command, missing ACL rights) fails alone; the others still run. */
public final class Guard {
    private Guard() {
    }

    public static CheckResult check(String name, Supplier<CheckResult> check) {
        try {
            return check.get();
        } catch (RedisError e) {
            return CheckResult.fail(name, "could not check: " + e.getMessage(), e.kind().equals("NOPERM")
                    ? "grant ferry's user the command (see the ACL rights check)"
                    : "if the command is renamed, map it in the spec: rename: { " + e.command() + ": NEWNAME }");
        }
    }
}
