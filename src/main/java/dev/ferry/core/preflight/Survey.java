package dev.ferry.core.preflight;

import dev.ferry.core.procedure.Ticker;
import dev.ferry.core.procedure.Servers;
import dev.ferry.core.redis.Bytes;
import dev.ferry.core.redis.Info;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.spec.Spec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What preflight learns from the servers, read once: INFO of each server and a's write rate. Everything here is
 * read-only; the checks only look at it (and at CONFIG GET through {@link #config}).
 */
public final class Survey {
    /** Long enough to see a steady writer, short enough that preflight stays quick. */
    private static final Duration RATE_SAMPLE = Duration.ofMillis(500);

    private final Spec spec;
    private final Servers servers;
    private final Map<String, Info> info;
    private WriteRate writeRate;

    public Survey(Spec spec, Servers servers, Map<String, Info> info) {
        this.spec = spec;
        this.servers = servers;
        this.info = new LinkedHashMap<>(info);
    }

    Spec spec() {
        return spec;
    }

    Servers servers() {
        return servers;
    }

    Info info(RedisNode node) {
        return info.get(node.label());
    }

    /** CONFIG GET of a modern option name; empty when the server has no such option. */
    static Optional<String> config(RedisNode node, String modernName) {
        return node.configGet(modernName);
    }

    /** a's replication stream in bytes per second, measured over half a second (the backlog and buffers fill at it). */
    WriteRate writeRate() {
        if (writeRate == null) {
            writeRate = measure(servers.a());
        }
        return writeRate;
    }

    private static WriteRate measure(RedisNode a) {
        Info before = Info.parse(a.callString("INFO", "replication") + "\n" + a.callString("INFO", "stats"));
        long start = System.nanoTime();
        Ticker.system().nap(RATE_SAMPLE);
        Info after = Info.parse(a.callString("INFO", "replication") + "\n" + a.callString("INFO", "stats"));
        double seconds = (System.nanoTime() - start) / 1e9;
        long offsetBytes = after.getLong("master_repl_offset", 0) - before.getLong("master_repl_offset", 0);
        long commands = after.getLong("total_commands_processed", 0) - before.getLong("total_commands_processed", 0);
        // without a replica the offset may stand still: input bandwidth is then the best (high) estimate
        double inputBytes = kbps(after.get("instantaneous_input_kbps", "0")) * 1024.0;
        double bytes = offsetBytes > 0 ? offsetBytes / seconds : 0;
        // the INFO calls themselves are commands: two per sample
        return new WriteRate(Math.max(bytes, inputBytes), Math.max(0, commands - 2) / seconds);
    }

    private static double kbps(String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Bytes per second of a's replication stream, and commands per second for the report. */
    record WriteRate(double bytesPerSecond, double commandsPerSecond) {
        long bytesIn(Duration d) {
            return (long) Math.ceil(bytesPerSecond * d.toMillis() / 1000.0);
        }

        @Override
        public String toString() {
            return Bytes.human((long) bytesPerSecond) + "/s, " + Math.round(commandsPerSecond) + " commands/s";
        }
    }
}
