package io.jengine.cli.bench;

import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.knowm.xchart.BoxChart;
import org.knowm.xchart.BoxChartBuilder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;

/**
 * One picture of a benchmark: box plots of the latency distributions (engine and ONNX Runtime side by side, same
 * axis) above a bar chart of the engine's slowest layers. PNG or SVG by the file's extension.
 */
public final class BenchPlot {
    public static final int WIDTH = 1000, LATENCY_HEIGHT = 420;
    private static final int LAYERS_HEIGHT = 560;

    private BenchPlot() {}

    /** Fails before any work when {@code file} has neither extension, so that a long benchmark is not wasted. */
    public static void checkExtension(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (!name.endsWith(".png") && !name.endsWith(".svg")) {
            throw new IllegalArgumentException("--plot " + file + ": the file must end in .png or .svg");
        }
    }

    /**
     * Writes the chart. {@code latenciesMs} maps a label ("engine", "onnxruntime 1.29.0") to its timed latencies;
     * {@code layers} may be empty (ONNX Runtime alone).
     */
    public static void write(Path file, String title, Map<String, double[]> latenciesMs, List<LayerProfile.Layer> layers)
            throws IOException {
        checkExtension(file);
        List<Chart<?, ?>> charts = new ArrayList<>();
        List<Integer> heights = new ArrayList<>();
        charts.add(latencyChart(title + ": latency per inference", latenciesMs));
        heights.add(LATENCY_HEIGHT);
        if (!layers.isEmpty()) {
            charts.add(layerChart(layers));
            heights.add(LAYERS_HEIGHT);
        }
        writeStacked(file, charts, heights);
    }

    /**
     * Paints {@code charts} one above the other, each {@link #WIDTH} wide and as tall as its entry in
     * {@code heights}, into {@code file}: PNG or SVG by its extension.
     */
    public static void writeStacked(Path file, List<? extends Chart<?, ?>> charts, List<Integer> heights)
            throws IOException {
        checkExtension(file);
        int total = heights.stream().mapToInt(Integer::intValue).sum();
        boolean svg = file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".svg");
        // Charts of different heights, stacked: xchart's own grid encoder would give them equal cells.
        VectorGraphics2D vector = svg ? new VectorGraphics2D() : null;
        BufferedImage image = svg ? null : new BufferedImage(WIDTH, total, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = svg ? vector : image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        for (int i = 0; i < charts.size(); i++) {
            if (i > 0) g.translate(0, heights.get(i - 1));
            charts.get(i).paint(g, WIDTH, heights.get(i));
        }
        g.dispose();
        try (OutputStream out = Files.newOutputStream(file)) {
            if (svg) {
                new SVGProcessor().getDocument(vector.getCommands(), new PageSize(0, 0, WIDTH, total)).writeTo(out);
            } else {
                ImageIO.write(image, "png", out);
            }
        }
    }

    /** Box plots of latency distributions on one axis, logarithmic when they are an order of magnitude apart. */
    public static BoxChart latencyChart(String title, Map<String, double[]> latenciesMs) {
        BoxChart chart = new BoxChartBuilder().width(WIDTH).height(LATENCY_HEIGHT).title(title)
                .yAxisTitle("ms").build();
        chart.getStyler().setLegendVisible(false);
        double lo = Double.POSITIVE_INFINITY, hi = 0;
        for (double[] v : latenciesMs.values()) {
            for (double x : v) {
                lo = Math.min(lo, x);
                hi = Math.max(hi, x);
            }
        }
        // Engines an order of magnitude apart would flatten the faster one's box into a line on a linear axis.
        if (lo > 0 && hi / lo > 20) chart.getStyler().setYAxisLogarithmic(true);
        for (var e : latenciesMs.entrySet()) chart.addSeries(e.getKey() + " (" + e.getValue().length + " runs)", e.getValue());
        return chart;
    }

    private static CategoryChart layerChart(List<LayerProfile.Layer> layers) {
        List<LayerProfile.Layer> top = BenchReport.slowest(layers, BenchReport.TOP_LAYERS);
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(LAYERS_HEIGHT)
                .title("engine: slowest layers (ms per inference, share of layer time)").yAxisTitle("ms").build();
        chart.getStyler().setLabelsVisible(true).setXAxisLabelRotation(30);
        chart.getStyler().setDecimalPattern("0.###");
        chart.getStyler().setLegendVisible(false);
        Map<String, Double> bars = new LinkedHashMap<>();
        for (LayerProfile.Layer l : top) {
            // Labels must be unique categories; fused layer names can be long, so shorten and number them.
            String label = (bars.size() + 1) + ". " + BenchReport.abbreviate(l.name(), 28) + " [" + l.op() + "]";
            bars.put(label, l.ms());
        }
        chart.addSeries("ms", new ArrayList<>(bars.keySet()), new ArrayList<>(bars.values()));
        return chart;
    }
}
