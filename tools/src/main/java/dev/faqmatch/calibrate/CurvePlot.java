package dev.faqmatch.calibrate;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The precision / coverage curve of the answer route as a PNG: one line per clarify-margin (one set)
 * or per set (several), each point a min-score; the target and the chosen thresholds marked.
 */
final class CurvePlot {
    /** One line of the plot: its legend and its points. */
    record Line(String name, List<RoutingSweep.Point> points) {}

    private static final int W = 900;
    private static final int H = 620;
    private static final int LEFT = 80;
    private static final int RIGHT = 200;
    private static final int TOP = 50;
    private static final int BOTTOM = 70;
    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
            new Color(0xd62728), new Color(0x9467bd)};

    private CurvePlot() {}

    static void write(Path png, String title, List<Line> lines, double target, List<RoutingSweep.Point> chosen)
            throws IOException {
        BufferedImage image = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        // precision from 0.5 to 1: below half right, a route is of no use for answering alone
        double yMin = 0.5;
        g.setColor(new Color(0xdddddd));
        for (int i = 0; i <= 10; i++) {
            int x = x(i / 10.0);
            g.drawLine(x, TOP, x, H - BOTTOM);
            int y = y(yMin + i * (1 - yMin) / 10, yMin);
            g.drawLine(LEFT, y, W - RIGHT, y);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, TOP, W - LEFT - RIGHT, H - TOP - BOTTOM);
        for (int i = 0; i <= 10; i += 2) {
            g.drawString(String.format(Locale.ROOT, "%.0f%%", i * 10.0), x(i / 10.0) - 12, H - BOTTOM + 18);
            g.drawString(String.format(Locale.ROOT, "%.0f%%", 100 * (yMin + i * (1 - yMin) / 10)), LEFT - 45,
                    y(yMin + i * (1 - yMin) / 10, yMin) + 5);
        }
        g.drawString("coverage: answerable questions routed 'answer'", LEFT + 150, H - 25);
        g.drawString("precision of 'answer'", 8, TOP - 12);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        g.drawString(title, LEFT, 25);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.setColor(new Color(0xaa0000));
        g.setStroke(new BasicStroke(1, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 1, new float[] {6, 4}, 0));
        g.drawLine(LEFT, y(target, yMin), W - RIGHT, y(target, yMin));
        g.drawString(String.format(Locale.ROOT, "target %.0f%%", 100 * target), LEFT + 6, y(target, yMin) + 15);
        g.setStroke(new BasicStroke(2));
        for (int c = 0; c < lines.size(); c++) {
            List<RoutingSweep.Point> line = new ArrayList<>(lines.get(c).points().stream()
                    .filter(p -> p.answered() > 0).toList());
            line.sort(Comparator.comparingDouble(p -> p.thresholds().minScore()));
            g.setColor(COLORS[c % COLORS.length]);
            int px = -1;
            int py = -1;
            for (RoutingSweep.Point p : line) {
                int x = x(p.coverage());
                int y = y(Math.max(yMin, p.precision()), yMin);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
            g.drawString(lines.get(c).name(), W - RIGHT + 8, TOP + 40 + 18 * c);
        }
        g.setColor(Color.BLACK);
        for (RoutingSweep.Point p : chosen) {
            g.fillOval(x(p.coverage()) - 5, y(Math.max(yMin, p.precision()), yMin) - 5, 10, 10);
        }
        if (!chosen.isEmpty()) {
            RoutingSweep.Point p = chosen.get(0);
            g.drawString(String.format(Locale.ROOT, "chosen (dots): min-score %.2f, clarify-margin %.2f",
                    p.thresholds().minScore(), p.thresholds().clarifyMargin()), LEFT + 6, H - BOTTOM - 10);
        }
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }

    private static int x(double coverage) {
        return LEFT + (int) Math.round(coverage * (W - LEFT - RIGHT));
    }

    private static int y(double precision, double yMin) {
        return H - BOTTOM - (int) Math.round((precision - yMin) / (1 - yMin) * (H - TOP - BOTTOM));
    }
}
