package dev.faqmatch.calibrate;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The precision / coverage curve of the answer route as a PNG (JFreeChart, as the benchmark's
 * plots): one line per clarify-margin (one set) or per set (several), a point per min-score; the
 * target precision as a line and the chosen thresholds as dots.
 */
final class CurvePlot {
    /** One line of the plot: its legend and its points. */
    record Line(String name, List<RoutingSweep.Point> points) {}

    private CurvePlot() {}

    static void write(Path png, String title, List<Line> lines, double target, List<RoutingSweep.Point> chosen)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        XYSeriesCollection data = new XYSeriesCollection();
        for (Line line : lines) {
            // coverage does not grow monotonically with min-score everywhere: keep the min-score order
            XYSeries series = new XYSeries(line.name(), false, true);
            line.points().stream().filter(p -> p.answered() > 0)
                    .sorted(Comparator.comparingDouble(p -> p.thresholds().minScore()))
                    .forEach(p -> series.add(100 * p.coverage(), 100 * p.precision()));
            data.addSeries(series);
        }
        if (!chosen.isEmpty()) {
            RoutingSweep.Point first = chosen.get(0);
            XYSeries dots = new XYSeries(String.format(Locale.ROOT, "chosen: min-score %.2f, clarify-margin %.2f",
                    first.thresholds().minScore(), first.thresholds().clarifyMargin()), false, true);
            chosen.forEach(p -> dots.add(100 * p.coverage(), 100 * p.precision()));
            data.addSeries(dots);
        }
        JFreeChart chart = ChartFactory.createXYLineChart(title, "coverage: questions with an entry routed 'answer' (%)",
                "precision of 'answer' (%)", data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, false);
        Color[] colors = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
                new Color(0x9467bd), new Color(0x8c564b)};
        for (int i = 0; i < lines.size(); i++) {
            renderer.setSeriesPaint(i, colors[i % colors.length]);
            renderer.setSeriesStroke(i, new BasicStroke(2));
        }
        if (!chosen.isEmpty()) {
            renderer.setSeriesPaint(lines.size(), Color.BLACK);
            renderer.setSeriesLinesVisible(lines.size(), false);
            renderer.setSeriesShapesVisible(lines.size(), true);
        }
        plot.setRenderer(renderer);
        plot.getDomainAxis().setRange(0, 100);
        plot.getRangeAxis().setRange(50, 100.5);
        ValueMarker targetLine = new ValueMarker(100 * target, new Color(0xaa0000), new BasicStroke(1, BasicStroke.CAP_BUTT,
                BasicStroke.JOIN_MITER, 1, new float[] {6, 4}, 0));
        targetLine.setLabel(String.format(Locale.ROOT, "target %.0f%%", 100 * target));
        targetLine.setLabelPaint(new Color(0xaa0000));
        targetLine.setLabelAnchor(org.jfree.chart.ui.RectangleAnchor.BOTTOM_LEFT);
        targetLine.setLabelTextAnchor(org.jfree.chart.ui.TextAnchor.TOP_LEFT);
        plot.addRangeMarker(targetLine);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 560);
    }
}
