package dev.faqmatch.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReportTargetsTest {
    private static EndToEndBench.Throughput endToEnd(double perSecond) {
        return new EndToEndBench.Throughput("int8", "exactly-once", 400, 1, perSecond, 0, 0, 0, 0, 0, 0, Map.of(),
                Map.of(), 0, List.of(), "datastream", 50);
    }

    private static PythonPeer.Result pythonPeer(double perSecond) {
        return new PythonPeer.Result("int8", 400, 2, 1, perSecond, 5, 0.5, null);
    }

    @Test
    void theJobsInt8RunMustBeOneAndAHalfTimesThePythonPeer() {
        Report report = new Report(BenchOptions.parse());
        report.e2eInt8 = endToEnd(600);
        report.pythonPeer = pythonPeer(400);
        assertThat(report.targets()).contains(new Report.Target("end to end int8 / Python peer", 1.5, ">= 1.50", true));
        report.pythonPeer = pythonPeer(401);
        assertThat(report.targets()).contains(new Report.Target("end to end int8 / Python peer", 1.5, ">= 1.50", false));
    }

    @Test
    void noPythonPeerNoSuchTarget() {
        Report report = new Report(BenchOptions.parse());
        report.e2eInt8 = endToEnd(600);
        assertThat(report.targets()).noneMatch(t -> t.what().contains("Python peer"));
    }
}
