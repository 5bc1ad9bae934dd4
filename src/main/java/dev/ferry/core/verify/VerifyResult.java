package dev.ferry.core.verify;

import java.util.List;
import java.util.Map;

/** The pairs verified (a<->b, then b<->c when the spec has a backup). */
public record VerifyResult(List<PairResult> pairs) {

    public VerifyResult {
        pairs = List.copyOf(pairs);
    }

    public boolean matches() {
        return pairs.stream().allMatch(PairResult::matches);
    }

    public long differences() {
        return pairs.stream().mapToLong(PairResult::differences).sum();
    }

    public Map<String, Object> facts() {
        return Map.of("matches", matches(), "differences", differences(),
                "pairs", pairs.stream().map(PairResult::facts).toList());
    }
}
