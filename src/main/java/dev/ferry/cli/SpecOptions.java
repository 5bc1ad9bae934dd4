package dev.ferry.cli;

import dev.ferry.core.spec.SecretSource;
import dev.ferry.core.spec.Spec;
import dev.ferry.core.spec.SpecLoader;
import java.nio.file.Path;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** The spec file and state directory every command that touches servers takes. */
final class SpecOptions {
    @Parameters(index = "0", paramLabel = "SPEC", description = "the migration spec (YAML)")
    Path specFile;

    @Mixin
    StateOptions state;

    Spec load() {
        if (isCluster()) {
            throw new dev.ferry.core.spec.SpecException(specFile.getFileName() + ": a cluster spec (it has cluster:),"
                    + " which this command does not take: plan, preflight, run, resume, status, rollback and verify do");
        }
        return SpecLoader.load(specFile);
    }

    /** A spec with {@code cluster:} instead of source and target. */
    boolean isCluster() {
        return dev.ferry.core.spec.ClusterLoader.isClusterSpec(specFile);
    }

    dev.ferry.core.spec.ClusterSpec loadCluster() {
        return dev.ferry.core.spec.ClusterLoader.load(specFile);
    }

    /** Where passwords come from, with the open-file rule the operator chose. */
    SecretSource secrets() {
        return state.secrets();
    }

    Path stateDir() {
        return state.stateDir;
    }

    /** The state dir, checked before the spec is read or a server contacted: a folder ferry can write into. */
    Path writableStateDir() {
        return state.writableStateDir();
    }

    /** The state dir for commands that only read it: it may be read-only or absent, but not a file. */
    Path readableStateDir() {
        return state.readableStateDir();
    }
}
