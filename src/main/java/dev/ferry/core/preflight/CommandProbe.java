package dev.ferry.core.preflight;

import dev.ferry.core.redis.RedisError;
import dev.ferry.core.redis.RedisNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Which of the commands ferry needs a server refuses (renamed away, disabled by a managed service, or forbidden),
 * found without side effects: {@code COMMAND INFO} of the name ferry would send and, where COMMAND itself is
 * refused, a call with too few arguments, which the server rejects by arity before running anything. A valid
 * {@code SYNC} or {@code PSYNC} is never sent: it would fork a production master. SYNC is never called at all
 * (its arity would make a one-argument call valid on some version); without COMMAND it is judged by PSYNC.
 */
public final class CommandProbe {
    /** What replication needs on a, and the fence's durable part (min-replicas-to-write) needs CONFIG. */
    public static final List<String> REPLICATION = List.of("SYNC", "PSYNC", "REPLICAOF", "SLAVEOF", "CONFIG");
    /** What the logical copy and its timed fence need on a. */
    public static final List<String> LOGICAL = List.of("SCAN", "DUMP", "PTTL", "PSUBSCRIBE", "CLIENT", "MULTI");
    /** Commands whose call without arguments is an arity error on every version ferry supports. */
    private static final Set<String> SAFE_WITHOUT_ARGUMENTS = Set.of("PSYNC", "REPLICAOF", "SLAVEOF", "CONFIG", "CLIENT",
            "DUMP", "PTTL", "SCAN", "PSUBSCRIBE", "RESTORE");

    private CommandProbe() {
    }

    /** One command's verdict on one server: refused ones say why. */
    public record Verdict(String command, boolean allowed, String why) {
    }

    /** The verdicts for {@code commands} on {@code node}, in order. */
    public static Map<String, Verdict> probe(RedisNode node, List<String> commands) {
        Map<String, Verdict> verdicts = new LinkedHashMap<>();
        Boolean commandInfo = null;
        for (String command : commands) {
            String sent = node.commandName(command);
            Verdict verdict;
            if (!Boolean.FALSE.equals(commandInfo)) {
                try {
                    verdict = byCommandInfo(node, command, sent);
                    commandInfo = true;
                    verdicts.put(command, verdict);
                    continue;
                } catch (RedisError refused) {
                    commandInfo = false; // COMMAND itself is refused: ask each command by arity
                }
            }
            verdicts.put(command, byArity(node, command, sent, verdicts));
        }
        return verdicts;
    }

    private static Verdict byCommandInfo(RedisNode node, String command, String sent) {
        Object reply = node.call("COMMAND", "INFO", sent);
        boolean known = reply instanceof List<?> list && !list.isEmpty() && list.get(0) != null;
        String renamed = sent.equalsIgnoreCase(command) ? "" : " (sent as " + sent + ")";
        return known ? new Verdict(command, true, "in COMMAND INFO" + renamed)
                : new Verdict(command, false, "not in COMMAND INFO" + renamed + ": renamed away or disabled");
    }

    private static Verdict byArity(RedisNode node, String command, String sent, Map<String, Verdict> sofar) {
        if (!SAFE_WITHOUT_ARGUMENTS.contains(command)) {
            Verdict psync = sofar.get("PSYNC");
            return "SYNC".equals(command) && psync != null ? new Verdict(command, psync.allowed(), "judged by PSYNC")
                    : new Verdict(command, false, "unknown: COMMAND is refused and no call is safe to probe it");
        }
        try {
            node.call(command);
            return new Verdict(command, false, "answered a call without arguments: unexpected, treated as refused");
        } catch (RedisError e) {
            String reply = e.reply().toLowerCase(Locale.ROOT);
            boolean arity = reply.contains("wrong number of arguments");
            return new Verdict(command, arity, arity ? "known (arity error to a call without arguments)"
                    : "refused: " + e.reply());
        }
    }

    /** The refused commands among {@code verdicts}, in order. */
    public static List<String> refused(Map<String, Verdict> verdicts) {
        return verdicts.values().stream().filter(v -> !v.allowed()).map(Verdict::command).toList();
    }
}
