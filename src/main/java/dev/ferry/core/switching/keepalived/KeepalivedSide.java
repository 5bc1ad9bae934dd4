package dev.ferry.core.switching.keepalived;

import dev.ferry.core.host.ExecResult;
import dev.ferry.core.host.HostExec;
import dev.ferry.core.host.ShellQuote;
import java.util.List;

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

    /**
     * Stops a's kernel from accepting client packets for {@code vip:port} (an iptables DROP rule in INPUT). Without
     * it a request that reaches a in the last moment before the VIP leaves is acknowledged by a's kernel, but the
     * reply can no longer leave (no route from an address the host no longer has): the client, whose data was
     * acknowledged, sends nothing more and waits for its socket timeout. Dropped packets are not acknowledged, so
     * the client retransmits them (after 200 ms) to whoever holds the VIP then: b answers with a reset and the
     * client reconnects to b. A new connection's SYN, though, is answered with a reset rather than dropped: nothing
     * was sent on it, and a dropped SYN is retried only after a second, while a refused one lets the client retry
     * at once and reach b as soon as it holds the VIP. Returns false when the host has no iptables (the race is
     * then left open).
     */
    boolean gateVip(String vip, int port) {
        return gateVip(vip, port, Gate.DROP);
    }

    /**
     * How a closed gate treats a client's packet: dropped (it retransmits; a SYN is reset) or answered with a TCP
     * reset. Rules in the order they are inserted, each on top of the chain: the last one is matched first.
     */
    enum Gate {
        DROP(List.of("-j DROP", "--syn -j REJECT --reject-with tcp-reset")),
        RESET(List.of("-j REJECT --reject-with tcp-reset"));

        private final List<String> rules;

        Gate(List<String> rules) {
            this.rules = rules;
        }
    }

    boolean gateVip(String vip, int port, Gate gate) {
        StringBuilder insert = new StringBuilder("command -v iptables >/dev/null || exit 127");
        gate.rules.forEach(rule -> insert.append(" && iptables -w -I ").append(gateRule(vip, port, rule)));
        ExecResult r = host.shell(insert.toString());
        if (r.exitCode() == 127) {
            return false;
        }
        check(r, "drop packets for " + vip + ":" + port);
        return true;
    }

    /** Removes every copy of the rule {@link #gateVip} inserted (a resumed run may have inserted it twice). */
    void ungateVip(String vip, int port) {
        ungateVip(vip, port, Gate.DROP);
    }

    void ungateVip(String vip, int port, Gate gate) {
        for (String rule : gate.rules) {
            check(host.shell("while iptables -w -D " + gateRule(vip, port, rule) + " 2>/dev/null; do :; done"),
                    "remove the gate rule for " + vip + ":" + port);
        }
    }

    private static String gateRule(String vip, int port, String rule) {
        return "INPUT -d " + ShellQuote.quote(vip) + "/32 -p tcp --dport " + port
                + " -m comment --comment ferry-vip-handover " + rule;
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
