package dev.ferry.core.sync;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.redis.RedisError;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.spec.Credentials;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A replica whose login to its master fails retries forever, its link down, and INFO on either side says only
 * "link down". The master's ACL LOG (6.0+) names the refusal; on any version a link that never came up while the
 * master saw no sync attempt at all means the replica cannot reach or log in to it.
 */
final class LoginLoop {
    /** Long enough for a slow connect and a diskless-sync delay; short enough not to look hung. */
    static final Duration NEVER_CONNECTED = Duration.ofSeconds(15);
    /** ACL LOG refusals are read after this long with the link down. */
    private static final Duration ACL_GRACE = Duration.ofSeconds(2);

    private LoginLoop() {
    }

    /**
     * @param linkDownFor how long the link has been down since ferry attached the replica
     * @param syncAttempts how many syncs the master started since then (0: it never saw the replica ask)
     */
    static void check(RedisNode replica, RedisNode master, Duration linkDownFor, long syncAttempts) {
        if (linkDownFor.compareTo(ACL_GRACE) >= 0) {
            aclRefusal(replica, master, linkDownFor).ifPresent(why -> {
                throw stop(replica, master, why, "grant the user +psync +replconf +ping (ACL SETUSER), or fix its password"
                        + " in the spec");
            });
        }
        if (linkDownFor.compareTo(NEVER_CONNECTED) >= 0 && syncAttempts == 0) {
            throw stop(replica, master, "its link has been down for " + linkDownFor.toSeconds() + "s and "
                    + master.label() + " saw no sync request", "check that " + replica.label() + " can reach "
                    + master.address() + " and that its masterauth/masteruser match " + master.label()
                    + "'s password (see " + replica.label() + "'s log)");
        }
    }

    private static FerryException stop(RedisNode replica, RedisNode master, String why, String fix) {
        return new FerryException(ExitCode.STOPPED, replica.label() + " cannot log in to " + master.label()
                + " to replicate: " + why + ": " + fix + ", then ferry resume (" + master.label() + " was not changed)");
    }

    /** The newest ACL LOG entry for the replication user that is younger than the wait, if any. */
    private static Optional<String> aclRefusal(RedisNode replica, RedisNode master, Duration linkDownFor) {
        if (!master.version().atLeast(6, 0)) {
            return Optional.empty();
        }
        String user = master.credentials().flatMap(Credentials::username).orElse("default");
        Object log;
        try {
            log = master.call("ACL", "LOG", "10");
        } catch (RedisError e) {
            return Optional.empty();
        }
        if (!(log instanceof List<?> entries)) {
            return Optional.empty();
        }
        for (Object entry : entries) {
            if (entry instanceof List<?> fields) {
                Optional<String> refusal = refusal(fields, user, linkDownFor);
                if (refusal.isPresent()) {
                    return refusal;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<String> refusal(List<?> fields, String user, Duration linkDownFor) {
        String reason = field(fields, "reason");
        String object = field(fields, "object");
        String username = field(fields, "username");
        double age = Double.parseDouble(field(fields, "age-seconds").isEmpty() ? "1e9" : field(fields, "age-seconds"));
        boolean replication = reason.equals("auth") || List.of("psync", "sync", "replconf").contains(object.toLowerCase());
        if (!username.equals(user) || !replication || age > linkDownFor.toMillis() / 1000.0 + 1) {
            return Optional.empty();
        }
        return Optional.of("its ACL LOG shows user " + username + " refused (" + reason + " " + object + ", "
                + field(fields, "count") + " times)");
    }

    private static String field(List<?> fields, String name) {
        for (int i = 0; i + 1 < fields.size(); i += 2) {
            if (name.equals(RedisNode.asString(fields.get(i)))) {
                return String.valueOf(RedisNode.asString(fields.get(i + 1)));
            }
        }
        return "";
    }
}
