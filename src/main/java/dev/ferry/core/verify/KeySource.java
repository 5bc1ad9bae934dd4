package dev.ferry.core.verify;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Where the keys of one direction come from: every key by SCAN, or a sample by RANDOMKEY spread over the
 * databases by their size. Hands out batches, so only one batch of key names per worker is ever in memory.
 */
final class KeySource {
    static final int BATCH = 1000;
    private static final byte[] COUNT = "COUNT".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BATCH_TEXT = Integer.toString(BATCH).getBytes(StandardCharsets.US_ASCII);
    private static final byte[] START = "0".getBytes(StandardCharsets.US_ASCII);

    record Batch(int db, List<byte[]> keys) {
    }

    interface Sink {
        /** Returns false to stop early (a worker failed). */
        boolean accept(Batch batch);
    }

    private final KeyReader reader;
    private final Map<Integer, Long> keysPerDb;

    KeySource(KeyReader reader, Map<Integer, Long> keysPerDb) {
        this.reader = reader;
        this.keysPerDb = keysPerDb;
    }

    void scan(Sink sink) {
        for (int db : keysPerDb.keySet()) {
            reader.select(db);
            byte[] cursor = START;
            // SCAN ends at cursor 0; the bound only guards against a server that never says so
            long maxRounds = keysPerDb.get(db) * 4 + 1000;
            for (long round = 0; round < maxRounds; round++) {
                reader.add("SCAN", cursor, COUNT, BATCH_TEXT);
                List<Object> reply = Replies.list(reader.flush().get(0));
                List<byte[]> keys = new ArrayList<>();
                Replies.list(reply.get(1)).forEach(k -> keys.add((byte[]) k));
                if (!keys.isEmpty() && !sink.accept(new Batch(db, keys))) {
                    return;
                }
                cursor = (byte[]) reply.get(0);
                if (Arrays.equals(cursor, START)) {
                    break;
                }
            }
        }
    }

    void sample(int size, Sink sink) {
        long total = keysPerDb.values().stream().mapToLong(Long::longValue).sum();
        for (Map.Entry<Integer, Long> db : keysPerDb.entrySet()) {
            long share = total == 0 ? 0 : Math.min(db.getValue(), (size * db.getValue() + total - 1) / total);
            reader.select(db.getKey());
            for (long taken = 0; taken < share; ) {
                int n = (int) Math.min(BATCH, share - taken);
                for (int i = 0; i < n; i++) {
                    reader.add("RANDOMKEY");
                }
                List<byte[]> keys = new ArrayList<>(n);
                reader.flush().forEach(k -> {
                    if (k instanceof byte[] key) {
                        keys.add(key);
                    }
                });
                taken += n;
                if (keys.isEmpty() || !sink.accept(new Batch(db.getKey(), keys))) {
                    break; // the database emptied meanwhile, or a worker failed
                }
            }
        }
    }
}
