package dev.ferry.core.host;

import java.util.regex.Pattern;

/** POSIX shell quoting: single quotes, with each embedded single quote written as {@code '\''}. */
public final class ShellQuote {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

    private ShellQuote() {
    }

    public static String quote(String arg) {
        return "'" + arg.replace("'", "'\\''") + "'";
    }

    /** Leaves plain words alone so displayed commands stay readable. */
    public static String quoteIfNeeded(String arg) {
        return SAFE.matcher(arg).matches() ? arg : quote(arg);
    }
}
