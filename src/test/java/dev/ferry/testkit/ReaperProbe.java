package dev.ferry.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Run in a child JVM by {@link RedisServerIT}: starts a server, records its pid and dir in the file
 * given as argument, and exits without closing it, so only the shutdown hook can clean up.
 */
public final class ReaperProbe {

    private ReaperProbe() {
    }

    public static void main(String[] args) throws Exception {
        RedisServer server = RedisServer.start(RedisBinary.system());
        Path out = Paths.get(args[0]);
        Files.writeString(out.resolveSibling(out.getFileName() + ".tmp"), server.pid() + "\n" + server.dir() + "\n");
        Files.move(out.resolveSibling(out.getFileName() + ".tmp"), out);
        System.exit(0);
    }
}
