package io.jengine.cli;

import io.jengine.plan.proto.PlanProto.CandidateRecord;
import io.jengine.plan.proto.PlanProto.LayerRecord;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * {@code inspect PLAN --plot}: the cost model's predictions against the measured times. Apart from
 * {@link PlanInspection} so that inspecting a plan loads no chart classes (they need java.desktop, which a lean
 * runtime image lacks).
 */
final class RankingPlot {
    private RankingPlot() {}

    /** Predicted against measured time of every candidate timed, log-log, one series per op. */
    static void save(Path file, List<LayerRecord> layers) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(700).title("cost model: predicted vs measured per candidate")
                .xAxisTitle("predicted ms").yAxisTitle("measured ms").build();
        chart.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true).setLegendVisible(true);
        Map<String, List<double[]>> byOp = new LinkedHashMap<>();
        for (LayerRecord r : layers) {
            for (CandidateRecord c : r.getCandidatesList()) {
                if (c.getPredictedMs() > 0 && c.getMeasuredMs() > 0) {
                    byOp.computeIfAbsent(r.getOp(), k -> new ArrayList<>()).add(new double[] {c.getPredictedMs(), c.getMeasuredMs()});
                }
            }
        }
        if (byOp.isEmpty()) throw new IllegalArgumentException("--plot: the plan holds no timed candidates (built without tuning?)");
        byOp.forEach((op, pts) -> {
            XYSeries s = chart.addSeries(op + " (" + pts.size() + ")", pts.stream().mapToDouble(p -> p[0]).toArray(),
                    pts.stream().mapToDouble(p -> p[1]).toArray());
            s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            s.setMarker(SeriesMarkers.CIRCLE);
        });
        RooflinePlot.save(chart, file);
    }
}
