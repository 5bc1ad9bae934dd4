package dev.ferry.cli;

import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.spec.SpecException;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code ferry}: moves a live Redis master to a new server without losing an acknowledged write. */
@Command(name = "ferry", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, versionProvider = Main.Version.class,
        description = "Moves a live Redis master a to a new server b (c = b's replica) without losing an acknowledged write.",
        subcommands = {PlanCommand.class, PreflightCommand.class, RunCommand.class, ResumeCommand.class, RollbackCommand.class,
                StatusCommand.class, VerifyCommand.class, FleetCommand.class, DemoCommand.class, GenerateCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes (docs/exit-codes.md):",
                "  0   ok",
                "  1   internal error: a bug, please report it with the journal",
                "  2   bad spec or usage",
                "  3   preflight failed",
                "  4   cannot connect, or could not verify",
                "  5   aborted before promotion: a is master again",
                "  6   the journal blocks the command",
                "  7   locked by another run",
                "  8   stopped after promotion: run ferry resume",
                "  9   not confirmed",
                "  10  differences found",
                "  11  stopped before promotion: a untouched; fix the cause, then ferry resume",
                "  12  stopped by SIGINT/SIGTERM at a safe point: ferry resume continues, ferry rollback undoes",
                "  13  fleet: some pairs failed, were skipped or not started (ferry fleet status)"})
public final class Main implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line: one place maps every error to a one-line message and an exit code. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler(Main::handleError);
        cl.setParameterExceptionHandler(Main::handleUsage);
        cl.setExitCodeExceptionMapper(t -> ExitCode.INTERNAL.value());
        return cl;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    private static int handleError(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        if (e instanceof FerryException f) {
            cl.getErr().println("ferry: " + f.getMessage());
            return f.code().value();
        }
        if (e instanceof SpecException s) {
            cl.getErr().println("ferry: " + s.getMessage());
            return ExitCode.BAD_SPEC.value();
        }
        cl.getErr().println("ferry: internal error: " + e + " (please report it with the journal)");
        e.printStackTrace(cl.getErr());
        return ExitCode.INTERNAL.value();
    }

    private static int handleUsage(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        String problem = e instanceof CommandLine.UnmatchedArgumentException u ? unmatched(u) : e.getMessage();
        cl.getErr().println("ferry: " + problem + " (see: " + cl.getCommandSpec().qualifiedName() + " --help)");
        return ExitCode.BAD_SPEC.value();
    }

    /**
     * picocli would echo every unmatched word, and the word after "--password" is a password: name the unknown
     * options only, and say where secrets go instead.
     */
    private static String unmatched(CommandLine.UnmatchedArgumentException e) {
        List<String> options = e.getUnmatched().stream().filter(a -> a.startsWith("-"))
                .map(a -> a.contains("=") ? a.substring(0, a.indexOf('=')) : a).toList();
        long others = e.getUnmatched().size() - options.size();
        String what = (options.isEmpty() ? "" : "unknown option" + (options.size() > 1 ? "s " : " ")
                + String.join(", ", options.stream().map(o -> "'" + o + "'").toList()))
                + (options.isEmpty() || others == 0 ? "" : " and ")
                + (others == 0 ? "" : others + " unexpected argument" + (others > 1 ? "s" : "") + " (not shown)");
        boolean secretish = options.stream().anyMatch(o -> o.toLowerCase(java.util.Locale.ROOT).matches(".*(pass|secret|auth|token).*"));
        return what + (secretish ? ": ferry never takes a password on the command line; put auth: { password-env: NAME }"
                + " or { password-file: PATH } in the spec" : "");
    }

    /** From a resource Maven filled in, so that the man pages (made from classes, not the jar) know it too. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws java.io.IOException {
            java.util.Properties p = new java.util.Properties();
            try (java.io.InputStream in = Main.class.getResourceAsStream("/dev/ferry/version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"ferry " + p.getProperty("version", "dev")};
        }
    }
}
