package dev.ferry.core.preflight;

import dev.ferry.core.cutover.Cutover;
import dev.ferry.core.journal.Milestone;
import dev.ferry.core.redis.RedisError;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.spec.After;
import dev.ferry.core.spec.Credentials;
import dev.ferry.core.spec.VerifySpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * May ferry do what it must: the commands it sends exist under the names it will use (renamed or disabled ones
 * are mapped with {@code rename:} in the spec), its ACL user may run them, and each replica can log in to its
 * master with a user that may PSYNC and REPLCONF.
 */
public final class AccessChecks {
    private static final String NO_ACL = " (not even ACL DRYRUN, so ferry cannot check the rest)";
    private AccessChecks() {
    }

    public static List<CheckResult> all(Survey survey) {
        List<CheckResult> results = new ArrayList<>();
        results.add(Guard.check("commands", () -> commands(survey)));
        results.add(Guard.check("replica logins", () -> replicaLogins(survey)));
        results.add(Guard.check("ACL rights", () -> aclRights(survey)));
        return results;
    }

    /** The commands ferry sends to each server, as (command, a harmless example of how it is used). */
    private static Map<String, List<String>> needs(Survey survey, RedisNode n) {
        Map<String, List<String>> needs = new LinkedHashMap<>();
        needs.put("INFO", List.of("INFO", "replication"));
        needs.put("CONFIG", List.of("CONFIG", "SET", "maxclients", "10000"));
        needs.put("CLIENT", List.of("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes"));
        needs.put(n.version().replicaOfCommand(), List.of(n.version().replicaOfCommand(), "NO", "ONE"));
        if (n == survey.servers().a()) {
            needs.put("MULTI", List.of("MULTI"));
            needs.put("EXEC", List.of("EXEC"));
            needs.put("SET", List.of("SET", Milestone.markerKey(survey.spec().name()), "x"));
        }
        if (n == survey.servers().b()) {
            needs.put("GET", List.of("GET", Milestone.markerKey(survey.spec().name())));
        }
        needs.putAll(verifyNeeds(survey.spec().verify()));
        return needs;
    }

    /** What the run's verify steps read with (nothing when both are off). */
    private static Map<String, List<String>> verifyNeeds(VerifySpec verify) {
        Map<String, List<String>> needs = new LinkedHashMap<>();
        if (verify.before() == VerifySpec.Mode.OFF && verify.after() == VerifySpec.Mode.OFF) {
            return needs;
        }
        String key = "ferry:verify";
        if (verify.before() == VerifySpec.Mode.FULL || verify.after() == VerifySpec.Mode.FULL) {
            needs.put("SCAN", List.of("SCAN", "0"));
        }
        if (verify.before() == VerifySpec.Mode.SAMPLE || verify.after() == VerifySpec.Mode.SAMPLE) {
            needs.put("RANDOMKEY", List.of("RANDOMKEY"));
        }
        needs.put("PTTL", List.of("PTTL", key));
        needs.put("GETRANGE", List.of("GETRANGE", key, "0", "1"));
        needs.put("TYPE", List.of("TYPE", key));
        return needs;
    }

    /** COMMAND INFO answers nil for a command that does not exist under that name: renamed or disabled. */
    static CheckResult commands(Survey survey) {
        List<String> missing = new ArrayList<>();
        for (RedisNode n : survey.servers().all()) {
            for (String command : needs(survey, n).keySet()) {
                String sent = survey.spec().servers().get(indexOf(survey, n)).renames().getOrDefault(command, command);
                if (!exists(n, sent)) {
                    missing.add(command + " on " + n.label() + (sent.equals(command) ? "" : " (as " + sent + ")"));
                }
            }
        }
        if (!missing.isEmpty()) {
            return CheckResult.fail("commands", String.join(", ", missing) + " renamed or disabled",
                    "map a renamed command in the spec, e.g. rename: { " + missing.get(0).split(" ")[0] + ": NEWNAME }"
                            + " (top level or per host), or enable it in redis.conf");
        }
        return CheckResult.pass("commands", "INFO, CONFIG, CLIENT, REPLICAOF/SLAVEOF"
                + (verifyNeeds(survey.spec().verify()).isEmpty() ? "" : " and verify's reads") + " available on every server");
    }

    private static int indexOf(Survey survey, RedisNode n) {
        return survey.servers().all().indexOf(n);
    }

    private static boolean exists(RedisNode n, String command) {
        Object reply = n.call("COMMAND", "INFO", command);
        return reply instanceof List<?> list && !list.isEmpty() && list.get(0) != null;
    }

    /**
     * Each replica logs in to its master with the master's credentials from the spec (ferry sets masterauth and
     * masteruser); a username needs 6.0+ on both ends.
     */
    static CheckResult replicaLogins(Survey survey) {
        List<String> notes = new ArrayList<>();
        for (RedisNode[] link : links(survey)) {
            RedisNode replica = link[0];
            RedisNode master = link[1];
            Optional<Credentials> login = master.credentials();
            if (login.isEmpty()) {
                continue;
            }
            if (login.get().username().isPresent() && !replica.version().atLeast(6, 0)) {
                return CheckResult.fail("replica logins", replica.label() + " (" + replica.version() + ") cannot log in to "
                        + master.label() + " as user " + login.get().username().get() + ": masteruser needs Redis 6.0+",
                        "drop auth.username for " + master.label() + " (use its requirepass), or upgrade " + replica.label());
            }
            notes.add(replica.label() + "->" + master.label() + (login.get().username().map(u -> " as " + u).orElse("")));
        }
        return CheckResult.pass("replica logins", notes.isEmpty() ? "no server needs a password"
                : "ferry sets masterauth" + " (and masteruser) for " + String.join(", ", notes));
    }

    private static List<RedisNode[]> links(Survey survey) {
        List<RedisNode[]> links = new ArrayList<>();
        links.add(new RedisNode[] {survey.servers().b(), survey.servers().a()});
        survey.servers().c().ifPresent(c -> links.add(new RedisNode[] {c, survey.servers().b()}));
        if (survey.spec().after().source() == After.SourceFate.REPLICA) {
            links.add(new RedisNode[] {survey.servers().a(), survey.servers().b()});
        }
        return links;
    }

    /**
     * ACL users (6.0+): ferry's user must run what {@link #needs} lists, and the replication login PSYNC, REPLCONF
     * and PING. ACL DRYRUN (7.0+) answers exactly; before 7.0 ferry cannot tell and says so.
     */
    static CheckResult aclRights(Survey survey) {
        List<String> denied = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        for (RedisNode n : survey.servers().all()) {
            Optional<String> user = n.credentials().flatMap(Credentials::username);
            if (user.isEmpty()) {
                continue;
            }
            if (!n.version().atLeast(7, 0)) {
                unknown.add(n.label() + " (" + n.version() + ")");
                continue;
            }
            List<List<String>> wanted = new ArrayList<>(needs(survey, n).values());
            wanted.add(List.of("PSYNC", "?", "-1"));
            wanted.add(List.of("REPLCONF", "listening-port", "6379"));
            wanted.add(List.of("PING"));
            for (List<String> command : wanted) {
                Optional<String> refused = dryRun(n, user.get(), command);
                refused.ifPresent(denied::add);
                if (refused.filter(r -> r.endsWith(NO_ACL)).isPresent()) {
                    break;
                }
            }
        }
        if (!denied.isEmpty()) {
            return CheckResult.fail("ACL rights", String.join("; ", denied),
                    "grant the user what is missing, e.g. ACL SETUSER <user> +@admin +@connection +psync +replconf +set +get ~ferry:*");
        }
        if (!unknown.isEmpty()) {
            return CheckResult.warn("ACL rights", "cannot verify ACL rights on " + String.join(", ", unknown)
                    + " (ACL DRYRUN needs 7.0)", "make sure the user may run INFO, CONFIG, CLIENT, REPLICAOF, MULTI, EXEC,"
                    + " SET, GET, PSYNC, REPLCONF");
        }
        return CheckResult.pass("ACL rights", "ferry's users may run every command it sends");
    }

    private static Optional<String> dryRun(RedisNode n, String user, List<String> command) {
        List<String> args = new ArrayList<>(List.of("DRYRUN", user));
        args.addAll(command);
        try {
            String reply = n.callString("ACL", args.toArray(String[]::new));
            return "OK".equals(reply) ? Optional.empty()
                    : Optional.of(n.label() + ": user " + user + " may not run " + command.get(0) + " (" + reply + ")");
        } catch (RedisError e) {
            return Optional.of(n.label() + ": user " + user + " may not run " + String.join(" ", command.subList(0, 1))
                    + (e.kind().equals("NOPERM") ? NO_ACL : " (" + e.reply() + ")"));
        }
    }
}
