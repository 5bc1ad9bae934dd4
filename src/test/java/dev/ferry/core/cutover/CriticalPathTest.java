package dev.ferry.core.cutover;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Each lap charges the time since the previous one to its phase, in ms with two decimals; a repeated phase adds up. */
class CriticalPathTest {
    private long now = 5_000_000;

    @Test
    void lapsChargeTheTimeSinceThePreviousLapInOrder() {
        CriticalPath path = new CriticalPath(() -> now, now);
        now += 1_234_567;
        path.lap("fence");
        now += 250_000;
        path.lap("catchUp");
        now += 1_000_000;
        path.lap("fence");
        assertThat(path.phases()).containsExactly(java.util.Map.entry("fence", 2.23), java.util.Map.entry("catchUp", 0.25));
    }
}
