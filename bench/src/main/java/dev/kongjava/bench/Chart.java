package dev.kongjava.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * chart.svg: four panels (PDK µs/call, end-to-end req/s, producer records/s, RSS during the soak),
 * bars at the median with a min–max whisker. Plain SVG, no library.
 */
final class Chart {
    private static final int W = 1200;
    private static final int H = 860;
    private static final String[] COLORS = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1"
    };

    /** A bar: label, median, min, max, colour index. */
    private record Bar(String label, double median, double min, double max, int color, String note) {}

    private final StringBuilder svg = new StringBuilder();

    static String svg(Results r) {
        return new Chart().build(r);
    }

    private String build(Results r) {
        svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(W)
                .append("\" height=\"")
                .append(H)
                .append(
                        "\" font-family=\"sans-serif\" font-size=\"12\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        text(
                W / 2.0,
                24,
                "Kong Java plugin server benchmarks — " + r.facts().get("Date") + " ("
                        + r.facts().get("Mode") + ")",
                16,
                "middle",
                true);
        if (!r.pdk().isEmpty()) {
            List<Bar> bars = new ArrayList<>();
            int i = 0;
            for (PdkRoundTrip.Result p : r.pdk()) {
                bars.add(new Bar(
                        p.key(),
                        p.medianUs().median(),
                        p.medianUs().min(),
                        p.medianUs().max(),
                        i++,
                        String.format("%.2f× echo", r.pdkRatio(p.key(), "echo").median())));
            }
            panel(20, 50, 560, 360, "1. PDK round trip: median µs per call (lower is better)", "µs", bars);
        }
        if (!r.e2e().isEmpty()) {
            List<Bar> bars = new ArrayList<>();
            for (int size : r.sizes()) {
                int i = 0;
                for (GatewaySetup.Column c : GatewaySetup.COLUMNS) {
                    Samples.Spread s = r.e2e(c.key(), size).rps();
                    bars.add(new Bar(
                            c.key() + " " + Bodies.label(size),
                            s.median(),
                            s.min(),
                            s.max(),
                            i++,
                            String.format(
                                    "%.2f×", r.e2eRatio(c.key(), "a", size).median())));
                }
            }
            panel(
                    620,
                    50,
                    560,
                    360,
                    "2. End to end through nginx: req/s, ratio to (a) (higher is better)",
                    "req/s",
                    bars);
        }
        if (r.producer() != null) {
            ProducerPath.Result p = r.producer();
            List<Bar> bars = List.of(
                    new Bar("ours", p.ours().median(), p.ours().min(), p.ours().max(), 0, ""),
                    new Bar(
                            "PP defaults",
                            p.ppDefaults().median(),
                            p.ppDefaults().min(),
                            p.ppDefaults().max(),
                            1,
                            String.format(
                                    "ours ÷ = %.2f",
                                    r.producerRatio(ProducerPath.Round::ppDefaults)
                                            .median())),
                    new Bar(
                            "PP plugin settings",
                            p.ppPlugin().median(),
                            p.ppPlugin().min(),
                            p.ppPlugin().max(),
                            2,
                            String.format(
                                    "ours ÷ = %.2f",
                                    r.producerRatio(ProducerPath.Round::ppPlugin)
                                            .median())));
            panel(20, 460, 560, 360, "3. Producer path: records/s, " + p.recordSize() + " B records", "rec/s", bars);
        }
        if (r.memory() != null) {
            rss(620, 460, 560, 360, r.memory());
        }
        svg.append("</svg>\n");
        return svg.toString();
    }

    private void panel(double x, double y, double w, double h, String title, String unit, List<Bar> bars) {
        text(x + w / 2, y + 14, title, 13, "middle", true);
        double top = y + 30;
        double bottom = y + h - 60;
        double left = x + 60;
        double max = nice(bars.stream().mapToDouble(Bar::max).max().orElse(1) * 1.15);
        axis(left, top, bottom, x + w, max, unit);
        double slot = (x + w - left) / bars.size();
        double bw = Math.min(40, slot * 0.7);
        for (int i = 0; i < bars.size(); i++) {
            Bar b = bars.get(i);
            double cx = left + slot * (i + 0.5);
            double yTop = scale(b.median(), max, top, bottom);
            svg.append(String.format(
                    "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"/>%n",
                    cx - bw / 2, yTop, bw, bottom - yTop, COLORS[b.color() % COLORS.length]));
            double y1 = scale(b.min(), max, top, bottom);
            double y2 = scale(b.max(), max, top, bottom);
            line(cx, y1, cx, y2, "#333");
            line(cx - 5, y1, cx + 5, y1, "#333");
            line(cx - 5, y2, cx + 5, y2, "#333");
            text(cx, Math.min(yTop, y2) - 4, format(b.median()), 10, "middle", false);
            if (!b.note().isEmpty()) {
                text(cx, Math.min(yTop, y2) - 16, b.note(), 9, "middle", true);
            }
            svg.append(String.format(
                    "<text x=\"%.1f\" y=\"%.1f\" font-size=\"10\" text-anchor=\"end\" "
                            + "transform=\"rotate(-35 %.1f %.1f)\">%s</text>%n",
                    cx, bottom + 14, cx, bottom + 14, esc(b.label())));
        }
    }

    private void rss(double x, double y, double w, double h, Memory.Result m) {
        text(x + w / 2, y + 14, "4. kafka-upstream server RSS (MiB) during the soak", 13, "middle", true);
        double top = y + 30;
        double bottom = y + h - 60;
        double left = x + 60;
        double right = x + w - 10;
        double max = nice(Math.max(m.max(), m.connectionsKib()) / 1024.0 * 1.15);
        axis(left, top, bottom, right, max, "MiB");
        double tMax = m.soak().isEmpty() ? 1 : Math.max(1, m.soak().getLast().seconds());
        StringBuilder points = new StringBuilder();
        for (Memory.Sample s : m.soak()) {
            points.append(String.format(
                    "%.1f,%.1f ",
                    left + (right - left) * s.seconds() / tMax, scale(s.rssKib() / 1024.0, max, top, bottom)));
        }
        svg.append("<polyline fill=\"none\" stroke=\"")
                .append(COLORS[0])
                .append("\" stroke-width=\"2\" points=\"")
                .append(points)
                .append("\"/>\n");
        text(
                left + (right - left) / 2,
                bottom + 30,
                String.format(
                        "seconds (0–%.0f); before the soak: idle %.0f MiB, "
                                + "1,000 instances %.0f MiB, +512 connections %.0f MiB",
                        tMax, m.idleKib() / 1024.0, m.instancesKib() / 1024.0, m.connectionsKib() / 1024.0),
                11,
                "middle",
                false);
    }

    private void axis(double left, double top, double bottom, double right, double max, String unit) {
        line(left, top, left, bottom, "#000");
        line(left, bottom, right, bottom, "#000");
        for (int i = 0; i <= 4; i++) {
            double v = max * i / 4;
            double yy = scale(v, max, top, bottom);
            line(left - 4, yy, right, yy, "#ddd");
            text(left - 6, yy + 4, format(v), 10, "end", false);
        }
        text(left - 45, top - 8, unit, 10, "start", false);
    }

    /** The next "round" axis maximum: 1, 2, 4, 5 or 8 times a power of ten. */
    private static double nice(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 4, 5, 8, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static double scale(double v, double max, double top, double bottom) {
        return bottom - (bottom - top) * (v / max);
    }

    private void line(double x1, double y1, double x2, double y2, String color) {
        svg.append(String.format(
                "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>%n", x1, y1, x2, y2, color));
    }

    private void text(double x, double y, String s, int size, String anchor, boolean bold) {
        svg.append(String.format(
                "<text x=\"%.1f\" y=\"%.1f\" font-size=\"%d\" text-anchor=\"%s\"%s>%s</text>%n",
                x, y, size, anchor, bold ? " font-weight=\"bold\"" : "", esc(s)));
    }

    private static String format(double v) {
        return v >= 100 ? String.format("%.0f", v) : String.format("%.1f", v);
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
