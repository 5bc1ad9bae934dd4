package dev.ferry.testkit;

import java.net.SocketTimeoutException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/** Names a failed write by what the client saw: the reply's error code, or "connection". */
final class ErrorClass {

    static final String CONNECTION = "connection";
    static final String READONLY = "READONLY";
    static final String UNEXPECTED_REPLY = "unexpected-reply";

    /**
     * Before 5.0 a script's failed redis.call comes back as "ERR Error running script ...: -READONLY ...";
     * the embedded code is what matters for a switchover, so dig it out.
     */
    private static final Pattern EMBEDDED = Pattern.compile("(?:^|[\\s:])-([A-Z][A-Z_]{2,})\\b");

    private ErrorClass() {
    }

    static String of(RuntimeException e) {
        if (e instanceof JedisConnectionException || e.getCause() instanceof SocketTimeoutException) {
            return CONNECTION;
        }
        if (e instanceof JedisDataException) {
            return ofReply(e.getMessage());
        }
        return e.getClass().getSimpleName();
    }

    static String ofReply(String message) {
        if (message == null || message.isBlank()) {
            return "ERR";
        }
        String first = message.strip().split("\\s+", 2)[0];
        if ("ERR".equals(first)) {
            Matcher m = EMBEDDED.matcher(message);
            if (m.find()) {
                return m.group(1);
            }
        }
        return first.equals(first.toUpperCase(Locale.ROOT)) ? first : "ERR";
    }

    /** Errors after which the connection is useless: dropped, or the server is no longer a master. */
    static boolean needsReconnect(String errorClass) {
        return !isReply(errorClass) || READONLY.equals(errorClass);
    }

    private static boolean isReply(String errorClass) {
        return !CONNECTION.equals(errorClass) && errorClass.equals(errorClass.toUpperCase(Locale.ROOT));
    }
}
