package io.jengine.cli;

import io.jengine.opt.Roofline;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * A log-log roofline chart: the machine's roof (bandwidth slope, then the compute ceiling) and every layer placed at
 * its arithmetic intensity on the roof, memory-bound layers and compute-bound layers in two colours. PNG or SVG by
 * the file's extension.
 */
final class RooflinePlot {
    /** One layer to place: its intensity (FLOP/B) and its class. */
    record Point(String name, double intensity, boolean computeBound) {}

    private RooflinePlot() {}

    static void write(Path file, String title, Roofline roof, List<Point> layers) throws IOException {
        XYChart chart = new XYChartBuilder().width(1000).height(650).title(title)
                .xAxisTitle("arithmetic intensity (FLOP/byte)").yAxisTitle("attainable GFLOP/s").build();
        chart.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true).setLegendVisible(true);
        double lo = roof.ridge() / 1000, hi = roof.ridge() * 100;
        for (Point p : layers) {
            if (p.intensity() > 0) {
                lo = Math.min(lo, p.intensity() / 2);
                hi = Math.max(hi, p.intensity() * 2);
            }
        }
        XYSeries roofSeries = chart.addSeries(String.format(Locale.ROOT, "roof: %.0f GB/s, %.0f GFLOP/s (ridge %.1f FLOP/B)",
                roof.peakGBps(), roof.peakGflops(), roof.ridge()), new double[] {lo, roof.ridge(), hi},
                new double[] {roof.attainableGflops(lo), roof.peakGflops(), roof.peakGflops()});
        roofSeries.setMarker(SeriesMarkers.NONE);
        addLayers(chart, roof, layers, false, "memory-bound layers");
        addLayers(chart, roof, layers, true, "compute-bound layers");
        save(chart, file);
    }

    /** Writes a chart as PNG or SVG, by the file's extension. */
    static void save(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart, Path file) throws IOException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".svg")) {
            VectorGraphicsEncoder.saveVectorGraphic(chart, file.toString(), VectorGraphicsEncoder.VectorGraphicsFormat.SVG);
        } else if (name.endsWith(".png")) {
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        } else {
            throw new IllegalArgumentException("--plot " + file + ": the file must end in .png or .svg");
        }
    }

    private static void addLayers(XYChart chart, Roofline roof, List<Point> layers, boolean compute, String label) {
        List<Double> xs = new ArrayList<>(), ys = new ArrayList<>();
        for (Point p : layers) {
            if (p.computeBound() != compute || !(p.intensity() > 0)) continue;
            xs.add(p.intensity());
            ys.add(roof.attainableGflops(p.intensity()));
        }
        if (xs.isEmpty()) return;
        XYSeries s = chart.addSeries(label + " (" + xs.size() + ")", xs, ys);
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(SeriesMarkers.CIRCLE);
    }
}
