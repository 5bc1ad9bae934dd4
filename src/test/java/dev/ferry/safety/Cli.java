package dev.ferry.safety;

import dev.ferry.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import picocli.CommandLine;

/** Runs ferry's command line in this JVM with stdout and stderr captured, the way an operator would call it. */
final class Cli {
    private Cli() {
    }

    record Result(int code, String out, String err) {
        /** stderr without its trailing newline: an operator error must be exactly one line. */
        String errLine() {
            return err.stripTrailing();
        }

        @Override
        public String toString() {
            return "exit " + code + "\n--- out ---\n" + out + "--- err ---\n" + err;
        }
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(Arrays.copyOf(args, args.length));
        return new Result(code, out.toString(), err.toString());
    }
}
