package dev.ferry.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * keepalived (VRRP only, in the foreground) inside one host namespace. Its pid files live in the bed's folder,
 * so the spec can reload it with {@code kill -HUP $(cat <pidfile>)} and check it with {@code kill -0}.
 */
public final class NsKeepalived implements AutoCloseable {
    private final Path config;
    private final Path pidFile;
    private final NsProcess process;

    private NsKeepalived(Path config, Path pidFile, NsProcess process) {
        this.config = config;
        this.pidFile = pidFile;
        this.process = process;
    }

    static NsKeepalived start(NetnsBed bed, String host, String configText) {
        Path dir = bed.dir().resolve("keepalived-" + host);
        try {
            Files.createDirectories(dir);
            Path config = dir.resolve("keepalived.conf");
            Files.writeString(config, configText);
            Path pid = dir.resolve("keepalived.pid");
            NsProcess p = NsProcess.start(bed.netns(host), List.of("keepalived", "--vrrp", "--dont-fork",
                    "--log-console", "--log-detail", "--use-file", config.toString(), "--pid", pid.toString(),
                    "--vrrp_pid", dir.resolve("vrrp.pid").toString(), "--checkers_pid",
                    dir.resolve("checkers.pid").toString()), dir.resolve("keepalived.log"), dir);
            return new NsKeepalived(config, pid, p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write keepalived's config on " + host, e);
        }
    }

    public Path config() {
        return config;
    }

    public long pid() {
        return process.pid();
    }

    /** The spec's reload command for this keepalived. */
    public String reloadCommand() {
        return "kill -HUP " + process.pid();
    }

    /** The spec's "is it running" command for this keepalived. */
    public String runningCommand() {
        return "kill -0 " + process.pid();
    }

    public String logTail() {
        return process.logTail();
    }

    /**
     * SIGSTOPs keepalived and its VRRP child: a hung keepalived that still "runs" but neither reloads nor sends
     * adverts. (This kernel lacks the tc qdiscs that would drop VRRP packets instead.)
     */
    public void freeze() {
        process.signalTree("STOP");
    }

    public void stop() {
        process.close();
    }

    @Override
    public void close() {
        process.close();
    }
}
