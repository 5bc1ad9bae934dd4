package dev.ferry.core.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerifyPartsTest {

    @Test
    void theNextStreamIdFollowsTheLastOneReadEvenAtTheEndOfAMillisecond() {
        assertThat(text(BigKeyComparer.nextId(bytes("1700000000000-5")))).isEqualTo("1700000000000-6");
        assertThat(text(BigKeyComparer.nextId(bytes("7-18446744073709551615")))).isEqualTo("8-0");
    }

    @Test
    void keysArePrintedWithoutBreakingATerminal() {
        byte[] key = {'a', ' ', '"', '\\', 0, (byte) 0xff, '\n'};
        assertThat(Difference.printable(key)).isEqualTo("\"a \\x22\\x5c\\x00\\xff\\x0a\"");
    }

    @Test
    void scoresCompareByValueWhateverTheServerWrote() {
        assertThat(Replies.score(bytes("inf"))).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(Replies.score(bytes("-inf"))).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(Replies.scores(List.of(bytes("m"), bytes("1.50"))))
                .isEqualTo(Replies.scores(List.of(bytes("m"), bytes("1.5"))));
    }

    @Test
    void hashesAndSetsAreEqualInAnyOrder() {
        assertThat(Replies.pairs(List.of(bytes("f1"), bytes("1"), bytes("f2"), bytes("2"))))
                .isEqualTo(Replies.pairs(List.of(bytes("f2"), bytes("2"), bytes("f1"), bytes("1"))));
        assertThat(Replies.members(List.of(bytes("x"), bytes("y"))))
                .isEqualTo(Replies.members(List.of(bytes("y"), bytes("x"))))
                .isNotEqualTo(Replies.members(List.of(bytes("y"), bytes("z"))));
        assertThat(Replies.deepEquals(List.of(bytes("a"), List.of(bytes("b"))), List.of(bytes("a"), List.of(bytes("c")))))
                .isFalse();
    }

    @Test
    void theRateLimitSpreadsCommandsOverTime() {
        OpsLimiter limiter = new OpsLimiter(20_000);
        long start = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            limiter.acquire(500); // 5000 commands at 20000/s: at least 200 ms
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        long unlimited = System.nanoTime();
        new OpsLimiter(0).acquire(1_000_000);
        assertThat(Duration.ofNanos(System.nanoTime() - unlimited)).isLessThan(Duration.ofMillis(50));
    }

    @Test
    void optionsRejectNonsense() {
        assertThatThrownBy(() -> VerifyOptions.full().withSample(-1)).hasMessageContaining("sample must be >= 0");
        assertThatThrownBy(() -> VerifyOptions.full().withWorkers(0)).hasMessageContaining("workers >= 1");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }
}
