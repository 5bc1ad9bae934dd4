package dev.ferry.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: {@code fleet run --metrics-port} serves one endpoint for the whole fleet, every pair's metrics labelled
 * with its spec. Scraped over and over while two pairs move at once: both pairs' steps show up, each as it ran.
 */
class FleetMetricsIT {
    private static final Duration LIMIT = Duration.ofMinutes(3);

    @Test
    void oneEndpointShowsEveryPairsSteps() throws Exception {
        try (FleetIT.Pairs pairs = new FleetIT.Pairs(2)) {
            int port = freePort();
            CompletableFuture<Cli.Result> run = CompletableFuture.supplyAsync(() -> Cli.run(pairs.args("run",
                    pairs.fleet(2, "stop"), "--yes", "--metrics-port", String.valueOf(port))));
            Set<String> seen = scrapeUntilDone(port, run);
            Cli.Result result = run.get();
            assertThat(result.code()).as(result.toString()).isZero();
            for (String pair : pairs.names) {
                assertThat(seen).as("lines scraped during the run").contains(
                        "ferry_step{spec=\"" + pair + "\",step=\"sync b from a\"} 2.0",
                        "ferry_step{spec=\"" + pair + "\",step=\"cutover\"} 0.0");
                pairs.assertNothingLost(pairs.names.indexOf(pair));
            }
        }
    }

    /** Every line of every scrape until the run ends (bounded by LIMIT); a refused connection is before or after. */
    private static Set<String> scrapeUntilDone(int port, CompletableFuture<Cli.Result> run) throws InterruptedException {
        Set<String> seen = ConcurrentHashMap.newKeySet();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (!run.isDone() && System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/metrics")).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                seen.addAll(r.body().lines().filter(l -> l.startsWith("ferry_")).toList());
            } catch (IOException e) {
                // not serving yet, or no more
            }
            Thread.sleep(20);
        }
        return seen;
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
