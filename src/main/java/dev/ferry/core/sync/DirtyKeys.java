package dev.ferry.core.sync;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keys a changed since the capture began and b has not been given again: deduplicated, a key once however
 * often it changed. Keys are binary; ISO-8859-1 maps every byte to one char, so a String holds them losslessly.
 */
final class DirtyKeys {
    /** One key of one database. */
    record Key(int db, String latin1) {
        static Key of(int db, byte[] key) {
            return new Key(db, new String(key, StandardCharsets.ISO_8859_1));
        }

        byte[] bytes() {
            return latin1.getBytes(StandardCharsets.ISO_8859_1);
        }
    }

    private final Set<Key> keys = ConcurrentHashMap.newKeySet();

    void add(Key key) {
        keys.add(key);
    }

    int size() {
        return keys.size();
    }

    boolean isEmpty() {
        return keys.isEmpty();
    }

    void clear() {
        keys.clear();
    }

    /**
     * Removes and returns up to {@code max} keys. A key is removed before it is read from a: a change after the
     * read adds it again, so no change is lost between the two.
     */
    List<Key> take(int max) {
        List<Key> taken = new ArrayList<>();
        Iterator<Key> it = keys.iterator();
        while (it.hasNext() && taken.size() < max) {
            Key k = it.next();
            if (keys.remove(k)) {
                taken.add(k);
            }
        }
        return taken;
    }
}
