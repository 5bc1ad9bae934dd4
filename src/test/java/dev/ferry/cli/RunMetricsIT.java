package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.core.procedure.RunListener;
import dev.ferry.testkit.Demo;
import dev.ferry.testkit.DemoConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Prometheus metrics scraped in the middle of a demo run show the step and the replication lag. */
class RunMetricsIT {

    @Test
    void aScrapeDuringTheRunShowsTheStepAndTheLag() throws Exception {
        AtomicReference<String> scraped = new AtomicReference<>("");
        AtomicReference<RunMetrics> metrics = new AtomicReference<>();
        RunListener scraper = new RunListener() {
            @Override
            public void stepStarted(String step) {
                if (step.equals("verify b against a")) {
                    scraped.set(scrape(metrics.get().port()));
                }
            }
        };
        try (RunMetrics m = new RunMetrics(scraper, "127.0.0.1", 0, "demo", List.of("preflight", "cutover"));
                Demo demo = new Demo(DemoConfig.defaults().withKeys(20_000).withWriters(2, 200))) {
            metrics.set(m);
            demo.run(m, line -> { });
            String after = scrape(m.port());
            assertThat(after).contains("ferry_step{spec=\"demo\",step=\"cutover\"} 2.0")
                    .containsPattern("ferry_write_pause_milliseconds\\{spec=\"demo\"} \\d")
                    .contains("ferry_verify_keys_compared{spec=\"demo\",step=\"verify b against a\"} 1000.0",
                            "ferry_verify_keys_expected{spec=\"demo\",step=\"verify b against a\"} 1000.0");
        }
        assertThat(scraped.get())
                .contains("ferry_step{spec=\"demo\",step=\"sync b from a\"} 2.0", "ferry_step{spec=\"demo\",step=\"verify b against a\"} 1.0",
                        "ferry_step{spec=\"demo\",step=\"cutover\"} 0.0")
                .containsPattern("ferry_replication_lag_milliseconds\\{replica=\"b\",spec=\"demo\"} \\d");
    }

    private static String scrape(int port) {
        try {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            return r.body();
        } catch (Exception e) {
            throw new AssertionError("scrape failed", e);
        }
    }
}
