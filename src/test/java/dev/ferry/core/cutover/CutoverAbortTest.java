package dev.ferry.core.cutover;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.journal.Journal;
import dev.ferry.core.journal.Milestone;
import dev.ferry.core.procedure.FakeTicker;
import dev.ferry.core.procedure.FenceGate;
import dev.ferry.core.procedure.PlannedCommand;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.RunOptions;
import dev.ferry.core.procedure.Servers;
import dev.ferry.core.procedure.Ticker;
import dev.ferry.core.procedure.TrafficSwitch;
import dev.ferry.core.spec.Endpoint;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.spec.Spec;
import dev.ferry.core.spec.SpecLoader;
import dev.ferry.core.switching.NoSwitch;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cutover's abort and timeout paths, from the fence to b's promotion, on a fake clock: a fake {@link Fence}
 * and a fake {@link CutoverProbe} stand in for the two servers (no Redis is involved: the nodes are never
 * connected), so a max-pause of 2 s runs out in microseconds. The same paths on real servers: AbortIT.
 */
class CutoverAbortTest {
    private static final long CAPTURED = 1000;

    @TempDir
    Path dir;

    private final FakeTicker ticker = new FakeTicker();
    private final FakeFence fence = new FakeFence();
    private final FakeProbe b = new FakeProbe(fence);
    private final ArmedSwitch traffic = new ArmedSwitch();
    private Journal journal;

    private RunContext context() {
        return context(FenceGate.unshared());
    }

    private RunContext context(FenceGate gate) {
        Spec spec = SpecLoader.parse("""
                name: orders
                source: { host: 127.0.0.1, port: 1 }
                target: { host: 127.0.0.1, port: 2 }
                cutover: { mode: pause, max-pause: 2s }
                """, dir.resolve("orders.yaml"));
        journal = Journal.open(dir, "orders", Clock.systemUTC());
        Servers servers = new Servers(node("a", 1), node("b", 2), Optional.empty(), "ferry-test");
        return new RunContext(spec, servers, journal, traffic, RunOptions.defaults(dir).withYes(), q -> true,
                new RunListener() { }, Clock.systemUTC(), ticker, gate);
    }

    private static RedisNode node(String label, int port) {
        return new RedisNode(label, "127.0.0.1", port, Optional.empty(), "ferry-test", 100, Map.of());
    }

    private FerryException cutOver(Cutover.Direction direction) {
        RunContext ctx = context();
        Cutover cutover = new Cutover(direction, c -> b);
        long start = System.nanoTime();
        FerryException e = catchThrowableOfType(() -> cutover.fenceAndPromote(ctx, fence), FerryException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("real time taken").isLessThan(Duration.ofSeconds(1));
        return e;
    }

    private FerryException cutOver() {
        return cutOver(Cutover.Direction.FORWARD);
    }

    @Test
    void bThatNeverCatchesUpWithinMaxPauseAbortsAndLiftsTheFence() {
        b.offset = CAPTURED - 1;
        FerryException e = cutOver();
        assertThat(e.code()).isEqualTo(ExitCode.ABORTED);
        assertThat(e.code().value()).isEqualTo(5);
        assertThat(e).hasMessageContaining("cutover aborted: b did not reach a's offset 1000 within max-pause 2000ms (b at 999)")
                .hasMessageContaining("a is master again");
        assertThat(fence.lifted).isEqualTo(1);
        assertThat(journal.reached(Cutover.NAME, Milestone.ABORTED)).isTrue();
        assertThat(journal.reached(Cutover.NAME, Milestone.PROMOTING)).isFalse();
        assertThat(b.promotions).isZero();
        assertThat(ticker.slept()).as("waited out max-pause on the fake clock").isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(traffic.armed).as("the switch made ready before the fence").isEqualTo(1);
        assertThat(traffic.disarmed).as("and dropped by the abort, never moved").isPositive();
        assertThat(traffic.moved).isZero();
    }

    @Test
    void aFenceThatCannotBeRaisedAbortsWithTheFencedServerNamed() {
        fence.raiseFails = true;
        FerryException e = cutOver();
        assertThat(e.code()).isEqualTo(ExitCode.ABORTED);
        assertThat(e).hasMessageContaining("cutover aborted: could not fence a: MULTI refused");
        assertThat(fence.lifted).isEqualTo(1);
        assertThat(journal.reached(Cutover.NAME, Milestone.ABORTED)).isTrue();
    }

    @Test
    void theSwitchBackNamesBAsTheServerItCouldNotFence() {
        fence.raiseFails = true;
        FerryException e = cutOver(Cutover.Direction.BACK);
        assertThat(e.code()).isEqualTo(ExitCode.ABORTED);
        assertThat(e).hasMessageContaining("switch-back aborted: could not fence b: MULTI refused")
                .hasMessageNotContaining("could not fence a");
        assertThat(journal.reached("switch-back", Milestone.ABORTED)).isTrue();
    }

    @Test
    void bThatRefusesPromotionAbortsBeforeAnythingIsPromoted() {
        b.offset = CAPTURED;
        b.promotionFails = true;
        FerryException e = cutOver();
        assertThat(e.code()).isEqualTo(ExitCode.ABORTED);
        assertThat(e).hasMessageContaining("b refused promotion: ERR no");
        assertThat(fence.lifted).isEqualTo(1);
        assertThat(journal.reached(Cutover.NAME, Milestone.PROMOTING)).isTrue();
        assertThat(journal.reached(Cutover.NAME, Milestone.PROMOTED)).isFalse();
        assertThat(journal.reached(Cutover.NAME, Milestone.ABORTED)).isTrue();
    }

    @Test
    void aFenceThatCannotBeLiftedLeavesTheRunIncomplete() {
        b.offset = CAPTURED - 1;
        fence.liftFails = true;
        FerryException e = cutOver();
        assertThat(e.code()).isEqualTo(ExitCode.INCOMPLETE);
        assertThat(e).hasMessageContaining("lifting the fence on a also failed (connection reset)")
                .hasMessageContaining("a is fenced; run ferry resume or ferry rollback");
        assertThat(journal.reached(Cutover.NAME, Milestone.ABORTED)).as("a is not master again").isFalse();
    }

    @Test
    void bFarBehindIsWaitedForAtMostTenSecondsThenFencedWithAWarning() {
        b.behind = 10 << 20;
        fence.raiseFails = true; // stop right after the wait: what follows is covered above
        RunContext ctx = context();
        FerryException e = catchThrowableOfType(() -> new Cutover(Cutover.Direction.FORWARD, c -> b)
                .fenceAndPromote(ctx, fence), FerryException.class);
        assertThat(e.code()).isEqualTo(ExitCode.ABORTED);
        assertThat(ctx.warnings()).singleElement().asString()
                .startsWith("b is still 10485760 bytes behind a after 10s: fencing anyway");
        assertThat(ticker.slept()).isBetween(Duration.ofSeconds(10), Duration.ofSeconds(11));
        assertThat(fence.raised).isEqualTo(1);
    }

    @Test
    void bCloseEnoughIsFencedWithoutWaiting() {
        b.behind = 1024;
        fence.raiseFails = true;
        RunContext ctx = context();
        catchThrowableOfType(() -> new Cutover(Cutover.Direction.FORWARD, c -> b).fenceAndPromote(ctx, fence),
                FerryException.class);
        assertThat(ctx.warnings()).isEmpty();
        assertThat(ticker.slept()).isZero();
    }

    @Test
    void aFleetPairWaitsAtTheGateBeforeItFencesWhileAnotherPairIsFenced() throws Exception {
        FenceGate gate = FenceGate.shared();
        RunContext other = new RunContext(SpecLoader.parse("""
                name: other
                source: { host: 127.0.0.1, port: 3 }
                target: { host: 127.0.0.1, port: 4 }
                """, dir.resolve("other.yaml")), new Servers(node("a", 3), node("b", 4), Optional.empty(), "ferry-test"),
                Journal.open(dir, "other", Clock.systemUTC()), new NoSwitch(), RunOptions.defaults(dir).withYes(),
                q -> true, new RunListener() { }, Clock.systemUTC(), Ticker.system(), gate);
        other.enterFence("before the fence", new java.util.LinkedHashMap<>());
        b.behind = 0;
        fence.raiseFails = true; // once through the gate, stop right after the fence: what follows is covered above
        RunContext ctx = context(gate);
        java.util.concurrent.CompletableFuture<FerryException> cutover = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> catchThrowableOfType(() -> new Cutover(Cutover.Direction.FORWARD, c -> b)
                        .fenceAndPromote(ctx, fence), FerryException.class));
        Thread.sleep(200);
        assertThat(cutover).isNotDone();
        assertThat(fence.raised).as("nothing fenced while it waits").isZero();
        assertThat(journal.reached(Cutover.NAME, Milestone.FENCING)).isFalse();
        assertThat(ctx.signalsHeld()).isFalse();

        other.releaseSignals();
        FerryException e = cutover.get(5, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(e.code()).isEqualTo(ExitCode.ABORTED);
        assertThat(fence.raised).isEqualTo(1);
        assertThat(journal.reached(Cutover.NAME, Milestone.FENCING)).isTrue();
        ctx.releaseSignals(); // as the runner does when the step ends, aborted or not
        assertThat(gate.anyOpen()).isFalse();
    }

    /** The switch as the cutover drives it (like {@code switch: none}), counting arm, disarm and move. */
    static final class ArmedSwitch implements TrafficSwitch {
        private final NoSwitch none = new NoSwitch();
        int armed;
        int disarmed;
        int moved;

        @Override
        public String describe() {
            return none.describe();
        }

        @Override
        public List<PlannedCommand> plan(Endpoint from, Endpoint to) {
            return none.plan(from, to);
        }

        @Override
        public List<String> preflight() {
            return none.preflight();
        }

        @Override
        public boolean movesBeforeDemotion() {
            return none.movesBeforeDemotion();
        }

        @Override
        public Duration move(Endpoint from, Endpoint to) {
            moved++;
            return none.move(from, to);
        }

        @Override
        public void arm(Endpoint from, Endpoint to) {
            armed++;
        }

        @Override
        public void disarm() {
            disarmed++;
        }
    }

    static final class FakeFence implements Fence {
        boolean raiseFails;
        boolean liftFails;
        int raised;
        int lifted;
        String marker;

        @Override
        public String describe() {
            return "fake fence";
        }

        @Override
        public List<PlannedCommand> plan(String markerKey) {
            return List.of();
        }

        @Override
        public long raise(String markerKey, String markerValue) {
            raised++;
            if (raiseFails) {
                throw new IllegalStateException("MULTI refused");
            }
            marker = markerValue;
            return CAPTURED;
        }

        @Override
        public void lift() {
            lifted++;
            if (liftFails) {
                throw new IllegalStateException("connection reset");
            }
        }

        @Override
        public void releaseDemoted() {
        }

        @Override
        public String holdDetached() {
            return "";
        }

        @Override
        public String detachUnpaused() {
            return "";
        }

        @Override
        public List<PlannedCommand> planReleaseDemoted() {
            return List.of();
        }

        @Override
        public List<PlannedCommand> planHoldDetached() {
            return List.of();
        }

        @Override
        public List<PlannedCommand> planDetachUnpaused() {
            return List.of();
        }
    }

    /** b as the cutover sees it: it has the marker the fence wrote once its offset reaches the captured one. */
    static final class FakeProbe implements CutoverProbe {
        private final FakeFence fence;
        long behind;
        long offset;
        boolean promotionFails;
        int promotions;

        FakeProbe(FakeFence fence) {
            this.fence = fence;
        }

        @Override
        public long bytesBehind() {
            return behind;
        }

        @Override
        public long offset() {
            return offset;
        }

        @Override
        public String marker(String key) {
            return offset >= CAPTURED ? fence.marker : null;
        }

        @Override
        public void promote() {
            promotions++;
            if (promotionFails) {
                throw new IllegalStateException("ERR no");
            }
        }

        @Override
        public boolean isMaster() {
            return !promotionFails && promotions > 0;
        }

        @Override
        public String runId() {
            return "b-run-id";
        }

        @Override
        public CutoverProbe withTimeout(int millis) {
            return this;
        }

        @Override
        public void close() {
        }
    }
}
