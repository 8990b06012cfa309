package org.prune4j.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/** A plain line plot of named (x, y) series with a marked reference point, for the optional experiments. */
final class XyPlot {
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
        new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b)};

    private XyPlot() {}

    static void write(Path png, String title, String xLabel, String yLabel, Map<String, List<double[]>> series,
            double refX, double refY) throws IOException {
        System.setProperty("java.awt.headless", "true");
        int w = 900;
        int h = 560;
        int left = 80;
        int right = 30;
        int top = 50;
        int bottom = 70;
        double xMin = refX;
        double xMax = refX;
        double yMin = refY;
        double yMax = refY;
        for (List<double[]> pts : series.values()) {
            for (double[] p : pts) {
                xMin = Math.min(xMin, p[0]);
                xMax = Math.max(xMax, p[0]);
                yMin = Math.min(yMin, p[1]);
                yMax = Math.max(yMax, p[1]);
            }
        }
        double xPad = Math.max(1e-6, (xMax - xMin) * 0.05);
        double yPad = Math.max(1e-6, (yMax - yMin) * 0.05);
        xMin -= xPad;
        xMax += xPad;
        yMin -= yPad;
        yMax += yPad;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, left, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawRect(left, top, w - left - right, h - top - bottom);
        for (int i = 0; i <= 5; i++) {
            double xv = xMin + (xMax - xMin) * i / 5;
            int px = left + (w - left - right) * i / 5;
            g.drawString(String.format(Locale.ROOT, "%.2f", xv), px - 12, h - bottom + 18);
            double yv = yMin + (yMax - yMin) * i / 5;
            int py = h - bottom - (h - top - bottom) * i / 5;
            g.drawString(String.format(Locale.ROOT, "%.1f", yv), left - 45, py + 4);
        }
        g.drawString(xLabel, left + 200, h - 20);
        g.drawString(yLabel, 10, top - 10);
        int ci = 0;
        int legendY = top + 20;
        for (Map.Entry<String, List<double[]>> e : series.entrySet()) {
            g.setColor(COLORS[ci++ % COLORS.length]);
            g.setStroke(new BasicStroke(2f));
            int[] last = null;
            for (double[] p : e.getValue()) {
                int px = left + (int) ((p[0] - xMin) / (xMax - xMin) * (w - left - right));
                int py = h - bottom - (int) ((p[1] - yMin) / (yMax - yMin) * (h - top - bottom));
                g.fillOval(px - 4, py - 4, 8, 8);
                if (last != null) {
                    g.drawLine(last[0], last[1], px, py);
                }
                last = new int[] {px, py};
            }
            g.drawString(e.getKey(), w - right - 160, legendY);
            legendY += 16;
        }
        g.setColor(Color.BLACK);
        int rx = left + (int) ((refX - xMin) / (xMax - xMin) * (w - left - right));
        int ry = h - bottom - (int) ((refY - yMin) / (yMax - yMin) * (h - top - bottom));
        g.drawRect(rx - 5, ry - 5, 10, 10);
        g.drawString("dense", rx + 8, ry - 6);
        g.dispose();
        ImageIO.write(img, "png", png.toFile());
    }
}
