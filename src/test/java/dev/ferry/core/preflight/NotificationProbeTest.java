package dev.ferry.core.preflight;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What a configured notify-keyspace-events lacks for the logical capture: K and every class of 'A'. */
class NotificationProbeTest {

    @Test
    void keaAndKaAreEnough() {
        assertThat(NotificationProbe.missing("KEA")).isEmpty();
        assertThat(NotificationProbe.missing("AK")).isEmpty();
        assertThat(NotificationProbe.missing("Kg$lshzxet")).isEmpty();
    }

    @Test
    void offOrKeyeventOnlyOrSomeClassesAreNot() {
        assertThat(NotificationProbe.missing("")).contains("K (keyspace channels)", "g", "$", "x", "e", "t");
        assertThat(NotificationProbe.missing("EA")).containsExactly("K (keyspace channels)");
        assertThat(NotificationProbe.missing("Kx")).contains("g", "$", "h").doesNotContain("x");
    }
}
