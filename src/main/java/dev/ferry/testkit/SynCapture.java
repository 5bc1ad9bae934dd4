package dev.ferry.testkit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * tcpdump on the client's side of the bed (the root namespace's link to the bridge) for the connection attempts to
 * {@code vip:port}: every SYN a client sends and the first answer to it (SYN-ACK or reset). The longest wait from a
 * connection's first SYN to its answer is what a client that opens a connection during a hand-over waits for; a
 * SYN the kernel had to repeat shows up as a wait of a second or more.
 */
public final class SynCapture implements AutoCloseable {
    /** {@code 1700000000.123456 IP 198.18.1.1.40000 > 198.18.1.100.6379: Flags [S], ...} */
    private static final Pattern LINE = Pattern.compile(
            "^(\\d+\\.\\d+) IP6? (\\S+)\\.(\\d+) > (\\S+)\\.(\\d+): Flags \\[([^\\]]*)\\](?:, seq (\\d+))?(?:[^,]*)?(?:, ack (\\d+))?");

    private final Process process;
    private final Thread reader;
    private final String vip;
    private final int port;
    /** Connection attempts not answered yet, by the client's port and its SYN's sequence number. */
    private final Map<String, Double> waiting = new HashMap<>();
    private long syns;
    private long answered;
    private double longestWait;
    private double longestAt;
    private volatile long droppedByKernel = -1;

    /** tcpdump's stderr (its counts at exit): a file, as Process.destroy closes the pipes. */
    private final java.nio.file.Path errors;

    private SynCapture(Process process, java.nio.file.Path errors, String vip, int port) {
        this.process = process;
        this.errors = errors;
        this.vip = vip;
        this.port = port;
        this.reader = new Thread(this::read, "ferry-syn-capture");
        reader.setDaemon(true);
        if (process != null) {
            reader.start();
        }
    }

    /** A capture fed by {@link #take} alone (tcpdump's lines from a test), no tcpdump running. */
    static SynCapture ofLines(String vip, int port) {
        return new SynCapture(null, null, vip, port);
    }

    /** Starts tcpdump on {@code iface} of the root namespace; it runs until {@link #close}. */
    public static SynCapture start(String iface, String vip, int port) {
        String filter = "tcp and host " + vip + " and port " + port + " and (tcp[tcpflags] & (tcp-syn|tcp-rst) != 0)";
        try {
            java.nio.file.Path errors = java.nio.file.Files.createTempFile("ferry-syn-capture", ".err");
            Process p = new ProcessBuilder(List.of("tcpdump", "-i", iface, "-n", "-S", "-tt", "-l", "-U", "--immediate-mode",
                    filter)).redirectError(errors.toFile()).start();
            SynCapture capture = new SynCapture(p, errors, vip, port);
            Thread.sleep(300); // tcpdump opens the interface before the first packet we care about
            return capture;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start tcpdump (apt-get install tcpdump)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Whether tcpdump is installed here. */
    public static boolean available() {
        try {
            return new ProcessBuilder("tcpdump", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void read() {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                take(line);
            }
        } catch (IOException e) {
            // tcpdump ended
        }
    }

    synchronized void take(String line) {
        Matcher m = LINE.matcher(line);
        if (!m.find()) {
            return;
        }
        double at = Double.parseDouble(m.group(1));
        String flags = m.group(6);
        boolean toVip = m.group(4).equals(vip) && Integer.parseInt(m.group(5)) == port;
        if (toVip && flags.equals("S")) {
            syns++;
            // a repeated SYN (same port, same sequence number) keeps the first one's time
            waiting.putIfAbsent(m.group(3) + "/" + m.group(7), at);
            return;
        }
        boolean fromVip = m.group(2).equals(vip) && Integer.parseInt(m.group(3)) == port;
        if (fromVip && (flags.contains("S") || flags.contains("R")) && m.group(8) != null) {
            Double since = waiting.remove(m.group(5) + "/" + (Long.parseLong(m.group(8)) - 1));
            if (since != null) {
                answered++;
                if (at - since > longestWait) {
                    longestWait = at - since;
                    longestAt = since;
                }
            }
        }
    }

    /** What the capture saw so far. */
    public synchronized Result result() {
        double now = System.currentTimeMillis() / 1000.0;
        double open = waiting.values().stream().mapToDouble(since -> now - since).max().orElse(0);
        return new Result(syns, answered, waiting.size(), Math.round(longestWait * 1000), longestAt,
                Math.round(open * 1000), droppedByKernel);
    }

    /**
     * {@code syns}: SYN packets to the VIP (repeats included); {@code connections} answered; {@code unanswered}
     * attempts with no answer by now; {@code longestWaitMillis} from a connection's first SYN to its answer, and
     * when that SYN was sent (epoch seconds); {@code longestOpenMillis} how long the oldest unanswered one has waited;
     * {@code droppedByKernel} packets tcpdump could not keep up with (-1: unknown yet), which may hide an answer.
     */
    public record Result(long syns, long connections, long unanswered, long longestWaitMillis, double longestAt,
            long longestOpenMillis, long droppedByKernel) {
    }

    /** Stops tcpdump (by its pid) and returns what it saw. */
    public Result stop() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            reader.join(2000);
            String err = java.nio.file.Files.readString(errors);
            java.nio.file.Files.deleteIfExists(errors);
            Matcher dropped = Pattern.compile("(\\d+) packets? dropped by kernel").matcher(err);
            droppedByKernel = dropped.find() ? Long.parseLong(dropped.group(1)) : -1;
        } catch (IOException e) {
            droppedByKernel = -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return result();
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            stop();
        }
    }
}
