package dev.ferry.core.switching.keepalived;

import dev.ferry.core.host.ExecResult;
import dev.ferry.core.host.HostExec;
import dev.ferry.core.host.ShellQuote;

/**
 * One keepalived host of the switch (a's or b's): how to reach it, its config file, how to reload it, and how
 * to tell that it runs.
 */
public record KeepalivedSide(String role, HostExec host, String config, String reload, String running,
        java.util.Optional<String> handoverFile) {
    public static final String DEFAULT_CONFIG = "/etc/keepalived/keepalived.conf";
    public static final String DEFAULT_RELOAD = "systemctl reload keepalived";
    public static final String DEFAULT_RUNNING = "pidof keepalived";
    static final String BACKUP_SUFFIX = ".ferry-backup";

    KeepalivedConf load() {
        return ConfLoader.load(host, config);
    }

    /** Whether the VIP is on one of this host's interfaces right now. */
    boolean holds(String vip) {
        ExecResult r = host.run(java.util.List.of("ip", "-o", "addr", "show"));
        if (!r.ok()) {
            throw new KeepalivedException("cannot list addresses " + r.failure());
        }
        return r.stdout().contains(" " + vip + "/");
    }

    boolean runs() {
        return host.shell(running).ok();
    }

    void reloadKeepalived() {
        check(host.shell(reload), "reload keepalived");
    }

    /** Copies each file once: a resumed run must not overwrite the original with its own edit. */
    void backUp(String file) {
        String f = ShellQuote.quote(file);
        String b = ShellQuote.quote(file + BACKUP_SUFFIX);
        check(host.shell("[ -e " + b + " ] || cp -p -- " + f + " " + b), "back up " + file);
    }

    /** Writes through a temp file and a rename, so keepalived never reads half a config. */
    void write(String file, String text) {
        String f = ShellQuote.quote(file);
        String tmp = ShellQuote.quote(file + ".ferry-new");
        check(host.shell("cat > " + tmp + " && chmod --reference=" + f + " " + tmp + " && mv -f -- " + tmp + " " + f,
                text), "write " + file);
    }

    /** Puts a backup back; false when there was none (nothing was edited on this host). */
    boolean restore(String file) {
        String f = ShellQuote.quote(file);
        String b = ShellQuote.quote(file + BACKUP_SUFFIX);
        ExecResult r = host.shell("[ -e " + b + " ] || exit 3; mv -f -- " + b + " " + f);
        if (r.exitCode() == 3) {
            return false;
        }
        check(r, "restore " + file);
        return true;
    }

    /** Writes the tracked handover file: 1 puts the instance in FAULT (it gives the VIP up at once), 0 lifts it. */
    void handover(String value) {
        String file = handoverFile.orElseThrow(() -> new IllegalStateException("no handover-file on " + role));
        check(host.shell("echo " + value + " > " + ShellQuote.quote(file)), "write " + file);
    }

    String handoverValue() {
        String file = handoverFile.orElseThrow(() -> new IllegalStateException("no handover-file on " + role));
        ExecResult r = host.shell("cat -- " + ShellQuote.quote(file));
        check(r, "read " + file);
        return r.stdout().strip();
    }

    private static void check(ExecResult r, String what) {
        if (!r.ok()) {
            throw new KeepalivedException("cannot " + what + " " + r.failure());
        }
    }
}
