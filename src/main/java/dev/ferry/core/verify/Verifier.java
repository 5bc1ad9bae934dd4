package dev.ferry.core.verify;

import dev.ferry.core.redis.RedisNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/**
 * Compares servers pair by pair: type, value and TTL of every key (or a sample), in every database, in both
 * directions. Reads only; its connections are named {@code ferry-verify-*} and share one rate limit.
 */
public final class Verifier {
    private final VerifyOptions options;
    private final LongAdder progress = new LongAdder();

    public Verifier(VerifyOptions options) {
        this.options = options;
    }

    /** Keys compared so far, over every pair and both directions: for progress displays. */
    public long keysCompared() {
        return progress.sum();
    }

    /** a against b, then b against c when the spec has a backup. */
    public static List<List<RedisNode>> pairsOf(dev.ferry.core.plan.Servers servers) {
        List<List<RedisNode>> pairs = new ArrayList<>();
        pairs.add(List.of(servers.a(), servers.b()));
        servers.c().ifPresent(c -> pairs.add(List.of(servers.b(), c)));
        return pairs;
    }

    /** Verifies {@code pairs} in order, each a [left, right] list. */
    public VerifyResult verify(List<List<RedisNode>> pairs) {
        OpsLimiter limiter = new OpsLimiter(options.maxOps());
        Optional<BufferedWriter> file = options.mismatchFile().map(MismatchSink::open);
        try {
            List<PairResult> results = new ArrayList<>();
            for (List<RedisNode> pair : pairs) {
                MismatchSink sink = new MismatchSink(options.shown(), file);
                results.add(new PairVerifier(pair.get(0), pair.get(1), options, limiter, sink, progress).run());
            }
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
