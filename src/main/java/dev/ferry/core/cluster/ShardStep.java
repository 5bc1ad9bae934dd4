package dev.ferry.core.cluster;

import dev.ferry.core.procedure.Step;

/** A step of one shard's procedure: it knows its shard, and its name is the one {@code plan} prints. */
abstract class ShardStep implements Step {
    protected final Shard shard;
    private final String name;

    ShardStep(String name, Shard shard) {
        this.name = name;
        this.shard = shard;
    }

    @Override
    public String name() {
        return name;
    }
}
