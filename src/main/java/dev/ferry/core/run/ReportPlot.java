package dev.ferry.core.run;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small SVG of the lag canary's series: replication lag of b and c (ms, left axis) and the bytes per second b
 * received from a (right axis) over the run's time. Plain SVG 1.1, no scripts, so any viewer renders it.
 */
public final class ReportPlot {
    private static final int WIDTH = 640;
    private static final int HEIGHT = 260;
    private static final int LEFT = 60;
    private static final int RIGHT = 70;
    private static final int TOP = 30;
    private static final int BOTTOM = 40;

    private ReportPlot() {
    }

    /** {@code series} rows: [atMillis, bLagMillis, cLagMillis, bReceivedBytes], as the canary journals them. */
    public static String svg(List<List<Number>> series) {
        List<double[]> lagB = new ArrayList<>();
        List<double[]> lagC = new ArrayList<>();
        List<double[]> rate = new ArrayList<>();
        for (int i = 0; i < series.size(); i++) {
            List<Number> row = series.get(i);
            double t = row.get(0).doubleValue() / 1000.0;
            addIfKnown(lagB, t, row.get(1).doubleValue());
            addIfKnown(lagC, t, row.get(2).doubleValue());
            if (i > 0) {
                List<Number> prev = series.get(i - 1);
                double dt = t - prev.get(0).doubleValue() / 1000.0;
                double bytes = row.get(3).doubleValue() - prev.get(3).doubleValue();
                if (dt > 0 && prev.get(3).doubleValue() >= 0 && row.get(3).doubleValue() >= 0) {
                    rate.add(new double[] {t, Math.max(0, bytes / dt / 1024.0)});
                }
            }
        }
        double maxT = Math.max(1, series.isEmpty() ? 1 : series.get(series.size() - 1).get(0).doubleValue() / 1000.0);
        double maxLag = niceMax(Math.max(max(lagB), max(lagC)));
        double maxRate = niceMax(max(rate));
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"11\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT));
        svg.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        svg.append(text(WIDTH / 2.0, 18, "middle", "Replication lag and b's receive rate over the run", "13"));
        axes(svg, maxT, maxLag, maxRate);
        svg.append(polyline(rate, maxT, maxRate, "#999999", "4 3"));
        svg.append(polyline(lagB, maxT, maxLag, "#d62728", null));
        svg.append(polyline(lagC, maxT, maxLag, "#1f77b4", null));
        legend(svg);
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static void addIfKnown(List<double[]> points, double t, double value) {
        if (value >= 0) {
            points.add(new double[] {t, value});
        }
    }

    private static double max(List<double[]> points) {
        return points.stream().mapToDouble(p -> p[1]).max().orElse(0);
    }

    /** 1, 2 or 5 times a power of ten, at least {@code value}: axis ends a reader can take in at a glance. */
    static double niceMax(double value) {
        if (value <= 1) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 5, 10}) {
            if (step * power >= value) {
                return step * power;
            }
        }
        return 10 * power;
    }

    private static double x(double t, double maxT) {
        return LEFT + t / maxT * (WIDTH - LEFT - RIGHT);
    }

    private static double y(double v, double max) {
        return HEIGHT - BOTTOM - v / max * (HEIGHT - TOP - BOTTOM);
    }

    private static void axes(StringBuilder svg, double maxT, double maxLag, double maxRate) {
        double x0 = LEFT;
        double x1 = WIDTH - RIGHT;
        double y0 = HEIGHT - BOTTOM;
        double y1 = TOP;
        svg.append(String.format(Locale.ROOT, "<path d=\"M%.1f %.1f V%.1f H%.1f V%.1f\" fill=\"none\" stroke=\"#333\"/>%n",
                x0, y1, y0, x1, y1));
        for (int i = 0; i <= 5; i++) {
            double f = i / 5.0;
            double yy = y0 - f * (y0 - y1);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>%n",
                    x0, yy, x1, yy));
            svg.append(text(x0 - 4, yy + 4, "end", fmt(f * maxLag), null));
            svg.append(text(x1 + 4, yy + 4, "start", fmt(f * maxRate), null));
            double xx = x0 + f * (x1 - x0);
            svg.append(text(xx, y0 + 14, "middle", fmt(f * maxT), null));
        }
        svg.append(text((x0 + x1) / 2, HEIGHT - 8, "middle", "seconds since the heartbeat started", null));
        svg.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 14 %.1f)\">lag (ms)</text>%n",
                (y0 + y1) / 2, (y0 + y1) / 2));
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(90 %d %.1f)\">b receives (KiB/s)</text>%n",
                WIDTH - 12, (y0 + y1) / 2, WIDTH - 12, (y0 + y1) / 2));
    }

    private static String polyline(List<double[]> points, double maxT, double max, String color, String dash) {
        if (points.isEmpty()) {
            return "";
        }
        StringBuilder p = new StringBuilder();
        for (double[] point : points) {
            p.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(point[0], maxT), y(point[1], max)));
        }
        return String.format("<polyline points=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"%s/>%n",
                p.toString().trim(), color, dash == null ? "" : " stroke-dasharray=\"" + dash + "\"");
    }

    private static void legend(StringBuilder svg) {
        String[][] items = {{"#d62728", "lag b"}, {"#1f77b4", "lag c"}, {"#999999", "b receives"}};
        double x = LEFT + 10;
        for (String[] item : items) {
            svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"/>%n",
                    x, TOP + 10, x + 18, TOP + 10, item[0]));
            svg.append(text(x + 22, TOP + 14, "start", item[1], null));
            x += 90;
        }
    }

    private static String text(double x, double y, String anchor, String s, String size) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>%s</text>%n", x, y, anchor,
                size == null ? "" : " font-size=\"" + size + "\"", escape(s));
    }

    private static String fmt(double v) {
        return v >= 100 || v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
