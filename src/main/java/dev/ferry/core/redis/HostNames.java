package dev.ferry.core.redis;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Compares host names the way a server reports them (an IP) with the way a spec writes them (a name). */
public final class HostNames {
    private HostNames() {
    }

    public static boolean same(String left, String right) {
        if (left.equalsIgnoreCase(right)) {
            return true;
        }
        try {
            return InetAddress.getByName(left).equals(InetAddress.getByName(right));
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
