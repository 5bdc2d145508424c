package dev.faqmatch.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.faqmatch.config.MatcherConfig;
import dev.faqmatch.faq.FaqIndex;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The deployment files that cannot run here (Dockerfile, Kubernetes manifest) and the Flink
 * configurations parse and hold the keys the README and the code rely on.
 */
class DeployFilesTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String GPU_FACTORY = "org.apache.flink.externalresource.gpu.GPUDriverFactory";
    private static final String PROMETHEUS_FACTORY = "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";
    private static final String JOB_JAR_IN_IMAGE = "/opt/flink/usrlib/faq-matcher.jar";
    /** Flink 2.x on Java 17: the flags of Flink's own config.yaml that matter most. */
    private static final List<String> JAVA17_FLAGS = List.of(
            "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
            "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
            "--add-opens=java.base/java.lang=ALL-UNNAMED",
            "--add-opens=java.base/java.net=ALL-UNNAMED",
            "--add-opens=java.base/java.io=ALL-UNNAMED",
            "--add-opens=java.base/java.nio=ALL-UNNAMED",
            "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
            "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
            "--add-opens=java.base/java.util=ALL-UNNAMED",
            "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED");

    @ParameterizedTest
    @ValueSource(strings = {"flink-conf/cluster", "flink-conf/gpu"})
    void flinkConfigurationsParseAndHoldWhatTheClusterNeeds(String dir) throws IOException {
        Map<String, String> conf = flatYaml(Path.of(dir, "config.yaml"));
        for (String flag : JAVA17_FLAGS) {
            assertThat(conf.get("env.java.opts.all")).as(dir + " env.java.opts.all").contains(flag);
        }
        assertThat(conf.get("env.java.opts.taskmanager")).contains("-Dai.djl.offline=true")
                .contains("--add-modules=jdk.incubator.vector");
        assertThat(conf.get("classloader.parent-first-patterns.additional")).contains("ai.onnxruntime.").contains("ai.djl.");
        assertThat(conf.get("metrics.reporters")).isEqualTo("prom");
        assertThat(conf.get("metrics.reporter.prom.factory.class")).isEqualTo(PROMETHEUS_FACTORY);
        assertThat(conf).containsKeys("metrics.reporter.prom.port", "restart-strategy.type",
                "execution.checkpointing.interval", "execution.checkpointing.dir", "io.tmp.dirs",
                "taskmanager.numberOfTaskSlots", "taskmanager.memory.process.size", "jobmanager.memory.process.size",
                "jobmanager.rpc.address", "rest.port", "parallelism.default");

        // Flink itself reads the file, and the memory settings add up (what BashJavaUtils checks
        // before a JobManager or TaskManager starts).
        Configuration flink = GlobalConfiguration.loadConfiguration(dir);
        assertThat(flink.get(TaskManagerOptions.NUM_TASK_SLOTS)).isEqualTo(Integer.parseInt(conf.get("taskmanager.numberOfTaskSlots")));
        TaskExecutorProcessSpec tm = TaskExecutorProcessUtils.processSpecFromConfig(flink);
        assertThat(tm.getTotalProcessMemorySize()).isEqualTo(flink.get(TaskManagerOptions.TOTAL_PROCESS_MEMORY));
        assertThat(tm.getTaskOffHeapSize().getMebiBytes()).as("native memory for ONNX Runtime").isGreaterThanOrEqualTo(512);
        assertThat(JobManagerProcessUtils.processSpecFromConfig(flink).getTotalProcessMemorySize())
                .isEqualTo(flink.get(JobManagerOptions.TOTAL_PROCESS_MEMORY));
    }

    @Test
    void theToolsThatRunTheJobsCodeUseTheTaskManagersJvmOptions() throws IOException {
        // deploy/common.sh: TASKMANAGER_JAVA_OPTS=(...), what the demo and the benchmarks run with.
        Matcher line = Pattern.compile("(?m)^TASKMANAGER_JAVA_OPTS=\\((.*)\\)$").matcher(Files.readString(Path.of("deploy/common.sh")));
        assertThat(line.find()).as("deploy/common.sh defines TASKMANAGER_JAVA_OPTS").isTrue();
        assertThat(line.group(1)).isEqualTo(flatYaml(Path.of("flink-conf/cluster/config.yaml")).get("env.java.opts.taskmanager"));
        for (String script : List.of("local.sh", "bench.sh", "calibrate.sh", "eval.sh")) {
            assertThat(Files.readString(Path.of("deploy", script))).as(script).contains("\"${TASKMANAGER_JAVA_OPTS[@]}\"");
        }
    }

    @Test
    void thePythonPeerRoutesWithTheJobsDefaultThresholdsAndCollapseWeight() throws IOException {
        String bank = Files.readString(Path.of("deploy/python/src/faqmatch_model/faq_bank.py"));
        Map<String, Double> expected = Map.of("min_score: float", Double.parseDouble(MatcherConfig.MIN_SCORE.defaultValue()),
                "clarify_score: float", Double.parseDouble(MatcherConfig.CLARIFY_SCORE.defaultValue()),
                "clarify_margin: float", Double.parseDouble(MatcherConfig.CLARIFY_MARGIN.defaultValue()),
                "SECOND_PHRASING_WEIGHT", (double) FaqIndex.SECOND_PHRASING_WEIGHT);
        for (Map.Entry<String, Double> e : expected.entrySet()) {
            Matcher m = Pattern.compile(Pattern.quote(e.getKey()) + " = (?:np\\.float32\\()?([0-9.]+)").matcher(bank);
            assertThat(m.find()).as(e.getKey() + " in faq_bank.py").isTrue();
            assertThat(Double.parseDouble(m.group(1))).as(e.getKey()).isCloseTo(e.getValue(), within(1e-6));
        }
    }

    @Test
    void theLocalClusterIsSizedForASmallSharedMachineOnLoopback() throws IOException {
        Map<String, String> conf = flatYaml(Path.of("flink-conf/cluster/config.yaml"));
        assertThat(conf).containsEntry("jobmanager.bind-host", "localhost").containsEntry("taskmanager.bind-host", "localhost")
                .containsEntry("rest.bind-address", "localhost").containsEntry("taskmanager.numberOfTaskSlots", "2");
        Configuration flink = GlobalConfiguration.loadConfiguration("flink-conf/cluster");
        assertThat(flink.get(TaskManagerOptions.TOTAL_PROCESS_MEMORY).getMebiBytes()).isLessThanOrEqualTo(4096);
        assertThat(flink.get(JobManagerOptions.TOTAL_PROCESS_MEMORY).getMebiBytes()).isLessThanOrEqualTo(1024);
    }

    @Test
    void theGpuTaskManagerHasOneSlotPerGpuThroughFlinksGpuPlugin() throws IOException {
        Map<String, String> conf = flatYaml(Path.of("flink-conf/gpu/config.yaml"));
        assertGpuResource(conf);
        assertThat(conf.get("external-resource.gpu.param.discovery-script.args")).contains("--enable-coordination-mode");
    }

    @Test
    void theFlinkDeploymentRequestsAGpuPerTaskManagerAndRunsTheJob() throws IOException {
        JsonNode doc = YAML.readTree(Path.of("deploy/k8s/flinkdeployment.yaml").toFile());
        assertThat(doc.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
        assertThat(doc.path("kind").asText()).isEqualTo("FlinkDeployment");
        JsonNode spec = doc.path("spec");
        assertThat(spec.path("flinkVersion").asText()).startsWith("v2_");
        assertThat(spec.path("image").asText()).isNotBlank();

        // The operator's CRD types flinkConfiguration as a map of strings: a bare YAML number fails.
        Map<String, String> conf = new TreeMap<>();
        spec.path("flinkConfiguration").fields().forEachRemaining(e -> {
            assertThat(e.getValue().isTextual()).as("flinkConfiguration." + e.getKey() + " must be a string").isTrue();
            conf.put(e.getKey(), e.getValue().asText());
        });
        assertGpuResource(conf);
        assertThat(conf).containsEntry("external-resource.gpu.kubernetes.config-key", "nvidia.com/gpu")
                .containsEntry("metrics.reporter.prom.factory.class", PROMETHEUS_FACTORY)
                .containsEntry("env.java.opts.taskmanager", "-Dai.djl.offline=true --add-modules=jdk.incubator.vector");
        assertThat(conf.get("classloader.parent-first-patterns.additional")).contains("ai.onnxruntime.");

        JsonNode container = spec.path("taskManager").path("podTemplate").path("spec").path("containers").path(0);
        assertThat(container.path("name").asText()).isEqualTo("flink-main-container");
        assertThat(container.path("resources").path("limits").path("nvidia.com/gpu").asText())
                .isEqualTo(conf.get("external-resource.gpu.amount"));
        assertThat(container.path("ports").findValuesAsText("containerPort")).contains(conf.get("metrics.reporter.prom.port"));

        JsonNode job = spec.path("job");
        assertThat(job.path("jarURI").asText()).isEqualTo("local://" + JOB_JAR_IN_IMAGE);
        assertThat(job.path("entryClass").asText()).isEqualTo("dev.faqmatch.job.FaqMatcherJob");
        List<String> args = new ArrayList<>();
        for (Iterator<JsonNode> it = job.path("args").elements(); it.hasNext(); ) {
            JsonNode arg = it.next();
            assertThat(arg.isTextual()).as("job argument " + arg + " must be a string").isTrue();
            args.add(arg.asText());
        }
        // The job's own validation accepts them.
        MatcherConfig config = MatcherConfig.fromArgs(args.toArray(String[]::new));
        assertThat(config.get(MatcherConfig.BOOTSTRAP_SERVERS)).isNotBlank();
    }

    @Test
    void theImageIsTheOfficialFlinkImageWithCudaOrtInLibAndTheJobInUsrlib() throws IOException {
        String dockerfile = Files.readString(Path.of("deploy/Dockerfile"));
        assertThat(dockerfile).containsPattern("ARG FLINK_IMAGE=flink:2\\.2[.0-9]*-java17")
                .contains("FROM ${FLINK_IMAGE}")
                .contains("COPY --chown=flink:flink target/flink-lib/ /opt/flink/lib/")
                .contains("/opt/flink/usrlib/faq-matcher.jar")
                .contains("libcudnn9-cuda-12")
                .contains("\"cuda-cudart-${CUDA_PACKAGE_VERSION}\"")
                .containsPattern("CUDA_PACKAGE_VERSION=12-\\d+")
                .contains("external-resources=gpu")
                .contains("external-resource.gpu.driver-factory.class=" + GPU_FACTORY)
                .contains("metrics.reporter.prom.factory.class=" + PROMETHEUS_FACTORY)
                .contains("env.java.opts.taskmanager=-Dai.djl.offline=true")
                .contains("RUST_FLAVOR=cpu");
        assertThat(Files.readString(Path.of("deploy/Dockerfile.dockerignore"))).contains("!target/flink-lib/");
    }

    @Test
    void theReadmeWalksThroughTheFilesItNames() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        String section = readme.substring(readme.indexOf("## Deploy to a cluster"));
        assertThat(section).contains("deploy/cluster.sh start", "deploy/kafka.sh start", "flink run -d",
                "deploy/kafka-console.sh produce questions", "deploy/kafka-console.sh consume faq-matches",
                "/metrics", "deploy/cluster.sh stop", "deploy/Dockerfile", "deploy/k8s/flinkdeployment.yaml",
                "flink-conf/gpu/config.yaml", "external-resource.gpu.amount", "nvidia.com/gpu");
    }

    private static void assertGpuResource(Map<String, String> conf) {
        assertThat(conf).containsEntry("external-resources", "gpu")
                .containsEntry("external-resource.gpu.driver-factory.class", GPU_FACTORY)
                .containsEntry("external-resource.gpu.param.discovery-script.path",
                        "plugins/external-resource-gpu/nvidia-gpu-discovery.sh");
        assertThat(conf.get("external-resource.gpu.amount")).as("one slot per GPU")
                .isEqualTo(conf.get("taskmanager.numberOfTaskSlots"));
    }

    /** A Flink YAML file as Flink reads it: nested keys joined with dots, lists as Flink's list form. */
    static Map<String, String> flatYaml(Path file) throws IOException {
        Map<String, String> flat = new TreeMap<>();
        flatten("", YAML.readTree(file.toFile()), flat);
        return flat;
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out));
        } else if (node.isArray()) {
            List<String> items = new ArrayList<>();
            node.forEach(item -> items.add(item.asText()));
            out.put(prefix, String.join(";", items));
        } else {
            out.put(prefix, node.asText());
        }
    }
}
