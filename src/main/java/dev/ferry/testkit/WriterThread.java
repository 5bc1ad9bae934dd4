package dev.ferry.testkit;

import java.util.Random;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * One application-like client: its own client (one connection, or a cluster client), a fixed write rate,
 * key {@code prefix:id:seq = seq}.
 * A write counts only when the server answered OK; anything else has an unknown or failed outcome.
 */
final class WriterThread implements Runnable {

    static final String SCRIPT = "return redis.call('SET',KEYS[1],ARGV[1])";

    private static final long MIN_BACKOFF_NANOS = 5_000_000L;
    /** Small cap: the backoff adds to the measured write pause, so keep its resolution fine. */
    private static final long MAX_BACKOFF_NANOS = 50_000_000L;
    private static final long PARK_SLICE_NANOS = 20_000_000L;
    private static final int MAX_CONNECT_FAILURES = 100_000;
    private static final int MAX_PARKS = 10_000;

    private final int id;
    private final Writers.Config config;
    private final AckLog ackLog;
    private final WriterCounters counters;
    private final BooleanSupplier running;
    private final long deadlineNanos;
    private final Random random;
    private final WriteClient.Factory clients;
    private WriteClient client;
    private boolean connectedBefore;
    private long backoffNanos = MIN_BACKOFF_NANOS;

    WriterThread(int id, Writers.Config config, WriteClient.Factory clients, AckLog ackLog,
                 WriterCounters counters, BooleanSupplier running, long deadlineNanos) {
        this.id = id;
        this.clients = clients;
        this.config = config;
        this.ackLog = ackLog;
        this.counters = counters;
        this.running = running;
        this.deadlineNanos = deadlineNanos;
        // Seeded per writer so the SET/EVAL mix is reproducible between runs.
        this.random = new Random(31L * id + 7);
    }

    @Override
    public void run() {
        ackLog.started(System.nanoTime());
        try {
            loop();
        } finally {
            disconnect();
            ackLog.ended(System.nanoTime());
        }
    }

    private void loop() {
        long period = config.ratePerWriter() > 0 ? 1_000_000_000L / config.ratePerWriter() : 0;
        long nextAt = System.nanoTime();
        long seq = 0;
        int connectFailures = 0;
        while (shouldRun() && seq < config.maxWritesPerWriter() && connectFailures < MAX_CONNECT_FAILURES) {
            if (client == null && !connect()) {
                connectFailures++;
                pause(backoffNanos);
                backoffNanos = Math.min(MAX_BACKOFF_NANOS, backoffNanos * 2);
                continue;
            }
            if (!pauseUntil(nextAt)) {
                break;
            }
            write(seq++);
            // No catch-up burst after an outage: a real client does not replay missed ticks.
            nextAt = Math.max(nextAt + period, System.nanoTime());
        }
    }

    private boolean connect() {
        try {
            client = clients.open();
        } catch (RuntimeException e) {
            counters.connectFailures.increment();
            counters.lastConnectError = e.getMessage();
            return false;
        }
        if (connectedBefore) {
            counters.reconnects.increment();
        }
        connectedBefore = true;
        backoffNanos = MIN_BACKOFF_NANOS;
        return true;
    }

    private void write(long seq) {
        String key = WriterStats.key(config.keyPrefix(), id, seq);
        String value = Long.toString(seq);
        counters.attempted.increment();
        try {
            Object reply = random.nextDouble() < config.evalShare()
                    ? client.eval(SCRIPT, key, value)
                    : client.set(key, value);
            if ("OK".equals(reply)) {
                ackLog.ack(seq, System.nanoTime());
            } else {
                counters.error(ErrorClass.UNEXPECTED_REPLY);
            }
        } catch (RuntimeException e) {
            String errorClass = ErrorClass.of(e);
            counters.error(errorClass);
            if (client.reopenAfter(errorClass)) {
                disconnect();
            }
        }
    }

    private void disconnect() {
        if (client == null) {
            return;
        }
        client.close();
        client = null;
    }

    private boolean shouldRun() {
        return running.getAsBoolean() && System.nanoTime() < deadlineNanos;
    }

    /** Parks until the given time in short slices so stop() takes effect quickly. */
    private boolean pauseUntil(long atNanos) {
        for (int i = 0; i < MAX_PARKS; i++) {
            if (!shouldRun()) {
                return false;
            }
            long left = atNanos - System.nanoTime();
            if (left <= 0) {
                return true;
            }
            LockSupport.parkNanos(Math.min(left, PARK_SLICE_NANOS));
        }
        return shouldRun();
    }

    private void pause(long nanos) {
        pauseUntil(System.nanoTime() + nanos);
    }
}
