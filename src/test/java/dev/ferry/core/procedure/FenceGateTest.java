package dev.ferry.core.procedure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.journal.Journal;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.spec.Spec;
import dev.ferry.core.spec.SpecLoader;
import dev.ferry.core.switching.NoSwitch;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet's fenced windows, one at a time (no Redis: the nodes are never connected). The same gate in a real fleet
 * of 50 pairs: bench/fleet.sh; FleetIT runs fleets through it.
 */
class FenceGateTest {
    @TempDir
    Path dir;

    private RunContext context(String name, FenceGate gate, Ticker ticker) {
        Spec spec = SpecLoader.parse("name: " + name + "\nsource: { host: 127.0.0.1, port: 1 }\n"
                + "target: { host: 127.0.0.1, port: 2 }\n", dir.resolve(name + ".yaml"));
        Servers servers = new Servers(node("a", 1), node("b", 2), Optional.empty(), "ferry-test");
        return new RunContext(spec, servers, Journal.open(dir, name, Clock.systemUTC()), new NoSwitch(),
                RunOptions.defaults(dir).withYes(), q -> true, RunListener.SILENT, Clock.systemUTC(), ticker, gate);
    }

    private static RedisNode node(String label, int port) {
        return new RedisNode(label, "127.0.0.1", port, Optional.empty(), "ferry-test", 100, Map.of());
    }

    /** Enters the fence on another thread; completes with the facts once it is in. */
    private static CompletableFuture<Map<String, Object>> enterLater(RunContext ctx) {
        return CompletableFuture.supplyAsync(() -> {
            Map<String, Object> facts = new LinkedHashMap<>();
            ctx.enterFence("before the fence", facts);
            return facts;
        });
    }

    @Test
    void aPairFencesOnlyOnceThePairInsideItsWindowHasLeftIt() throws Exception {
        FenceGate gate = FenceGate.shared();
        RunContext first = context("p1", gate, Ticker.system());
        RunContext second = context("p2", gate, Ticker.system());
        Map<String, Object> firstFacts = new LinkedHashMap<>();
        first.enterFence("before the fence", firstFacts);
        assertThat(first.signalsHeld()).isTrue();
        assertThat(gate.anyOpen()).isTrue();
        assertThat(firstFacts).containsEntry("gateWaitMillis", 0L);

        CompletableFuture<Map<String, Object>> waiting = enterLater(second);
        Thread.sleep(200);
        assertThat(waiting).as("waits at the gate").isNotDone();
        assertThat(second.signalsHeld()).as("nothing fenced while it waits: a signal still stops it").isFalse();

        first.releaseSignals(); // the end of the first pair's cutover step
        Map<String, Object> facts = waiting.get(5, TimeUnit.SECONDS);
        assertThat(second.signalsHeld()).isTrue();
        assertThat(((Number) facts.get("gateWaitMillis")).longValue()).isGreaterThanOrEqualTo(150);
        second.releaseSignals();
        assertThat(gate.anyOpen()).isFalse();
    }

    @Test
    void aWindowClosedTwiceLetsOnlyOnePairIn() throws Exception {
        FenceGate gate = FenceGate.shared();
        RunContext first = context("p1", gate, Ticker.system());
        first.enterFence("before the fence", new LinkedHashMap<>());
        first.releaseSignals();
        first.releaseSignals();

        RunContext second = context("p2", gate, Ticker.system());
        second.enterFence("before the fence", new LinkedHashMap<>());
        RunContext third = context("p3", gate, Ticker.system());
        CompletableFuture<Map<String, Object>> entering = enterLater(third);
        Thread.sleep(200);
        assertThat(entering).as("one window at a time, however often one was closed").isNotDone();
        second.releaseSignals();
        entering.get(5, TimeUnit.SECONDS);
        third.releaseSignals();
        assertThat(gate.anyOpen()).isFalse();
    }

    @Test
    void aRunAloneNeverWaitsAndItsReportSaysNothingOfAGate() {
        RunContext alone = context("p1", FenceGate.unshared(), Ticker.system());
        Map<String, Object> facts = new LinkedHashMap<>();
        alone.enterFence("before the fence", facts);
        assertThat(alone.signalsHeld()).isTrue();
        assertThat(facts).doesNotContainKey("gateWaitMillis");
        alone.releaseSignals();
        alone.enterFence("before the fence", facts); // a switch-back after the run, in the same process
        assertThat(alone.signalsHeld()).isTrue();
    }

    @Test
    void heavyWorkYieldsWhileAnotherPairIsFencedButAtMostYieldMax() {
        FakeTicker ticker = new FakeTicker();
        FenceGate gate = FenceGate.shared();
        assertThat(gate.yieldTo(ticker)).as("no window open: no wait").isZero();

        context("p1", gate, ticker).enterFence("before the fence", new LinkedHashMap<>());
        long start = System.nanoTime();
        Duration waited = gate.yieldTo(ticker);
        assertThat(waited).as("back-to-back windows cannot starve it").isEqualTo(FenceGate.YIELD_MAX);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("real time").isLessThan(Duration.ofSeconds(1));
    }

    @Test
    void aYieldEndsAsTheWindowCloses() throws Exception {
        FenceGate gate = FenceGate.shared();
        RunContext fenced = context("p1", gate, Ticker.system());
        fenced.enterFence("before the fence", new LinkedHashMap<>());
        CompletableFuture<Duration> yielding = CompletableFuture.supplyAsync(() -> gate.yieldTo(Ticker.system()));
        Thread.sleep(100);
        assertThat(yielding).isNotDone();
        fenced.releaseSignals();
        assertThat(yielding.get(5, TimeUnit.SECONDS)).isBetween(Duration.ofMillis(90), FenceGate.YIELD_MAX);
    }
}
