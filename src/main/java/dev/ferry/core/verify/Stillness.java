package dev.ferry.core.verify;

import dev.ferry.core.redis.Info;
import dev.ferry.core.redis.RedisNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a server said about its writes at one moment: the counters any write moves (changes since the last save,
 * the replication offset, expired and evicted keys, saves) and its keys per database. Two equal readings taken
 * around a pass mean no key was written, expired or evicted in between, so the pass saw one unchanging keyspace.
 */
record Stillness(Map<String, String> counters, Map<Integer, Long> keysPerDb) {
    private static final List<String> COUNTERS = List.of("rdb_changes_since_last_save", "rdb_bgsave_in_progress",
            "rdb_last_save_time", "master_repl_offset", "expired_keys", "evicted_keys");

    static Stillness of(RedisNode node) {
        Info info = node.info("default");
        Map<String, String> counters = new LinkedHashMap<>();
        COUNTERS.forEach(name -> counters.put(name, info.get(name, "")));
        return new Stillness(counters, info.keysPerDb());
    }

    long keys(int db) {
        return keysPerDb.getOrDefault(db, 0L);
    }
}
