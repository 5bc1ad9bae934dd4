package dev.ferry.core.sync;

import dev.ferry.core.procedure.Ticker;
import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.procedure.FailPoints;
import dev.ferry.core.procedure.LagCanary;
import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.redis.RedisNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The logical sync (issue 14), for sources that refuse replication: the change capture ({@link ChangeFeed}) is
 * subscribed first, then every database of a is scanned and copied to b ({@link KeyCopier}); keys changed since
 * are copied again (deleted and expired ones deleted on b), by one worker thread, so that no older read of a key
 * overwrites a newer one on b. A gap in the feed (a dropped subscriber, a late heartbeat) is never silent: the
 * feed is opened again and a full pass runs again. A new process (a resume) starts with a full pass too: what
 * changed while ferry was dead was seen by nobody, so no journaled cursor is trusted.
 *
 * <p>Every keyspace event makes its key dirty, whatever the event: RENAME ({@code rename_from} on the old name,
 * {@code rename_to} on the new) and MOVE ({@code move_from} in one database, {@code move_to} in the other) make
 * both keys dirty, and copying them again deletes the one gone from a; an eviction ({@code evicted}) deletes the
 * key on b. FLUSHDB, FLUSHALL and SWAPDB publish no event: {@link DatabaseSentinels} sees them (checked every
 * {@value #SENTINEL_CHECK_MILLIS} ms and once inside the fence), and each disturbed database is reconciled: its
 * sentinel planted again, the database emptied on b and scanned again from a.
 *
 * <p>Big keys, and every key once b refuses a DUMP payload, are copied by type in chunks (see KeyCopier).
 */
public final class LogicalSync implements AutoCloseable {
    private static final int SCAN_COUNT = 500;
    private static final int DRAIN_BATCH = 200;
    private static final int MAX_RESCANS = 5;
    static final long SENTINEL_CHECK_MILLIS = 100;
    private static final int COMPARE_ATTEMPTS = 3;
    private static final int FEED_ATTEMPTS = 3;
    /** FERRY_FAILPOINT=logical:copying halts after this many pages of the first full pass. */
    private static final int FAIL_POINT_PAGE = 3;

    private final RedisNode a;
    private final String heartbeatKey;
    private final RunListener listener;
    private final DirtyKeys dirty = new DirtyKeys();
    private final KeyCopier copier;
    private final AtomicInteger inFlight = new AtomicInteger();
    /** Keys copied while a is fenced, to be compared before the switch; null while not recording. */
    private volatile Set<DirtyKeys.Key> recorded;
    private volatile ChangeFeed feed;
    private volatile boolean passDone;
    private volatile boolean closed;
    private volatile RuntimeException failure;
    private volatile int passes;
    private volatile int rescans;
    private volatile String lastGap = "";
    private volatile long lastLagReport;
    private final Thread worker;
    private final DatabaseSentinels sentinels;
    private long nextSentinelCheck;
    /** A reconcile runs (the worker's): b is not caught up meanwhile. */
    private volatile boolean reconciling;
    /** a is fenced (its writes wait): a reconcile plants no sentinel, that would wait behind the pause. */
    private volatile boolean fenced;
    /** The sentinels were read after the fence's heartbeat arrived, and any disturbed database reconciled. */
    private volatile boolean checkedInFence;
    private volatile int reconciles;
    private volatile String lastReconcile = "";
    /** b held keys when this process started its sync (a resume): the full pass sweeps b too. */
    private final boolean bHeldKeys;
    private final RedisNode b;
    private volatile long swept;
    private int pagesCopied;

    private LogicalSync(RedisNode a, RedisNode b, String specName, RunListener listener, long maxOps) {
        this.a = a;
        this.heartbeatKey = heartbeatKey(specName);
        this.listener = listener;
        this.b = b;
        this.bHeldKeys = b.totalKeys() > 0;
        this.copier = new KeyCopier(a, b, maxOps, listener::warn);
        this.sentinels = new DatabaseSentinels(a, sentinelKey(specName));
        this.worker = new Thread(this::work, "ferry-logical-sync");
        worker.setDaemon(true);
    }

    /** The key the capture's heartbeat writes on a (db 0); b gets a copy of it like any key. */
    public static String heartbeatKey(String specName) {
        return LagCanary.KEY_PREFIX + specName + ":capture";
    }

    /** The key of the sentinel ferry keeps in every database of a (see {@link DatabaseSentinels}). */
    public static String sentinelKey(String specName) {
        return LagCanary.KEY_PREFIX + specName + ":db";
    }

    /**
     * The run's capture, shared by its steps: started by the copy step, or, in a process that resumes past it, by
     * the cutover, which then waits for a full pass of its own (nothing was captured while ferry was dead).
     */
    public static LogicalSync of(RunContext ctx) {
        return ctx.shared(LogicalSync.class, () -> start(ctx.servers().a(), ctx.servers().b(), ctx.spec().name(),
                ctx.listener(), ctx.spec().sync().maxOps()));
    }

    /** Subscribes to a's keyspace notifications, then starts the full pass and the copying of changes. */
    public static LogicalSync start(RedisNode a, RedisNode b, String specName, RunListener listener, long maxOps) {
        LogicalSync sync = new LogicalSync(a, b, specName, listener, maxOps);
        sync.feed = sync.openFeed();
        sync.sentinels.plantAll(); // after the subscription, before the scan: any flush from here on is seen
        sync.worker.start();
        return sync;
    }

    /** Subscribes; a connection dropped before the subscription is confirmed is tried again (it captured nothing yet). */
    private ChangeFeed openFeed() {
        for (int attempt = 1; ; attempt++) {
            try {
                return ChangeFeed.open(a, heartbeatKey, dirty, this::reportLag);
            } catch (redis.clients.jedis.exceptions.JedisConnectionException e) {
                if (attempt == FEED_ATTEMPTS) {
                    throw e;
                }
                listener.warn("logical sync: the change feed's subscription to a dropped (" + e.getMessage() + "): subscribing again");
            }
        }
    }

    private void reportLag(double millis) {
        long now = System.nanoTime();
        if (now - lastLagReport > 200_000_000L) {
            lastLagReport = now;
            listener.lag(Map.of("b", millis));
        }
    }

    private void work() {
        try {
            while (!closed) {
                if (!passDone) {
                    passDone = fullPass();
                    if (passDone) {
                        passes++;
                    }
                } else if (drainSome()) {
                    FailPoints.hit("logical:capturing");
                } else {
                    Ticker.system().nap(Duration.ofMillis(2));
                }
                checkSentinels();
                String gap = feed.gap();
                if (gap != null && !closed) {
                    rescan(gap);
                }
            }
        } catch (RuntimeException e) {
            if (!closed) {
                failure = e;
                listener.warn("logical sync: stopped copying: " + e); // the steps waiting on it fail with it
            }
        }
    }

    /**
     * A gap: open the feed again (subscribed before the scan, as the first time), then scan everything again.
     * Synchronized with {@link #fenceLifted}, the other place that replaces the feed.
     */
    private synchronized void rescan(String gap) {
        if (++rescans > MAX_RESCANS) {
            throw new FerryException(ExitCode.STOPPED, "the change capture on a lost events " + rescans + " times ("
                    + gap + "): raise a's client-output-buffer-limit for pubsub or lower the write rate, then ferry resume");
        }
        lastGap = gap;
        listener.warn("logical sync: " + gap + ": rescanning a");
        passDone = false;
        feed.close();
        feed = openFeed();
    }

    /**
     * Every database of a, page by page, with changes drained between pages; false when a gap cut it short. Where b
     * may hold keys a has since deleted unseen (b held keys when this process began: a resume; or a gap lost
     * events), b is swept too: each key of b that a lacks is made dirty, and so deleted on b.
     */
    private boolean fullPass() {
        boolean sweep = bHeldKeys || passes > 0 || rescans > 0;
        Set<Integer> dbs = databases();
        if (sweep) {
            dbs.addAll(b.info("keyspace").keysPerDb().keySet());
        }
        for (int db : dbs) {
            if (!scan(db) || (sweep && !sweepB(db))) {
                return false;
            }
        }
        return true;
    }

    /** Marks dirty every key of database {@code db} of b that a does not hold; false when a gap cut it short. */
    private boolean sweepB(int db) {
        String cursor = "0";
        do {
            KeyCopier.Page page = copier.scanB(db, cursor, SCAN_COUNT);
            if (!page.keys().isEmpty()) {
                for (byte[] key : copier.missingOnA(db, page.keys())) {
                    dirty.add(DirtyKeys.Key.of(db, key));
                    swept++;
                }
            }
            cursor = page.cursor();
            drainSome();
            checkSentinels();
            if (closed || feed.gap() != null) {
                return false;
            }
        } while (!"0".equals(cursor));
        return true;
    }

    /** One database of a, page by page, with changes drained (and the sentinels checked) between pages. */
    private boolean scan(int db) {
        String cursor = "0";
        do {
            KeyCopier.Page page = copier.scan(db, cursor, SCAN_COUNT);
            inFlight.incrementAndGet();
            try {
                copier.copy(db, page.keys());
            } finally {
                inFlight.decrementAndGet();
            }
            cursor = page.cursor();
            drainSome();
            checkSentinels();
            if (passes == 0 && ++pagesCopied == FAIL_POINT_PAGE) {
                FailPoints.hit("logical:copying");
            }
            if (closed || feed.gap() != null) {
                return false;
            }
        } while (!"0".equals(cursor));
        return true;
    }

    /**
     * Reads the sentinels (at most every {@value #SENTINEL_CHECK_MILLIS} ms; inside the fence once the fence's
     * heartbeat is in) and reconciles each disturbed database. Not while a reconcile runs: the next check after
     * it sees whatever happened meanwhile, since a disturbed sentinel stays so until planted again.
     */
    private void checkSentinels() {
        boolean fenceCheck = fenced && !checkedInFence && feed.fenceSeen();
        if (reconciling || (!fenceCheck && System.nanoTime() < nextSentinelCheck)) {
            return;
        }
        nextSentinelCheck = System.nanoTime() + SENTINEL_CHECK_MILLIS * 1_000_000;
        Map<Integer, String> disturbed = sentinels.disturbed();
        if (!disturbed.isEmpty()) {
            reconciling = true;
            try {
                reconcile(disturbed);
            } finally {
                reconciling = false;
            }
        }
        if (fenceCheck) {
            checkedInFence = true;
        }
    }

    /**
     * A flushed or swapped database of a: its sentinel planted again (first, so a flush during the rescan is seen
     * too; not inside the fence, where a flush cannot happen and a write would wait), the database emptied on b,
     * then scanned again from a. Keys changed meanwhile stay dirty and are copied after, as always.
     */
    private void reconcile(Map<Integer, String> disturbed) {
        reconciles++;
        lastReconcile = disturbed.size() == sentinels.databases() && disturbed.size() > 1
                && disturbed.values().stream().allMatch(why -> why.contains("was flushed"))
                ? "every database was flushed (FLUSHALL on a)" : String.join("; ", disturbed.values());
        listener.warn("logical sync: " + lastReconcile + ": emptying db " + disturbed.keySet() + " on b and copying it again");
        if (!fenced) {
            sentinels.plant(disturbed.keySet());
        }
        inFlight.incrementAndGet();
        try {
            for (int db : disturbed.keySet()) {
                copier.flushB(db);
            }
        } finally {
            inFlight.decrementAndGet();
        }
        for (int db : disturbed.keySet()) {
            if (!scan(db)) {
                return; // a gap: the full pass that answers it covers these databases too
            }
        }
    }

    private Set<Integer> databases() {
        Set<Integer> dbs = new TreeSet<>(a.info("keyspace").keysPerDb().keySet());
        dbs.add(0);
        return dbs;
    }

    /** Copies one batch of dirty keys again; false when there was none. */
    private boolean drainSome() {
        inFlight.incrementAndGet();
        try {
            List<DirtyKeys.Key> batch = dirty.take(DRAIN_BATCH);
            if (batch.isEmpty()) {
                return false;
            }
            Map<Integer, List<byte[]>> byDb = new LinkedHashMap<>();
            for (DirtyKeys.Key k : batch) {
                byDb.computeIfAbsent(k.db(), d -> new ArrayList<>()).add(k.bytes());
            }
            byDb.forEach(copier::copy);
            Set<DirtyKeys.Key> record = recorded;
            if (record != null) {
                record.addAll(batch);
            }
            return true;
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Waits until the first full pass is done; the sync's failure, a gap limit or {@code stop} ends the wait. */
    public void awaitFullPass(Duration timeout, BooleanSupplier stop) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!passDone || passes == 0) {
            throwIfFailed();
            if (stop.getAsBoolean()) {
                throw new FerryException(ExitCode.INTERRUPTED, "stopped during the logical copy: ferry resume copies again");
            }
            if (System.nanoTime() > deadline) {
                throw new FerryException(ExitCode.STOPPED, "the logical copy of a did not finish within "
                        + timeout.toSeconds() + "s: raise cutover.catch-up, then ferry resume");
            }
            Ticker.system().nap(Duration.ofMillis(20));
        }
    }

    /**
     * Runs {@code compare} (verify's, before the cutover) once b has caught up (waited for at most
     * {@code settle}), and again, up to {@value #COMPARE_ATTEMPTS} times, when it found differences while a rescan or
     * a reconcile ran (a database emptied on b and copied again is no difference of the copy, only of the moment).
     */
    public <T> T compareSettled(Supplier<T> compare, Predicate<T> same, Duration settle) {
        T result = null;
        for (int attempt = 1; attempt <= COMPARE_ATTEMPTS; attempt++) {
            awaitCaughtUp(settle);
            int before = reconciles + rescans;
            result = compare.get();
            if (same.test(result) || (reconciles + rescans == before && !reconciling && passDone)) {
                return result;
            }
            listener.warn("logical sync: a rescan or reconcile ran during the comparison: comparing again");
        }
        return result;
    }

    /** Waits until {@link #caughtUp()}, at most {@code timeout} (writers may keep a few keys dirty all along). */
    private void awaitCaughtUp(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!caughtUp() && System.nanoTime() < deadline) {
            Ticker.system().nap(Duration.ofMillis(5));
        }
    }

    /** b has everything the feed reported: the full pass is done, no dirty key is waiting or being copied. */
    public boolean caughtUp() {
        throwIfFailed();
        return passDone && !reconciling && dirty.isEmpty() && inFlight.get() == 0;
    }

    public int dirtyKeys() {
        return dirty.size();
    }

    public double lagMillis() {
        return feed.lagMillis();
    }

    /** Why the feed cannot be trusted right now, or null. */
    public String gap() {
        return feed.gap();
    }

    public String heartbeatKey() {
        return heartbeatKey;
    }

    // ---- the cutover's part ------------------------------------------------------------------------------------

    /** Before the fence: the heartbeat stops (its writes would wait behind the pause) and copies are recorded. */
    public void prepareFence() {
        feed.stopHeartbeat();
        recorded = ConcurrentHashMap.newKeySet();
        checkedInFence = false;
        fenced = true;
    }

    /** Writes the fence's heartbeat through {@code fenceTransaction} (which also pauses a's writers). */
    public void fence(Runnable fenceTransaction) {
        feed.fenceHeartbeat(fenceTransaction);
    }

    /**
     * Every change a acknowledged before the fence has reached b: the fence's heartbeat is in, the sentinels were
     * read since (no flush or swap unanswered), nothing is dirty.
     */
    public boolean appliedUpToFence() {
        return feed.fenceSeen() && checkedInFence && caughtUp();
    }

    /** The keys copied since {@link #prepareFence} whose value differs between a and b. */
    public List<String> differingRecordedKeys(RedisNode b) {
        List<String> differing = new ArrayList<>();
        Map<Integer, List<byte[]>> byDb = new LinkedHashMap<>();
        for (DirtyKeys.Key k : recorded) {
            byDb.computeIfAbsent(k.db(), d -> new ArrayList<>()).add(k.bytes());
        }
        byDb.forEach((db, keys) -> {
            List<String> onA = copier.canonical(a, db, keys);
            List<String> onB = copier.canonical(b, db, keys);
            for (int i = 0; i < keys.size(); i++) {
                if (!onA.get(i).equals(onB.get(i))) {
                    differing.add("db" + db + ":" + new String(keys.get(i), java.nio.charset.StandardCharsets.UTF_8));
                }
            }
        });
        return differing;
    }

    public int recordedKeys() {
        Set<DirtyKeys.Key> r = recorded;
        return r == null ? 0 : r.size();
    }

    /** The fence was lifted (an abort): the heartbeat starts again and nothing is recorded. */
    public synchronized void fenceLifted() {
        recorded = null;
        fenced = false;
        // a new feed brings a new heartbeat; the events in between were captured by the old one, which stays open
        ChangeFeed old = feed;
        feed = openFeed();
        old.close();
    }

    /** For facts and reports. */
    public Map<String, Object> facts() {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("method", "logical");
        facts.put("passes", passes);
        facts.put("rescans", rescans);
        facts.put("reconciles", reconciles);
        facts.put("sweptFromB", swept);
        if (!lastReconcile.isEmpty()) {
            facts.put("lastReconcile", lastReconcile);
        }
        if (!lastGap.isEmpty()) {
            facts.put("lastGap", lastGap);
        }
        facts.put("restored", copier.restored());
        facts.put("deleted", copier.deleted());
        facts.put("copiedByType", copier.copiedByType());
        if (copier.typedBecause() != null) {
            facts.put("typedBecause", copier.typedBecause());
        }
        facts.put("dirtyKeys", dirty.size());
        facts.put("lagMillis", feed.lagMillis());
        return facts;
    }

    private void throwIfFailed() {
        RuntimeException f = failure;
        if (f != null) {
            throw f instanceof FerryException fe ? fe : new FerryException(ExitCode.STOPPED, "the logical sync failed: " + f);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            worker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        feed.close();
        sentinels.close();
        copier.close();
    }
}
