package dev.ferry.testkit;

import dev.ferry.core.host.ExecResult;
import dev.ferry.core.host.HostExec;
import dev.ferry.core.host.Redactor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code ip} commands for the namespace test bed; failures name the command. */
final class Netns {
    private static final HostExec LOCAL = new HostExec("local", List.of(), Duration.ofSeconds(10), Redactor.NONE);

    private Netns() {
    }

    /** Whether this machine lets us create network namespaces (root, Linux, iproute2, keepalived installed). */
    static String unavailableReason() {
        if (!System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).contains("linux")) {
            return "not Linux";
        }
        if (!LOCAL.run(List.of("id", "-u")).stdout().strip().equals("0")) {
            return "not root (network namespaces need root)";
        }
        if (!LOCAL.shell("command -v keepalived").ok()) {
            return "keepalived is not installed (apt-get install keepalived)";
        }
        String probe = "fyprobe" + ProcessHandle.current().pid();
        ExecResult add = LOCAL.run(List.of("ip", "netns", "add", probe));
        LOCAL.run(List.of("ip", "netns", "del", probe));
        return add.ok() ? "" : "ip netns add fails: " + add.stderr().strip();
    }

    static void ip(String... args) {
        List<String> argv = new ArrayList<>(List.of("ip"));
        argv.addAll(List.of(args));
        ExecResult r = LOCAL.run(argv);
        if (!r.ok()) {
            throw new IllegalStateException("test bed: " + r.failure());
        }
    }

    static ExecResult quietly(String... args) {
        List<String> argv = new ArrayList<>(List.of("ip"));
        argv.addAll(List.of(args));
        return LOCAL.run(argv);
    }

    static String rootAddresses() {
        return LOCAL.run(List.of("ip", "-o", "addr", "show")).stdout();
    }

    static ExecResult shellIn(String ns, String command) {
        return LOCAL.run(List.of("ip", "netns", "exec", ns, "sh", "-c", command));
    }
}
