package dev.ferry.core.procedure;

import java.time.Duration;

/** A {@link Ticker} for unit tests: time moves only when slept on, so a max-pause runs out in microseconds. */
public final class FakeTicker implements Ticker {
    private long now = 1_000_000_000L;
    private Duration slept = Duration.ZERO;

    @Override
    public long read() {
        return now;
    }

    @Override
    public void sleep(Duration d) {
        now += d.toNanos();
        slept = slept.plus(d);
    }

    /** All the time slept so far. */
    public Duration slept() {
        return slept;
    }
}
