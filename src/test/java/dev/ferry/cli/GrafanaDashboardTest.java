package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.core.procedure.SyncProgress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The shipped Grafana dashboard names only metrics ferry really serves: every kind of event is fed to a real
 * {@link RunMetrics}, its /metrics endpoint scraped, and each metric of every panel's query looked up there.
 */
class GrafanaDashboardTest {
    private static final Pattern METRIC = Pattern.compile("\\b(ferry_[a-z_]+)");

    @Test
    void everyMetricOfTheDashboardIsServedAndLabelledWithTheSpec() throws Exception {
        JsonNode dashboard = new ObjectMapper().readTree(Path.of("docs/grafana/ferry-dashboard.json").toFile());
        Set<String> named = new TreeSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                Matcher m = METRIC.matcher(target.get("expr").asText());
                while (m.find()) {
                    named.add(m.group(1));
                }
            }
        }
        assertThat(named).as("metrics the dashboard shows").hasSizeGreaterThan(8);
        String scrape;
        try (RunMetrics metrics = new RunMetrics(RunListener.SILENT, "127.0.0.1", 0, "orders", List.of("cutover"))) {
            feedEveryEvent(metrics);
            scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metrics.port()
                    + "/metrics")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).body();
        }
        Set<String> served = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^(ferry_[a-z_]+)\\{[^}]*spec=\"orders\"").matcher(scrape);
        while (m.find()) {
            served.add(m.group(1));
        }
        assertThat(served).as("served with spec=\"orders\"").containsAll(named);
    }

    private static void feedEveryEvent(RunMetrics metrics) {
        metrics.stepStarted("cutover");
        metrics.stepFinished("cutover", Duration.ofMillis(20), Map.of("pauseMillis", 3.5, "offset", 100L, "differences", 0));
        metrics.progress(new SyncProgress("b", "loading", 10, 20, 5, 10, 0, Duration.ofSeconds(1)));
        metrics.verifyProgress("verify b against a", 5, 10);
        metrics.lag(Map.of("b", 1.5));
        metrics.warn("w");
    }
}
