package dev.ferry.cli;

import dev.ferry.core.journal.OutputPaths;
import dev.ferry.core.spec.SecretSource;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The state directory and the rule for password files: every command on a spec or a fleet takes both. */
final class StateOptions {
    @Option(names = "--state-dir", paramLabel = "DIR", defaultValue = ".ferry",
            description = "where the journals and locks live: the run's, or the fleet's and each pair's (default: ${DEFAULT-VALUE})")
    Path stateDir;

    @Option(names = "--allow-open-secret-files", description = "use password files that group or others can read, "
            + "or that another user owns (refused by default, as ssh refuses such keys: chmod 600 FILE)")
    boolean allowOpenSecretFiles;

    /** Where passwords come from, with the open-file rule the operator chose. */
    SecretSource secrets() {
        return SecretSource.system(allowOpenSecretFiles);
    }

    /** The state dir, checked before the spec is read or a server contacted: a folder ferry can write into. */
    Path writableStateDir() {
        OutputPaths.folder("--state-dir", stateDir);
        return stateDir;
    }

    /** The state dir for commands that only read it: it may be read-only or absent, but not a file. */
    Path readableStateDir() {
        OutputPaths.notAFile("--state-dir", stateDir);
        return stateDir;
    }
}
