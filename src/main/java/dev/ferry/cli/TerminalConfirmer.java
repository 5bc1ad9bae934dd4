package dev.ferry.cli;

import dev.ferry.core.procedure.Confirmer;
import java.io.Console;
import java.io.PrintWriter;

/** Asks on the terminal; anything but "yes" or "y" is a no. */
final class TerminalConfirmer implements Confirmer {
    private final PrintWriter out;

    TerminalConfirmer(PrintWriter out) {
        this.out = out;
    }

    @Override
    public boolean confirm(String question) {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        out.print(question + " [yes/no] ");
        out.flush();
        String answer = console.readLine();
        return answer != null && (answer.trim().equalsIgnoreCase("yes") || answer.trim().equalsIgnoreCase("y"));
    }
}
