package dev.ferry.core.verify;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.redis.RedisNode;
import dev.ferry.core.redis.RedisVersion;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * Verifies one pair of servers: left to right (every left key compared), then right to left (only whether each
 * right key exists on the left: the forward pass compared the rest), unless the forward pass proved the right
 * has no other key. Batches go to workers through a small
 * queue; a key that differs is compared again over a few rounds before it counts, so live writes that have not
 * replicated yet do not show up as differences.
 */
final class PairVerifier {
    /** Suspects a worker holds before it re-checks them: bounds memory when one side is nearly empty. */
    private static final int SUSPECT_LIMIT = 5000;
    /** How long verify watches the servers' write counters before it picks one or two passes at once. */
    private static final Duration LIVE_PROBE = Duration.ofMillis(100);
    private static final RedisVersion VARIADIC_EXISTS = RedisVersion.parse("3.0.3", "redis");
    /** How long a re-check waits for a right side that replicates from the left to reach the left's offset. */
    private static final Duration CATCH_UP = Duration.ofSeconds(10);
    private static final Duration CATCH_UP_POLL = Duration.ofMillis(10);

    private final RedisNode left;
    private final RedisNode right;
    private final VerifyOptions options;
    private final OpsLimiter limiter;
    private final MismatchSink sink;
    private final Tally tally = new Tally();
    private final LongAdder rechecked = new LongAdder();
    /** Keys of the left side compared, batch by batch (the reverse pass only looks them up: not counted). */
    private final LongConsumer progress;

    PairVerifier(RedisNode left, RedisNode right, VerifyOptions options, OpsLimiter limiter, MismatchSink sink,
            LongConsumer progress) {
        this.left = left;
        this.right = right;
        this.options = options;
        this.limiter = limiter;
        this.sink = sink;
        this.progress = progress;
    }

    private String pair() {
        return left.label() + "<->" + right.label();
    }

    PairResult run() {
        long start = System.nanoTime();
        Stillness leftBefore = Stillness.of(left);
        Stillness rightBefore = Stillness.of(right);
        boolean reversed;
        if (!options.isFull() || written(leftBefore, rightBefore)) {
            bothPassesAtOnce(leftBefore.keysPerDb(), rightBefore.keysPerDb());
            reversed = true;
        } else {
            pass(true, leftBefore.keysPerDb());
            Map<Integer, Long> reverseDbs = reverseDbs(leftBefore, rightBefore);
            reversed = !reverseDbs.isEmpty();
            if (reversed) {
                pass(false, reverseDbs);
            }
        }
        return new PairResult(left.label(), right.label(), options.isFull() ? "full" : "sample " + options.sample(),
                tally.keys(), tally.perType(), sink.total(), sink.perKind(), sink.kept(), rechecked.sum(),
                reversed ? "ran" : "skipped", Duration.ofNanos(System.nanoTime() - start));
    }

    /**
     * Whether either server takes writes: then the reverse pass cannot be spared, and it runs alongside the
     * forward one (which loads the left server most, the reverse the right one).
     */
    private boolean written(Stillness leftBefore, Stillness rightBefore) {
        sleep(LIVE_PROBE);
        return !Stillness.of(left).equals(leftBefore) || !Stillness.of(right).equals(rightBefore);
    }

    private void bothPassesAtOnce(Map<Integer, Long> leftDbs, Map<Integer, Long> rightDbs) {
        AtomicReference<RuntimeException> reverseFailure = new AtomicReference<>();
        Thread reverse = new Thread(() -> {
            try {
                pass(false, rightDbs);
            } catch (RuntimeException e) {
                reverseFailure.set(e);
            }
        }, "ferry-verify-" + pair() + "-reverse");
        reverse.setDaemon(true);
        reverse.start();
        try {
            pass(true, leftDbs);
        } finally {
            join(reverse);
        }
        if (reverseFailure.get() != null) {
            throw reverseFailure.get();
        }
    }

    /**
     * The databases whose right-hand keys the forward pass may not have covered. None when neither server
     * changed during that pass and, per database, the left gave exactly its key count (so SCAN returned no key
     * twice) and the right held exactly that many of them: then the right has no key the left lacks.
     */
    private Map<Integer, Long> reverseDbs(Stillness leftBefore, Stillness rightBefore) {
        Stillness leftAfter = Stillness.of(left);
        Stillness rightAfter = Stillness.of(right);
        Map<Integer, Long> dbs = new TreeMap<>(rightAfter.keysPerDb());
        if (options.isFull() && leftAfter.equals(leftBefore) && rightAfter.equals(rightBefore)) {
            dbs.keySet().removeIf(db -> tally.scanned(db) == leftAfter.keys(db)
                    && tally.onRight(db) == rightAfter.keys(db));
        }
        return dbs;
    }

    private void pass(boolean forward, Map<Integer, Long> dbs) {
        RedisNode from = forward ? left : right;
        BlockingQueue<KeySource.Batch> queue = new ArrayBlockingQueue<>(options.workers() * 2);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < options.workers(); i++) {
            Worker w = new Worker(forward, queue, failure);
            Thread t = new Thread(w, "ferry-verify-" + pair() + "-" + i);
            t.setDaemon(true);
            t.start();
            threads.add(t);
        }
        try (KeyReader reader = new KeyReader(from, "scan", limiter)) {
            KeySource source = new KeySource(reader, dbs);
            KeySource.Sink sink = batch -> offer(queue, batch, failure);
            if (options.isFull()) {
                source.scan(sink);
            } else {
                source.sample(options.sample(), sink);
            }
        } finally {
            for (int i = 0; i < threads.size(); i++) {
                offer(queue, Worker.DONE, failure);
            }
            threads.forEach(PairVerifier::join);
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    private static boolean offer(BlockingQueue<KeySource.Batch> queue, KeySource.Batch batch,
            AtomicReference<RuntimeException> failure) {
        try {
            while (failure.get() == null) {
                if (queue.offer(batch, 100, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException(ExitCode.CONNECTION, "could not verify: interrupted");
        }
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Compares batches with its own pair of connections; holds the keys that differed until re-checked. */
    private final class Worker implements Runnable {
        static final KeySource.Batch DONE = new KeySource.Batch(-1, List.of());

        private final boolean forward;
        private final BlockingQueue<KeySource.Batch> queue;
        private final AtomicReference<RuntimeException> failure;
        private final List<Suspect> suspects = new ArrayList<>();

        Worker(boolean forward, BlockingQueue<KeySource.Batch> queue, AtomicReference<RuntimeException> failure) {
            this.forward = forward;
            this.queue = queue;
            this.failure = failure;
        }

        @Override
        public void run() {
            try (KeyReader l = new KeyReader(left, "left", limiter); KeyReader r = new KeyReader(right, "right", limiter)) {
                KeyComparer comparer = new KeyComparer(l, r, pair(), options.ttlTolerance().toMillis());
                // polls, so that a failed sibling (which may leave DONE undelivered) ends this worker too
                for (KeySource.Batch b = poll(); b != DONE && failure.get() == null; b = poll()) {
                    if (b != null) {
                        suspects.addAll(forward ? comparer.compare(b.db(), b.keys(), tally) : missingOnLeft(l, comparer, b));
                        if (forward) {
                            progress.accept(b.keys().size());
                        }
                        if (suspects.size() >= SUSPECT_LIMIT) {
                            recheck(comparer);
                        }
                    }
                }
                if (failure.get() == null) {
                    recheck(comparer);
                }
            } catch (RuntimeException e) {
                failure.compareAndSet(null, e);
                queue.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private KeySource.Batch poll() throws InterruptedException {
            return queue.poll(100, TimeUnit.MILLISECONDS);
        }

        /** Reverse pass: keys of the right that the left lacks; everything else the forward pass compared. */
        private List<Suspect> missingOnLeft(KeyReader l, KeyComparer comparer, KeySource.Batch b) {
            l.select(b.db());
            if (l.version().compareTo(VARIADIC_EXISTS) >= 0) {
                l.add("EXISTS", b.keys().toArray(new byte[0][]));
                if (Long.valueOf(b.keys().size()).equals(l.flush().get(0))) {
                    return List.of(); // one command per batch in the usual case: all there
                }
            }
            b.keys().forEach(k -> l.add("EXISTS", k));
            List<Object> found = l.flush();
            List<byte[]> missing = new ArrayList<>();
            for (int i = 0; i < found.size(); i++) {
                if (!Long.valueOf(1).equals(found.get(i))) {
                    missing.add(b.keys().get(i));
                }
            }
            return missing.isEmpty() ? List.of() : comparer.compare(b.db(), missing, null);
        }

        private void recheck(KeyComparer comparer) {
            List<Suspect> remaining = new ArrayList<>(suspects);
            suspects.clear();
            rechecked.add(remaining.size());
            for (int round = 0; round < options.rechecks() && !remaining.isEmpty(); round++) {
                awaitRightCaughtUp();
                remaining = compareAgain(comparer, remaining);
            }
            remaining.forEach(s -> sink.add(s.difference()));
        }

        private List<Suspect> compareAgain(KeyComparer comparer, List<Suspect> suspected) {
            List<Suspect> still = new ArrayList<>();
            int i = 0;
            while (i < suspected.size()) {
                int db = suspected.get(i).db();
                List<byte[]> keys = new ArrayList<>();
                while (i < suspected.size() && suspected.get(i).db() == db && keys.size() < KeySource.BATCH) {
                    keys.add(suspected.get(i++).key());
                }
                still.addAll(comparer.compare(db, keys, null));
            }
            return still;
        }
    }

    /**
     * Before a re-check round. When the right side replicates from the left (b from a before the switch, c from b
     * after it), it waits until the right has processed the left's offset as of now, up to {@link #CATCH_UP}: a write
     * still in flight then never counts as a difference, however far a busy machine lets the replica fall behind (a
     * fixed 200 ms did not suffice at load 15 with three shards verifying at once). Otherwise the fixed delay.
     */
    private void awaitRightCaughtUp() {
        if (!right.replication().replicatesFrom(left.host(), left.port())) {
            sleep(options.recheckDelay());
            return;
        }
        long target = left.replication().offset();
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        while (right.replication().offset() < target && System.nanoTime() < deadline) {
            sleep(CATCH_UP_POLL);
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FerryException(ExitCode.CONNECTION, "could not verify: interrupted");
        }
    }
}
