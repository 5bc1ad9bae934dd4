package dev.ferry.core.redis;

import java.util.LinkedHashMap;
import java.util.Map;

/** One line of CLIENT LIST. */
public record ClientInfo(Map<String, String> fields) {

    public static ClientInfo parse(String line) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String part : line.trim().split(" ")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                fields.put(part.substring(0, eq), part.substring(eq + 1));
            }
        }
        return new ClientInfo(fields);
    }

    public String id() {
        return fields.getOrDefault("id", "");
    }

    public String addr() {
        return fields.getOrDefault("addr", "");
    }

    /** The address the client connected to (6.2+); empty on older servers. */
    public String laddr() {
        return fields.getOrDefault("laddr", "");
    }

    public String host() {
        String addr = addr();
        int colon = addr.lastIndexOf(':');
        return colon < 0 ? addr : addr.substring(0, colon);
    }

    public String name() {
        return fields.getOrDefault("name", "");
    }

    public String flags() {
        return fields.getOrDefault("flags", "");
    }

    public boolean isReplica() {
        return flags().contains("S");
    }

    public boolean isMasterLink() {
        return flags().contains("M");
    }

    public boolean isPubSub() {
        return flags().contains("P") || fields.getOrDefault("sub", "0").compareTo("0") > 0
                || fields.getOrDefault("psub", "0").compareTo("0") > 0;
    }

    /** A client an application opened: not a replica link, not a master link, not ferry itself. */
    public boolean isApplication() {
        return !isReplica() && !isMasterLink() && !name().startsWith("ferry");
    }
}
