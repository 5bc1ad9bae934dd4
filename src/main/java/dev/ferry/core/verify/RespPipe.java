package dev.ferry.core.verify;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisSocketFactory;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * RESP2 pipelining over a socket that Jedis opened and logged in (TLS, AUTH, client name): verify's hot path
 * sends millions of commands, and Jedis spends per command an argument object, a connection check and an 8 KiB
 * flush. Here a batch is encoded into one buffer and written at once, and replies are parsed from a 64 KiB buffer
 * into the values Jedis would return: byte[] (bulk and status), Long, List, null, and errors as
 * {@link JedisDataException}. Used only after the login, when nothing else is in flight on the socket.
 */
final class RespPipe implements Closeable {
    private static final int BUFFER = 64 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};

    private final Connection login;
    private final InputStream in;
    private final OutputStream out;
    private byte[] pending = new byte[BUFFER];
    private int pendingLength;
    private final byte[] read = new byte[BUFFER];
    private int readPosition;
    private int readLimit;

    private RespPipe(Connection login, Socket socket) throws IOException {
        this.login = login;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects and logs in through Jedis, then takes the socket over. */
    static RespPipe open(HostAndPort address, JedisClientConfig config) {
        Socket[] socket = new Socket[1];
        DefaultJedisSocketFactory sockets = new DefaultJedisSocketFactory(address, config);
        Connection login = new Connection(() -> socket[0] = sockets.createSocket(), config);
        try {
            login.connect();
            login.ping(); // the login's replies are read: the socket is quiet from here on
            allowReplicaReads(login);
            return new RespPipe(login, socket[0]);
        } catch (IOException e) {
            login.close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            login.close();
            throw e;
        }
    }

    /**
     * A cluster replica answers key reads with MOVED unless the connection says READONLY first; a standalone server
     * refuses READONLY ("cluster support disabled"), which changes nothing.
     */
    private static void allowReplicaReads(Connection login) {
        login.sendCommand(redis.clients.jedis.Protocol.Command.READONLY);
        try {
            login.getStatusCodeReply();
        } catch (redis.clients.jedis.exceptions.JedisDataException standalone) {
            // not a cluster node: its reads need nothing
        }
    }

    /** Encodes a command into the pending batch; nothing is sent until {@link #flush}. */
    void command(byte[] name, byte[]... args) {
        append((byte) '*');
        appendNumber(args.length + 1);
        appendBulk(name);
        for (byte[] a : args) {
            appendBulk(a);
        }
    }

    void flush() throws IOException {
        out.write(pending, 0, pendingLength);
        out.flush();
        pendingLength = 0;
    }

    List<Object> read(int count) throws IOException {
        List<Object> replies = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            replies.add(reply());
        }
        return replies;
    }

    private Object reply() throws IOException {
        byte type = next();
        return switch (type) {
            case '+' -> line();
            case '-' -> new JedisDataException(new String(line(), StandardCharsets.UTF_8));
            case ':' -> number();
            case '$' -> bulk();
            case '*' -> array();
            default -> throw new IOException("not a RESP2 reply: byte " + type);
        };
    }

    private byte[] bulk() throws IOException {
        long length = number();
        if (length < 0) {
            return null;
        }
        byte[] value = new byte[Math.toIntExact(length)];
        int filled = 0;
        while (filled < value.length) {
            fill();
            int n = Math.min(value.length - filled, readLimit - readPosition);
            System.arraycopy(read, readPosition, value, filled, n);
            readPosition += n;
            filled += n;
        }
        next();
        next(); // CRLF
        return value;
    }

    private List<Object> array() throws IOException {
        long n = number();
        if (n < 0) {
            return null;
        }
        List<Object> items = new ArrayList<>((int) Math.min(n, 1 << 16));
        for (long i = 0; i < n; i++) {
            items.add(reply());
        }
        return items;
    }

    private long number() throws IOException {
        long value = 0;
        boolean negative = false;
        for (byte b = next(); b != '\r'; b = next()) {
            if (b == '-') {
                negative = true;
            } else {
                value = value * 10 + (b - '0');
            }
        }
        next(); // LF
        return negative ? -value : value;
    }

    /** A status or error line: short, so byte by byte is fine. */
    private byte[] line() throws IOException {
        byte[] text = new byte[64];
        int length = 0;
        for (byte b = next(); b != '\r'; b = next()) {
            if (length == text.length) {
                text = Arrays.copyOf(text, length * 2);
            }
            text[length++] = b;
        }
        next(); // LF
        return Arrays.copyOf(text, length);
    }

    private byte next() throws IOException {
        fill();
        return read[readPosition++];
    }

    private void fill() throws IOException {
        if (readPosition < readLimit) {
            return;
        }
        int n = in.read(read, 0, read.length);
        if (n < 0) {
            throw new EOFException("the server closed the connection");
        }
        readPosition = 0;
        readLimit = n;
    }

    private void appendBulk(byte[] value) {
        append((byte) '$');
        appendNumber(value.length);
        append(value, value.length);
        append(CRLF, 2);
    }

    /** Digits written in place: a batch encodes two numbers per argument. */
    private void appendNumber(int n) {
        room(12);
        if (n == 0) {
            pending[pendingLength++] = '0';
        }
        int start = pendingLength;
        for (int rest = n; rest > 0; rest /= 10) {
            pending[pendingLength++] = (byte) ('0' + rest % 10);
        }
        for (int i = start, j = pendingLength - 1; i < j; i++, j--) {
            byte t = pending[i];
            pending[i] = pending[j];
            pending[j] = t;
        }
        append(CRLF, 2);
    }

    private void append(byte b) {
        room(1);
        pending[pendingLength++] = b;
    }

    private void append(byte[] bytes, int n) {
        room(n);
        System.arraycopy(bytes, 0, pending, pendingLength, n);
        pendingLength += n;
    }

    private void room(int n) {
        if (pendingLength + n > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, pendingLength + n));
        }
    }

    @Override
    public void close() {
        login.close();
    }
}
