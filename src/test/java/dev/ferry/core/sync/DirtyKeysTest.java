package dev.ferry.core.sync;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The dirty set: one entry per key and database however often it changed; binary keys kept exactly. */
class DirtyKeysTest {

    @Test
    void aKeyChangedOftenIsCopiedOnceAndTakenKeysLeaveTheSet() {
        DirtyKeys dirty = new DirtyKeys();
        byte[] key = "orders:1".getBytes(StandardCharsets.UTF_8);
        dirty.add(DirtyKeys.Key.of(0, key));
        dirty.add(DirtyKeys.Key.of(0, key));
        dirty.add(DirtyKeys.Key.of(3, key));

        assertThat(dirty.size()).isEqualTo(2);
        assertThat(dirty.take(1)).hasSize(1);
        assertThat(dirty.take(10)).hasSize(1);
        assertThat(dirty.isEmpty()).isTrue();
    }

    @Test
    void binaryKeysSurviveTheRoundTrip() {
        byte[] key = {(byte) 0xff, 0, (byte) 0x80, 'k'};

        assertThat(DirtyKeys.Key.of(5, key).bytes()).isEqualTo(key);
        assertThat(DirtyKeys.Key.of(5, key).db()).isEqualTo(5);
    }
}
