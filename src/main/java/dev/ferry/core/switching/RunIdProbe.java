package dev.ferry.core.switching;

import dev.ferry.core.procedure.Ticker;
import dev.ferry.core.redis.RedisNode;
import java.time.Duration;
import java.util.Map;

/**
 * "Wait until this address answers with the new master's run_id": the proof that a switch (a VIP, a
 * check-endpoint) really leads to the new master. The probe speaks to the address the way ferry speaks to that
 * master: same credentials, same TLS, so a switch in front of TLS servers can be seen to arrive.
 */
public final class RunIdProbe {
    private static final int TIMEOUT_MILLIS = 1000;

    /** {@code answered}: the address answered as the master in time; else {@code lastSeen} says what it did. */
    public record Result(boolean answered, String lastSeen) {
    }

    private final String what;
    private final String host;
    private final int port;
    private final String clientName;
    private final Ticker ticker;

    /** {@code what} names the address in the probe's errors ("the VIP", "the check-endpoint"). */
    public RunIdProbe(String what, String host, int port, String clientName, Ticker ticker) {
        this.what = what;
        this.host = host;
        this.port = port;
        this.clientName = clientName;
        this.ticker = ticker;
    }

    /** Polls every {@code poll} until the address answers with {@code master}'s run_id or {@code deadlineNanos} passes. */
    public Result await(RedisNode master, long deadlineNanos, Duration poll) {
        String want = master.runId();
        String seen = "nothing";
        RedisNode probe = new RedisNode(what, host, port, master.credentials(), clientName, TIMEOUT_MILLIS, Map.of(),
                master.tls());
        try (probe) {
            while (ticker.read() < deadlineNanos) {
                try {
                    seen = probe.runId();
                    if (want.equals(seen)) {
                        return new Result(true, seen);
                    }
                } catch (RuntimeException e) {
                    seen = e.getMessage();
                    probe.close(); // the next try opens a new connection: the address may lead elsewhere by now
                }
                ticker.sleep(poll);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, "interrupted (" + seen + ")");
        }
        return new Result(false, seen);
    }
}
