package dev.ferry.core.verify;

import dev.ferry.core.redis.RedisNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Compares servers pair by pair: type, value and TTL of every key (or a sample), in every database, in both
 * directions. Reads only; its connections are named {@code ferry-verify-*} and share one rate limit.
 */
public final class Verifier {
    /** Told how far verify got: keys of the left sides compared so far, of about {@code total}. */
    public interface Progress {
        void update(long compared, long total);

        Progress NONE = (compared, total) -> { };
    }

    private static final long REPORT_EVERY_NANOS = Duration.ofSeconds(1).toNanos();

    private final VerifyOptions options;
    private final Progress listener;
    private final LongAdder progress = new LongAdder();
    private final AtomicLong lastReport = new AtomicLong(System.nanoTime());
    private volatile long total;
    private Runnable pace = () -> { };

    public Verifier(VerifyOptions options) {
        this(options, Progress.NONE);
    }

    public Verifier(VerifyOptions options, Progress listener) {
        this.options = options;
        this.listener = listener;
    }

    /** {@code pace} runs before every pipeline of commands: a fleet's pair waits there while another is fenced. */
    public Verifier pacedBy(Runnable pace) {
        this.pace = pace;
        return this;
    }

    /** Called by the workers after each batch: passes the count on at most once a second. */
    private void compared(long keys) {
        progress.add(keys);
        long last = lastReport.get();
        long now = System.nanoTime();
        if (now - last >= REPORT_EVERY_NANOS && lastReport.compareAndSet(last, now)) {
            listener.update(progress.sum(), total);
        }
    }

    /** About how many keys verify takes from the left sides: their key counts, or the sample from each. */
    private long expected(List<List<RedisNode>> pairs) {
        long keys = 0;
        for (List<RedisNode> pair : pairs) {
            long left = pair.get(0).info("keyspace").totalKeys();
            keys += options.isFull() ? left : Math.min(left, options.sample());
        }
        return keys;
    }

    /** a against b, then b against c when the spec has a backup. */
    public static List<List<RedisNode>> pairsOf(dev.ferry.core.procedure.Servers servers) {
        List<List<RedisNode>> pairs = new ArrayList<>();
        pairs.add(List.of(servers.a(), servers.b()));
        servers.c().ifPresent(c -> pairs.add(List.of(servers.b(), c)));
        return pairs;
    }

    /** Verifies {@code pairs} in order, each a [left, right] list. */
    public VerifyResult verify(List<List<RedisNode>> pairs) {
        OpsLimiter limiter = new OpsLimiter(options.maxOps(), pace);
        total = expected(pairs);
        Optional<BufferedWriter> file = options.mismatchFile().map(MismatchSink::open);
        try {
            List<PairResult> results = new ArrayList<>();
            for (List<RedisNode> pair : pairs) {
                MismatchSink sink = new MismatchSink(options.shown(), file);
                results.add(new PairVerifier(pair.get(0), pair.get(1), options, limiter, sink, this::compared).run());
            }
            listener.update(progress.sum(), Math.max(total, progress.sum()));
            return new VerifyResult(results);
        } finally {
            file.ifPresent(Verifier::close);
        }
    }

    private static void close(BufferedWriter w) {
        try {
            w.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
