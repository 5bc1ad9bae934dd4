package dev.ferry.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ReportPlotTest {

    @Test
    void axesEndOnRoundNumbers() {
        assertThat(ReportPlot.niceMax(0)).isEqualTo(1);
        assertThat(ReportPlot.niceMax(2.4)).isEqualTo(5);
        assertThat(ReportPlot.niceMax(37_000)).isEqualTo(50_000);
        assertThat(ReportPlot.niceMax(100)).isEqualTo(100);
    }

    @Test
    void unknownLagIsLeftOutOfTheCurveAndTextIsEscaped() {
        String svg = ReportPlot.svg(List.of(List.<Number>of(0, -1, -1, -1), List.<Number>of(100, 1.5, -1, 2048),
                List.<Number>of(200, 0.5, 0.7, 4096)));
        assertThat(svg).startsWith("<svg").contains("lag b", "b receives (KiB/s)").doesNotContain("NaN");
        assertThat(svg.split("<polyline", -1)).hasSize(4); // b, c and the receive rate
        assertThat(ReportPlot.escape("a<b & \"c\"")).isEqualTo("a&lt;b &amp; &quot;c&quot;");
    }
}
