package dev.faqmatch.faq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.faqmatch.event.InvalidQuestionException.Reason;
import dev.faqmatch.event.InvalidQuestionException;
import dev.faqmatch.event.QuestionParser;
import dev.faqmatch.event.RawRecord;
import dev.faqmatch.io.StrictJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * The FAQ topic's records: key {@code tenant/faq_id}; value a JSON upsert
 * {@code {"schema":1,"tenant":"cards","id":"f-12","question":"...","answer":"...","tags":[...],
 * "similar":[...],"not_similar":[...]}} (the entry's fields as {@link FaqEntryJson} reads them, and
 * the tenant), or null (a tombstone) to delete the entry. Thread-safe.
 */
public final class FaqRecords {
    public static final int SCHEMA = 1;
    /** Tenant names: they appear in keys, metric names and settings ({@code match.tenant.<name>.*}). */
    public static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private FaqRecords() {}

    /**
     * Validates a record of the FAQ topic.
     *
     * @param maxBytes longest value accepted (the question and answer together)
     * @throws InvalidQuestionException with reason {@code invalid_faq} and what is wrong
     */
    public static FaqUpdate parse(RawRecord record, int maxBytes) throws InvalidQuestionException {
        String key = record.key() == null ? null : utf8(record.key());
        if (key == null) {
            throw invalid("the key must be 'tenant/faq_id' in UTF-8, got " + (record.key() == null ? "none" : "other bytes"));
        }
        int slash = key.indexOf('/');
        String keyTenant = slash < 0 ? key : key.substring(0, slash);
        String keyId = slash < 0 ? "" : key.substring(slash + 1);
        if (slash < 0 || !TENANT.matcher(keyTenant).matches() || keyId.isBlank()
                || keyId.length() > QuestionParser.MAX_ID_LENGTH) {
            throw invalid("the key '" + abbreviate(key) + "' is not 'tenant/faq_id' (tenant: " + TENANT.pattern()
                    + "; id: 1 to " + QuestionParser.MAX_ID_LENGTH + " characters)");
        }
        if (record.value() == null) {
            return new FaqUpdate(keyTenant, keyId, null, record.partition(), record.offset(), record.timestamp());
        }
        if (record.value().length > maxBytes) {
            throw invalid("the value has " + record.value().length + " bytes, more than faq.max-record-bytes ("
                    + maxBytes + ")");
        }
        String json = utf8(record.value());
        if (json == null) {
            throw invalid("the value is not valid UTF-8");
        }
        JsonNode root;
        try {
            root = StrictJson.read(json);
        } catch (IOException e) {
            throw invalid("not valid JSON: " + StrictJson.describe(e));
        }
        if (root == null || !root.isObject()) {
            throw invalid("expected a JSON object with schema, tenant, id, question and answer (or a null value to delete)");
        }
        JsonNode schema = root.get("schema");
        if (schema != null && !(schema.canConvertToExactIntegral() && schema.asInt() == SCHEMA)) {
            throw invalid("'schema' must be " + SCHEMA);
        }
        String tenant;
        FaqEntry entry;
        try {
            tenant = FaqEntryJson.requiredText(root, "tenant");
            entry = FaqEntryJson.read(root);
        } catch (FaqEntryJson.InvalidEntryException e) {
            throw invalid(e.getMessage());
        }
        if (!tenant.equals(keyTenant) || !entry.id().equals(keyId)) {
            throw invalid("the key '" + abbreviate(key) + "' does not match tenant '" + abbreviate(tenant)
                    + "' and id '" + abbreviate(entry.id()) + "' of the value");
        }
        return new FaqUpdate(tenant, entry.id(), entry, record.partition(), record.offset(), record.timestamp());
    }

    /** The JSON of an upsert, as {@code deploy/faq-publish.sh} publishes it. */
    public static byte[] upsertJson(String tenant, FaqEntry entry) {
        ObjectNode node = MAPPER.createObjectNode().put("schema", SCHEMA).put("tenant", tenant);
        return FaqEntryJson.write(entry, node).toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The record key of an entry. */
    public static String key(String tenant, String id) {
        return tenant + "/" + id;
    }

    /**
     * How an update is kept in Flink state: plain JSON, so that the state does not depend on a
     * serializer of ours; the entry's fields as in the topic, so that states written before
     * similar questions existed read back as entries without them.
     */
    public static String toState(FaqUpdate u) {
        ObjectNode node = MAPPER.createObjectNode();
        if (u.entry() != null) {
            FaqEntryJson.write(u.entry(), node);
        }
        node.put("tenant", u.tenant()).put("id", u.id()).put("partition", u.partition()).put("offset", u.offset())
                .put("timestamp", u.timestamp());
        return node.toString();
    }

    public static FaqUpdate fromState(String json) {
        try {
            JsonNode n = MAPPER.readTree(json);
            FaqEntry entry = n.has("question") ? FaqEntryJson.read(n) : null;
            return new FaqUpdate(n.get("tenant").asText(), n.get("id").asText(), entry, n.get("partition").asInt(),
                    n.get("offset").asLong(), n.get("timestamp").asLong());
        } catch (IOException | FaqEntryJson.InvalidEntryException e) {
            throw new IllegalStateException("FAQ bank state entry is not the JSON this job writes: " + abbreviate(json), e);
        }
    }

    private static InvalidQuestionException invalid(String detail) {
        return new InvalidQuestionException(Reason.INVALID_FAQ, detail);
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            return null;
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 80 ? s : s.substring(0, 77) + "...";
    }
}
