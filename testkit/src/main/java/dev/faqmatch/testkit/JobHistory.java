package dev.faqmatch.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobID;
import org.apache.flink.runtime.minicluster.MiniCluster;

/** A job's failures as Flink's REST API reports them (each failure restarts the job). */
public final class JobHistory {
    private JobHistory() {}

    /** The exception of every failure of the job so far, oldest first. */
    public static List<String> failures(MiniCluster flink, JobID job) throws Exception {
        URI rest = flink.getRestAddress().get();
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(rest.resolve("/jobs/" + job + "/exceptions?maxExceptions=100")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode body = new ObjectMapper().readTree(response.body());
        List<String> failures = new ArrayList<>();
        for (JsonNode entry : body.path("exceptionHistory").path("entries")) {
            String text = entry.path("exceptionName").asText() + ": " + entry.path("stacktrace").asText();
            failures.add(text.length() > 300 ? text.substring(0, 300) : text);
        }
        return failures;
    }
}
