package dev.ferry.core.switching.keepalived;

import dev.ferry.core.host.ExecResult;
import dev.ferry.core.host.ShellQuote;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * That every command and file the switch uses inside the cutover window is there, checked through the same exec
 * prefix and shell the move uses: the reload command's program, the config file that holds the instance (it is
 * backed up beside itself, then replaced through a temp file beside it), and iptables on a's host for the fast
 * hand-over's gate. Read-only: the probe file it writes beside a config is removed at once.
 */
final class KeepalivedStartChecks {
    private final KeepalivedSettings settings;

    KeepalivedStartChecks(KeepalivedSettings settings) {
        this.settings = settings;
    }

    /** {@code aFile}, {@code bFile}: the files that hold the instance on each host, the ones the move edits. */
    List<String> problems(String aFile, String bFile) {
        List<String> problems = new ArrayList<>();
        reloadProblem(settings.source()).ifPresent(problems::add);
        reloadProblem(settings.target()).ifPresent(problems::add);
        editProblem(settings.source(), aFile).ifPresent(problems::add);
        editProblem(settings.target(), bFile).ifPresent(problems::add);
        if (settings.source().handoverFile().isPresent()) {
            iptablesProblem(settings.source()).ifPresent(problems::add);
        }
        return problems;
    }

    /** The reload line's program must be found by the host's shell (a compound line is left to the operator). */
    private static Optional<String> reloadProblem(KeepalivedSide side) {
        String program = side.reload().trim().split("\\s+")[0];
        if (!program.matches("[A-Za-z0-9_./+-]+")) {
            return Optional.empty();
        }
        ExecResult r = side.host().shell("command -v " + ShellQuote.quote(program));
        if (r.ok()) {
            return Optional.empty();
        }
        return Optional.of(who(side) + "'s reload command '" + side.reload() + "' cannot start: " + program
                + " is not found there (" + r.failure() + "): install it or fix switch." + side.role() + ".reload");
    }

    /** The backup, the temp file and the rename all happen in the config's folder; the file itself is replaced. */
    private static Optional<String> editProblem(KeepalivedSide side, String file) {
        String f = ShellQuote.quote(file);
        String probe = ShellQuote.quote(file + ".ferry-probe");
        ExecResult r = side.host().shell("[ -f " + f + " ] || exit 3; [ -w " + f + " ] || exit 4; ( : > " + probe
                + " ) 2>/dev/null || exit 5; rm -f -- " + probe); // a subshell: sh exits at a failed redirection of ':'
        if (r.ok()) {
            return Optional.empty();
        }
        String problem = switch (r.exitCode()) {
            case 3 -> "is not a regular file";
            case 4 -> "is not writable";
            case 5 -> "is in a folder ferry cannot write into (the backup " + file + KeepalivedSide.BACKUP_SUFFIX
                    + " and the new version are written beside it)";
            default -> "cannot be checked (" + r.failure() + ")";
        };
        return Optional.of(who(side) + "'s keepalived config " + file + ", which the switch edits, " + problem
                + ": fix its permissions (or the mount) on that host");
    }

    /** The fast hand-over gates a's VIP port with iptables; an iptables that is there but refuses would fail mid-move. */
    private static Optional<String> iptablesProblem(KeepalivedSide side) {
        ExecResult r = side.host().shell("command -v iptables >/dev/null || exit 127; iptables -w -S INPUT >/dev/null");
        if (r.ok() || r.exitCode() == 127) {
            return Optional.empty(); // without iptables the gate is skipped, as the move does: see warnings
        }
        return Optional.of(who(side) + "'s iptables does not work (" + r.failure() + "): the fast hand-over (handover-file)"
                + " gates the VIP's port with it; run ferry as a user that may use iptables, or drop switch."
                + side.role() + ".handover-file");
    }

    /** Without iptables the gate is skipped: a client may still reach a in the VIP's last moments there. */
    List<String> warnings() {
        KeepalivedSide a = settings.source();
        if (a.handoverFile().isEmpty() || a.host().shell("command -v iptables").ok()) {
            return List.of();
        }
        return List.of("a's host has no iptables: the fast hand-over cannot gate the VIP's port there, so a client "
                + "may reach a in the VIP's last moments on it (install iptables)");
    }

    private static String who(KeepalivedSide side) {
        return side.host().label();
    }
}
