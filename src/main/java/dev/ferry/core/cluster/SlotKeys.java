package dev.ferry.core.cluster;

import java.util.BitSet;
import redis.clients.jedis.util.JedisClusterCRC16;

/** Keys that land in a given shard: the fence's marker must be written on the master that serves its slot. */
final class SlotKeys {
    private SlotKeys() {
    }

    /** {@code prefix{n}} for the smallest n whose slot is in {@code slots}. */
    static String keyIn(String prefix, BitSet slots) {
        if (slots.isEmpty()) {
            throw new IllegalArgumentException("no slots to place " + prefix + " in");
        }
        for (int n = 0; ; n++) {
            String key = prefix + "{" + n + "}";
            if (slots.get(JedisClusterCRC16.getSlot(key))) {
                return key;
            }
        }
    }
}
