package dev.ferry.core.cutover;

import dev.ferry.core.procedure.RunContext;
import dev.ferry.core.redis.RedisNode;

/**
 * What the cutover's state machine reads from the two servers while the fence is up, and the promotion it asks
 * of the new master. In a run it is the two {@link RedisNode}s; unit tests of the abort and timeout paths put a
 * fake here (and a fake {@link Fence}), so those paths run in milliseconds without a server.
 */
interface CutoverProbe extends AutoCloseable {

    /** How many bytes of the old master's stream the new master has yet to receive. */
    long bytesBehind();

    /** The new master's replication offset (as a replica). */
    long offset();

    /** The marker's value on the new master, or null. */
    String marker(String key);

    /** REPLICAOF NO ONE on the new master. */
    void promote();

    /** Whether the new master is master, read from live state (a lost reply may hide a promotion). */
    boolean isMaster();

    String runId();

    /** A probe whose every call gives up within {@code millis}, on its own connection; close it after. */
    CutoverProbe withTimeout(int millis);

    /** Closes only what {@link #withTimeout} opened. */
    @Override
    void close();

    static CutoverProbe of(RunContext ctx, Cutover.Direction direction) {
        return new Nodes(direction.from(ctx), direction.to(ctx), false);
    }

    /** The real servers: {@code from} is fenced, {@code to} promoted. */
    record Nodes(RedisNode from, RedisNode to, boolean ownsTo) implements CutoverProbe {
        @Override
        public long bytesBehind() {
            return from.replication().masterOffset() - to.replication().replicaOffset();
        }

        @Override
        public long offset() {
            return to.replication().replicaOffset();
        }

        @Override
        public String marker(String key) {
            return to.callString("GET", key);
        }

        @Override
        public void promote() {
            to.promote();
        }

        @Override
        public boolean isMaster() {
            return to.replication().isMaster();
        }

        @Override
        public String runId() {
            return to.runId();
        }

        @Override
        public CutoverProbe withTimeout(int millis) {
            return new Nodes(from, to.withTimeout("poll", millis), true);
        }

        @Override
        public void close() {
            if (ownsTo) {
                to.close();
            }
        }
    }
}
