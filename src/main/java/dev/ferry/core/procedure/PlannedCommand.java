package dev.ferry.core.procedure;

/** One command a step will send: to a Redis server (a, b, c) or run on a host. Shown by {@code ferry plan}. */
public record PlannedCommand(String target, String command, String why) {

    public static PlannedCommand redis(String server, String command, String why) {
        return new PlannedCommand(server, command, why);
    }

    public static PlannedCommand host(String host, String command, String why) {
        return new PlannedCommand("host " + host, command, why);
    }
}
