package dev.ferry.core.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class DatabaseSentinelsTest {

    @Test
    void eachDatabaseHoldingItsOwnSentinelIsUndisturbed() {
        assertThat(DatabaseSentinels.judge(Arrays.asList(DatabaseSentinels.value(0), DatabaseSentinels.value(1)))).isEmpty();
    }

    @Test
    void aMissingSentinelIsAFlushAndAForeignOneASwap() {
        var judged = DatabaseSentinels.judge(Arrays.asList(DatabaseSentinels.value(0), null,
                DatabaseSentinels.value(12), DatabaseSentinels.value(3), "something else"));
        assertThat(judged).containsOnlyKeys(1, 2, 4);
        assertThat(judged.get(1)).contains("db 1 was flushed");
        assertThat(judged.get(2)).contains("db 2 holds db 12's keys (SWAPDB");
        assertThat(judged.get(4)).contains("db 4 holds db ?'s keys");
    }
}
