package dev.ferry.core.cutover;

import dev.ferry.core.redis.RedisNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Counts keys one server has and another lacks, in every database, by SCAN on one side and EXISTS on the
 * other: the drain mode's measure of writes that a writable replica kept to itself.
 */
final class KeyDivergence {
    private static final int SAMPLE = 10;

    private KeyDivergence() {
    }

    record Result(long missing, List<String> sample) {
    }

    static Result missingOn(RedisNode from, RedisNode other, int maxKeys) {
        long missing = 0;
        long seen = 0;
        List<String> sample = new ArrayList<>();
        for (int db : from.info("keyspace").keysPerDb().keySet()) {
            from.callString("SELECT", Integer.toString(db));
            other.callString("SELECT", Integer.toString(db));
            String cursor = "0";
            do {
                List<?> page = (List<?>) from.call("SCAN", cursor, "COUNT", "500");
                cursor = RedisNode.asString(page.get(0));
                for (Object k : (List<?>) page.get(1)) {
                    String key = RedisNode.asString(k);
                    seen++;
                    if (other.callLong("EXISTS", key) == 0) {
                        missing++;
                        if (sample.size() < SAMPLE) {
                            sample.add("db" + db + ":" + key);
                        }
                    }
                }
            } while (!"0".equals(cursor) && seen < maxKeys);
        }
        from.callString("SELECT", "0");
        other.callString("SELECT", "0");
        return new Result(missing, sample);
    }
}
