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
    static final String HOLD_SUFFIX = ".ferry-hold";
    private static final String RESET_ALL = "-j REJECT --reject-with tcp-reset";

    KeepalivedConf load() {
        return ConfLoader.load(host, config);
    }

    /** Whether the VIP is on one of this host's interfaces right now. */
    boolean holds(String vip) {
        ExecResult r = host.run(java.util.List.of("ip", "-o", "addr", "show"));
        if (!r.ok()) {
            throw new KeepalivedException("cannot list addresses " + r.failure());
        }
        // the /32 that holdVip puts on lo while a hands the VIP over is not keepalived's VIP
        return r.stdout().lines().anyMatch(l -> l.contains(" " + vip + "/") && !isLoopback(l));
    }

    private static boolean isLoopback(String ipAddrLine) {
        String[] fields = ipAddrLine.trim().split("\\s+");
        return fields.length > 1 && fields[1].equals("lo");
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

    private static String gateRule(String vip, int port, String rule) {
        return gateRule(vip, Integer.toString(port), rule);
    }

    private static String gateRule(String vip, String port, String rule) {
        return "INPUT -d " + ShellQuote.quote(vip) + "/32 -p tcp --dport " + port
                + " -m comment --comment ferry-vip-handover " + rule;
    }

    /** Where {@link #holdVip} keeps the old values of what it changes until {@link #unholdVip} puts them back. */
    String holdFile() {
        return config + HOLD_SUFFIX;
    }

    /**
     * Makes this host answer every packet for {@code vip:port} with a TCP reset from now until {@link #unholdVip},
     * then writes {@code handover} into the handover file (if not null) in the same command, so the VIP leaves in
     * the same breath. keepalived's VIP goes from the instance's interface as soon as the instance is in FAULT; a
     * copy of it on {@code lo} ({@code /32}) keeps the host's kernel treating the VIP's packets as its own, so the
     * REJECT rule in INPUT still sees them, and the replies to requests accepted just before can still leave. With
     * {@code arp_ignore 1} and {@code arp_announce 2} on the interface (as for LVS direct routing) the host answers
     * no ARP request for that copy: clients go on sending to this host's MAC only until the new master's gratuitous
     * ARP, and every packet in between (a new connection's SYN too) gets a reset at once, so the client retries at
     * once instead of after its kernel's 1 s SYN timeout or 200 ms retransmission. The old values, and whether lo
     * had the address, are written to {@link #holdFile} first; a repeated call keeps the first values. Returns
     * false when the host has no iptables (the copy on lo is then still there, and a's Redis answers instead).
     */
    boolean holdVip(String vip, int port, String handover) {
        String v = ShellQuote.quote(vip);
        String f = ShellQuote.quote(holdFile());
        // inside the cutover window: shell builtins wherever they do, three programs (ip, cat, ip) before the FAULT
        String script = String.join("\n",
                "set -e",
                "addrs=$(ip -o addr show to " + v + ")",
                "dev=; lo=absent",
                "while read -r n name rest; do case \"$name\" in lo) lo=present;; *) [ -n \"$dev\" ] || dev=$name;; esac; done <<EOF",
                "$addrs",
                "EOF",
                "p=/proc/sys/net/ipv4/conf/$dev",
                "ign=; ann=; if [ -n \"$dev\" ]; then set -- $(cat $p/arp_ignore $p/arp_announce); ign=$1; ann=$2; fi",
                "[ -e " + f + " ] || printf 'port=%s\\ndev=%s\\nlo=%s\\narp_ignore=%s\\narp_announce=%s\\n' " + port
                        + " \"$dev\" $lo \"$ign\" \"$ann\" > " + f,
                "if [ -n \"$dev\" ]; then",
                "  [ \"$ign\" -ge 1 ] || echo 1 > $p/arp_ignore",
                "  [ \"$ann\" -ge 2 ] || echo 2 > $p/arp_announce",
                "fi",
                "[ $lo = present ] || ip addr add " + v + "/32 dev lo",
                handover == null ? ":" : "echo " + handover + " > " + ShellQuote.quote(handoverFile.orElseThrow()),
                // after the FAULT: until the rule is in, a's Redis answers on the copy of the VIP itself
                "rc=0",
                "if command -v iptables >/dev/null; then iptables -w -I " + gateRule(vip, port, RESET_ALL) + "; else rc=3; fi",
                "exit $rc");
        ExecResult r = host.shell(script);
        if (r.exitCode() == 3) {
            return false;
        }
        check(r, "hold " + vip + " on lo with a reset rule");
        return true;
    }

    /**
     * Undoes {@link #holdVip} from the values in {@link #holdFile}: the copy of the VIP on lo (unless it was there
     * before), every copy of the reset rule, the two sysctls; then the file goes. A no-op without the file, so a
     * resume or an abort can repeat it.
     */
    void unholdVip(String vip) {
        String v = ShellQuote.quote(vip);
        String f = ShellQuote.quote(holdFile());
        String script = String.join("\n",
                "[ -e " + f + " ] || exit 0",
                "port=$(sed -n 's/^port=//p' " + f + "); dev=$(sed -n 's/^dev=//p' " + f + "); lo=$(sed -n 's/^lo=//p' " + f + ")",
                "ign=$(sed -n 's/^arp_ignore=//p' " + f + "); ann=$(sed -n 's/^arp_announce=//p' " + f + ")",
                "[ \"$lo\" = present ] || ip addr del " + v + "/32 dev lo 2>/dev/null || true",
                "if command -v iptables >/dev/null; then while iptables -w -D " + gateRule(vip, "\"$port\"", RESET_ALL)
                        + " 2>/dev/null; do :; done; fi",
                "if [ -n \"$dev\" ] && [ -d /proc/sys/net/ipv4/conf/$dev ]; then",
                "  [ -z \"$ign\" ] || echo \"$ign\" > /proc/sys/net/ipv4/conf/$dev/arp_ignore",
                "  [ -z \"$ann\" ] || echo \"$ann\" > /proc/sys/net/ipv4/conf/$dev/arp_announce",
                "fi",
                "rm -f -- " + f);
        check(host.shell(script), "undo the hold of " + vip + " on lo (" + holdFile() + ")");
    }

    /** Whether an earlier {@link #holdVip} was not undone yet (its file is there). */
    boolean holding() {
        return host.shell("[ -e " + ShellQuote.quote(holdFile()) + " ]").ok();
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
