package dev.ferry.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.ferry.core.ExitCode;
import dev.ferry.core.FerryException;
import dev.ferry.core.journal.Journal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code --ui-port}: a small live page of the run or fleet, on 127.0.0.1 unless {@code --ui-host} says otherwise.
 * It only reads the {@link StatusBoard}: GET of the page and of {@code status.json}; anything else is 405. The page
 * is one file with its script inline, so it loads nothing from outside (the machines have no internet).
 */
final class StatusPage implements AutoCloseable {
    private static final String PAGE = "/dev/ferry/cli/status.html";
    private final HttpServer server;
    private final StatusBoard board;
    private final String title;

    StatusPage(StatusBoard board, String title, String host, int port) {
        this.board = board;
        this.title = title;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 0);
        } catch (IOException e) {
            throw new FerryException(ExitCode.BAD_SPEC, "cannot serve the status page on " + host + ":" + port + ": "
                    + e.getMessage() + ": pick a free port for --ui-port");
        }
        server.createContext("/", this::handle);
        server.start();
    }

    String host() {
        return server.getAddress().getHostString();
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "text/plain", "read-only: GET only".getBytes(StandardCharsets.UTF_8));
                return;
            }
            String path = exchange.getRequestURI().getPath();
            if (path.equals("/") || path.equals("/index.html")) {
                send(exchange, 200, "text/html; charset=utf-8", page());
            } else if (path.equals("/status.json")) {
                send(exchange, 200, "application/json", Journal.json().writeValueAsBytes(status()));
            } else {
                send(exchange, 404, "text/plain", "not found".getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private Map<String, Object> status() {
        Map<String, Object> s = new LinkedHashMap<>(board.snapshot());
        s.put("title", title);
        return s;
    }

    /** The page as a static file with the final status in it, for the report. */
    static void save(StatusBoard board, String title, Path file) {
        try {
            Map<String, Object> status = new LinkedHashMap<>(board.snapshot());
            status.put("title", title);
            String json = Journal.json().writeValueAsString(status).replace("</", "<\\/");
            String html = new String(page(), StandardCharsets.UTF_8).replace("var SNAPSHOT = null;", "var SNAPSHOT = " + json + ";");
            Files.writeString(file, html);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] page() throws IOException {
        try (InputStream in = StatusPage.class.getResourceAsStream(PAGE)) {
            if (in == null) {
                throw new IOException("status page resource missing");
            }
            return in.readAllBytes();
        }
    }

    private static void send(HttpExchange exchange, int code, String type, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(code, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
