package dev.ferry.core.spec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {

    @ParameterizedTest
    @CsvSource({
        "500ms, 500",
        "2s, 2000",
        "1.5s, 1500",
        "0.25s, 250",
        "1m, 60000",
        "1m30s, 90000",
        "1h, 3600000",
        "1h2m3s4ms, 3723004",
        "0s, 0",
        "' 2s ', 2000",
    })
    void parsesWithUnits(String text, long millis) {
        assertThat(Durations.parse(text)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void bareNumberAsksForAUnit() {
        assertThatThrownBy(() -> Durations.parse("2"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("write a unit: 2s");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "s", "2 s", "2sec", "-1s", "1.s", "two seconds", "1d", "2S"})
    void rejectsOtherText(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("write e.g. 500ms, 2s");
    }

    @Test
    void rejectsFinerThanAMillisecond() {
        assertThatThrownBy(() -> Durations.parse("1.0005s"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finer than a millisecond");
    }

    @ParameterizedTest
    @CsvSource({
        "500, 500ms",
        "2000, 2s",
        "1500, 1s500ms",
        "60000, 1m",
        "90000, 1m30s",
        "3600000, 1h",
        "90000000, 25h",
        "0, 0s",
        "-2000, -2s",
    })
    void formatsCompactly(long millis, String text) {
        assertThat(Durations.format(Duration.ofMillis(millis))).isEqualTo(text);
    }

    @Test
    void formatShowsSubMillisecondsInsteadOfRounding() {
        assertThat(Durations.format(Duration.ofNanos(1_500_000))).isEqualTo("1.5ms");
    }

    @ParameterizedTest
    @ValueSource(strings = {"500ms", "2s", "1m30s", "1h", "2h0m1s", "1.5s"})
    void formatReadsBackAsTheSameDuration(String text) {
        Duration duration = Durations.parse(text);
        assertThat(Durations.parse(Durations.format(duration))).isEqualTo(duration);
    }
}
