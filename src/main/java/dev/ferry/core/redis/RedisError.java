package dev.ferry.core.redis;

/** A server answered a command with an error reply. */
public final class RedisError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String server;
    private final String command;
    private final String reply;

    public RedisError(String server, String command, String reply) {
        super(server + " answered " + command + " with: " + reply);
        this.server = server;
        this.command = command;
        this.reply = reply;
    }

    public String server() {
        return server;
    }

    public String command() {
        return command;
    }

    public String reply() {
        return reply;
    }

    /** The error class, the reply's first word: ERR, READONLY, NOREPLICAS, LOADING... */
    public String kind() {
        int space = reply.indexOf(' ');
        return space < 0 ? reply : reply.substring(0, space);
    }
}
