package dev.faqmatch.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;

/**
 * How every JSON input of the project is parsed: questions, FAQ records, bank files, model.json and
 * the tools' labelled files. A duplicate key or data after the document is an error, never "the last
 * one wins": the same entry must be valid or invalid whether it comes from a bank file or the FAQ
 * topic. Thread-safe.
 */
public final class StrictJson {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private StrictJson() {}

    /** The document, or null for empty input. */
    public static JsonNode read(String json) throws IOException {
        return MAPPER.readTree(json);
    }

    public static JsonNode read(InputStream json) throws IOException {
        return MAPPER.readTree(json);
    }

    /**
     * What is wrong with the input, on one line: Jackson's own message without the source location
     * and excerpt it appends, which the caller replaces with its file and line.
     */
    public static String describe(IOException e) {
        String message = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
        return message == null ? e.getClass().getSimpleName() : message.lines().findFirst().orElse("");
    }
}
