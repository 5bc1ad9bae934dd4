package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.core.journal.Journal;
import dev.ferry.core.procedure.LagCanary;
import dev.ferry.core.procedure.RunListener;
import dev.ferry.testkit.Demo;
import dev.ferry.testkit.DemoConfig;
import dev.ferry.testkit.DemoResult;
import dev.ferry.testkit.RedisServer;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import redis.clients.jedis.Jedis;

/** The report of a demo run: its fields, its Markdown, its plot as a picture; and the canary left nothing behind. */
class ReportIT {

    @Test
    void aDemoRunReportsLagVerifyPauseAndAPlot(@TempDir Path dir) throws Exception {
        DemoConfig config = DemoConfig.defaults().withKeys(20_000).withWriters(2, 300);
        try (Demo demo = new Demo(config)) {
            DemoResult result = demo.run(RunListener.SILENT, line -> { });
            Path file = dir.resolve("report.json");
            ReportWriter.write(file, result.report());

            JsonNode report = Journal.json().readTree(file.toFile());
            assertThat(report.path("status").asText()).isEqualTo("COMPLETED");
            assertThat(report.path("versions").asText()).contains("a=", "b=", "c=");
            assertThat(report.path("spec").toString()).doesNotContain("password\":\"");
            assertThat(report.path("sync").path("keysPerSecond").asLong()).isPositive();
            assertThat(report.path("writePauseMillis").asDouble()).isPositive();
            assertThat(report.has("switchMillis")).isTrue();
            // the hook's output is kept with the run, beside the journal, and the report says where
            Path hookLog = demo.workDir().resolve(".ferry/demo.hook.log");
            assertThat(report.path("cutover").path("switchLog").asText()).isEqualTo(hookLog.toString());
            assertThat(hookLog).isRegularFile();
            assertThat(report.path("drainWatch").has("peakClientsPerAddress")).isTrue();
            for (JsonNode step : report.path("steps")) {
                assertThat(step.path("status").asText()).as(step.toString()).isEqualTo("COMPLETED");
                assertThat(step.has("started") && step.has("millis") && step.has("facts")).as(step.toString()).isTrue();
            }
            JsonNode lag = report.path("lag");
            assertThat(lag.path("key").asText()).isEqualTo(LagCanary.keyFor("demo"));
            assertThat(lag.path("maxLagMillis").has("b")).isTrue();
            assertThat(lag.path("maxLagMillis").has("c")).isTrue();
            assertThat(lag.path("series").size()).as("lag samples, one per 100 ms of canary").isGreaterThanOrEqualTo(2);
            JsonNode verify = report.path("verify");
            assertThat(verify.path("verify b against a").path("matches").asBoolean()).isTrue();
            assertThat(verify.path("verify c against b").path("matches").asBoolean()).isTrue();

            String md = Files.readString(dir.resolve("report.json.md"));
            assertThat(md).contains("# ferry report: demo", "## Steps", "| cutover | COMPLETED", "## Replication lag",
                    "![lag and throughput over time](report.json.svg)", "## Drain watch", "## Verify", "| a<->b |",
                    "- switch output: " + hookLog);

            Path svg = dir.resolve("report.json.svg");
            var doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
            assertThat(doc.getDocumentElement().getNodeName()).isEqualTo("svg");
            assertThat(doc.getElementsByTagName("polyline").getLength()).isGreaterThanOrEqualTo(2);
            rendersAsPicture(svg);

            canaryLeftNothingAndStoppedBeforeTheFence(demo, result);
            statusWatchRefreshes(demo);
        }
    }

    private static void statusWatchRefreshes(Demo demo) {
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine cl = Main.commandLine();
        cl.setOut(new java.io.PrintWriter(out));
        int code = cl.execute("status", demo.writeSpec().toString(), "--state-dir", demo.workDir().resolve(".ferry")
                .toString(), "--watch", "--interval", "100ms", "--times", "2");
        assertThat(code).as(out.toString()).isZero();
        assertThat(out.toString().split("ferry status demo at ", -1)).as(out.toString()).hasSize(3);
        assertThat(out.toString()).contains("COMPLETED");
    }

    private static void rendersAsPicture(Path svg) throws Exception {
        Path png = svg.resolveSibling("plot.png");
        Process p;
        try {
            p = new ProcessBuilder("rsvg-convert", "-o", png.toString(), svg.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            return; // no rsvg-convert here: the XML checks above still ran
        }
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes())).isZero();
        var image = ImageIO.read(new ByteArrayInputStream(Files.readAllBytes(png)));
        assertThat(image.getWidth()).isEqualTo(640);
        assertThat(image.getHeight()).isEqualTo(260);
        // not blank: the curves put red (lag b) pixels on the white background
        boolean red = false;
        for (int x = 0; x < image.getWidth() && !red; x++) {
            for (int y = 0; y < image.getHeight() && !red; y++) {
                int rgb = image.getRGB(x, y);
                red = ((rgb >> 16) & 0xff) > 180 && ((rgb >> 8) & 0xff) < 90 && (rgb & 0xff) < 90;
            }
        }
        assertThat(red).as("a red lag curve in the picture").isTrue();
    }

    private static void canaryLeftNothingAndStoppedBeforeTheFence(Demo demo, DemoResult result) throws Exception {
        for (RedisServer s : List.of(demo.a(), demo.b(), demo.c())) {
            try (Jedis j = s.client()) {
                assertThat(j.exists(LagCanary.keyFor("demo"))).as(s.toString()).isFalse();
            }
        }
        List<String> lines = Files.readAllLines(result.journal());
        int stopped = indexOf(lines, "\"kind\":\"lag\"");
        int fencing = indexOf(lines, "\"FENCING\"");
        assertThat(stopped).as("lag canary stopped").isNotNegative();
        assertThat(stopped).as("canary stopped before the fence").isLessThan(fencing);
    }

    private static int indexOf(List<String> lines, String needle) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).replace(" ", "").contains(needle)) {
                return i;
            }
        }
        return -1;
    }
}
