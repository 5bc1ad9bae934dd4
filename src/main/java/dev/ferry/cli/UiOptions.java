package dev.ferry.cli;

import picocli.CommandLine.Option;

/** {@code --ui-port}/{@code --ui-host}: the live status page of run, resume, rollback and the fleet verbs. */
final class UiOptions {
    @Option(names = "--ui-port", paramLabel = "PORT", description = "serve a live status page (read-only) on http://HOST:PORT/ while running")
    Integer port;

    @Option(names = "--ui-host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "address the status page listens on (default: ${DEFAULT-VALUE}; anything else exposes it to the network)")
    String host;

    /** The page, or none without --ui-port; the port is checked before any spec is read. */
    StatusPage open(StatusBoard board, String title, picocli.CommandLine.Model.CommandSpec cmd) {
        if (port == null) {
            return null;
        }
        new Usage(cmd).between("--ui-port", port, 0, 65535);
        return new StatusPage(board, title, host, port);
    }

    void check(picocli.CommandLine.Model.CommandSpec cmd) {
        if (port != null) {
            new Usage(cmd).between("--ui-port", port, 0, 65535);
        }
    }
}
