package org.prune4j.internal.experiment;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.prune4j.internal.io.AtomicOutput;

/**
 * Draws test accuracy against the percentage of weights remaining, on a logarithmic x axis that runs
 * from dense (left) to sparse (right) as in the lottery-ticket papers, with one line per series and an
 * optional dashed reference (the dense accuracy). Pure java.awt, headless, written as PNG atomically.
 */
final class AccuracyPlot {
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b)};
    private static final int W = 900;
    private static final int H = 560;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;

    /** A named line: points (percent remaining, accuracy in %). */
    public record Series(String name, List<double[]> points) {
        public Series {
            points = List.copyOf(points);
        }

        /** A series from result rows (density and final test accuracy, both as percentages). */
        public static Series of(String name, List<ResultRow> rows) {
            List<double[]> pts = new ArrayList<>();
            for (ResultRow r : rows) {
                pts.add(new double[] {100 * r.density(), 100 * r.testAccuracy()});
            }
            return new Series(name, pts);
        }
    }

    private AccuracyPlot() {}

    /** Renders the plot to an image. {@code reference} (accuracy %, may be NaN) is drawn dashed. */
    public static BufferedImage render(String title, List<Series> series, double reference, String referenceLabel) {
        System.setProperty("java.awt.headless", "true");
        double xMax = 100;
        double xMin = 100;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (Series s : series) {
            for (double[] p : s.points()) {
                xMin = Math.min(xMin, p[0]);
                yMin = Math.min(yMin, p[1]);
                yMax = Math.max(yMax, p[1]);
            }
        }
        if (!Double.isNaN(reference)) {
            yMin = Math.min(yMin, reference);
            yMax = Math.max(yMax, reference);
        }
        if (!Double.isFinite(yMin)) {
            yMin = 0;
            yMax = 100;
        }
        xMin = Math.max(0.01, Math.min(xMin, 50));
        double pad = Math.max(0.5, (yMax - yMin) * 0.08);
        yMin = Math.max(0, Math.floor(yMin - pad));
        yMax = Math.min(100, Math.ceil(yMax + pad));
        if (yMax <= yMin) {
            yMax = yMin + 1;
        }
        final double lx0 = Math.log(xMax * 1.15);
        final double lx1 = Math.log(xMin / 1.15);
        final double top = yMax;
        final double span = yMax - yMin;

        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        int pw = W - LEFT - RIGHT;
        int ph = H - TOP - BOTTOM;
        java.util.function.DoubleUnaryOperator px = x -> LEFT + pw * (Math.log(x) - lx0) / (lx1 - lx0);
        java.util.function.DoubleUnaryOperator py = y -> TOP + ph * (top - y) / span;

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        // grid and ticks
        for (double t : xTicks(xMin)) {
            int x = (int) Math.round(px.applyAsDouble(t));
            g.setColor(new Color(0xE6E6E6));
            g.drawLine(x, TOP, x, TOP + ph);
            g.setColor(Color.DARK_GRAY);
            String label = formatTick(t);
            g.drawString(label, x - fm.stringWidth(label) / 2, TOP + ph + 18);
        }
        double yStep = niceStep((yMax - yMin) / 8);
        for (double t = Math.ceil(yMin / yStep) * yStep; t <= yMax + 1e-9; t += yStep) {
            int y = (int) Math.round(py.applyAsDouble(t));
            g.setColor(new Color(0xE6E6E6));
            g.drawLine(LEFT, y, LEFT + pw, y);
            g.setColor(Color.DARK_GRAY);
            String label = formatTick(t);
            g.drawString(label, LEFT - 8 - fm.stringWidth(label), y + 4);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, pw, ph);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        fm = g.getFontMetrics();
        String xLabel = "weights remaining (%, log scale)";
        g.drawString(xLabel, LEFT + pw / 2 - fm.stringWidth(xLabel) / 2, H - 22);
        Graphics2D gy = (Graphics2D) g.create();
        gy.rotate(-Math.PI / 2);
        String yLabel = "test accuracy (%)";
        gy.drawString(yLabel, -(TOP + ph / 2) - fm.stringWidth(yLabel) / 2, 22);
        gy.dispose();
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        fm = g.getFontMetrics();
        g.drawString(title, W / 2 - fm.stringWidth(title) / 2, 28);

        List<String> legend = new ArrayList<>();
        List<Color> legendColors = new ArrayList<>();
        if (!Double.isNaN(reference)) {
            int y = (int) Math.round(py.applyAsDouble(reference));
            g.setColor(Color.GRAY);
            g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 5}, 0));
            g.drawLine(LEFT, y, LEFT + pw, y);
            legend.add(referenceLabel);
            legendColors.add(Color.GRAY);
        }
        for (int i = 0; i < series.size(); i++) {
            Series s = series.get(i);
            Color c = COLORS[i % COLORS.length];
            g.setColor(c);
            g.setStroke(new BasicStroke(2f));
            Path2D path = new Path2D.Double();
            boolean first = true;
            for (double[] p : s.points()) {
                double x = px.applyAsDouble(Math.max(p[0], xMin));
                double y = py.applyAsDouble(p[1]);
                if (first) {
                    path.moveTo(x, y);
                    first = false;
                } else {
                    path.lineTo(x, y);
                }
            }
            g.draw(path);
            for (double[] p : s.points()) {
                int x = (int) Math.round(px.applyAsDouble(Math.max(p[0], xMin)));
                int y = (int) Math.round(py.applyAsDouble(p[1]));
                g.fillOval(x - 4, y - 4, 8, 8);
            }
            legend.add(s.name());
            legendColors.add(c);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        fm = g.getFontMetrics();
        int lw = 0;
        for (String l : legend) {
            lw = Math.max(lw, fm.stringWidth(l));
        }
        int lx = LEFT + 12;
        int ly = TOP + ph - 12 - legend.size() * 20;
        g.setStroke(new BasicStroke(1f));
        g.setColor(new Color(255, 255, 255, 230));
        g.fillRect(lx - 6, ly - 4, lw + 46, legend.size() * 20 + 8);
        g.setColor(Color.LIGHT_GRAY);
        g.drawRect(lx - 6, ly - 4, lw + 46, legend.size() * 20 + 8);
        for (int i = 0; i < legend.size(); i++) {
            int y = ly + i * 20 + 10;
            g.setColor(legendColors.get(i));
            g.setStroke(new BasicStroke(2f));
            g.drawLine(lx, y, lx + 26, y);
            g.setColor(Color.BLACK);
            g.drawString(legend.get(i), lx + 34, y + 5);
        }
        g.dispose();
        return img;
    }

    /** Renders and writes the plot as PNG (atomically). */
    public static void write(Path png, String title, List<Series> series, double reference, String referenceLabel) {
        BufferedImage img = render(title, series, reference, referenceLabel);
        AtomicOutput.writeFile(png, out -> {
            if (!ImageIO.write(img, "png", out)) {
                throw new IOException("no PNG writer");
            }
        });
    }

    /** 1-2-5 ticks from 100 down to the smallest value shown. */
    static List<Double> xTicks(double xMin) {
        List<Double> ticks = new ArrayList<>();
        for (double decade = 100; decade >= xMin / 10; decade /= 10) {
            for (double m : new double[] {1, 0.5, 0.2}) {
                double t = decade * m;
                if (t <= 100 && t >= xMin / 1.15) {
                    ticks.add(t);
                }
            }
        }
        return ticks;
    }

    private static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= raw) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String formatTick(double t) {
        if (Math.abs(t - Math.rint(t)) < 1e-9) {
            return Long.toString(Math.round(t));
        }
        return String.format(Locale.ROOT, "%.1f", t).replaceAll("0+$", "");
    }
}
