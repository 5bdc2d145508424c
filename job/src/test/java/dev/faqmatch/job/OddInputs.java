package dev.faqmatch.job;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Generates bad and odd question records, each with what the job must make of it: a match event
 * for its id, or a dead letter with a given reason. The expectations are written here by hand,
 * not derived from the job's parser.
 */
final class OddInputs {
    /** One record; {@code reason} is null when a match event is expected. */
    record Case(String kind, byte[] key, byte[] value, String reason, String id, boolean truncated) {}

    private static final String[] GOOD_TEXTS = {
        "提前还款要手续费吗", "信用卡额度怎么提升", "逾期一天会上征信吗", "怎么修改绑定的手机号", "借款多久到账",
    };
    private static final String[] ODD_TEXTS = {
        "额度怎么提升💳🙏", "提前還款要手續費嗎？", "APP上怎么修改password", "怎么\u0000还款\u0007\u001b",
        "还款\r\n日期\t是哪天", "ｑｑ钱包能还款吗", "🤔🤔🤔 借钱", "loan repayment 怎么操作",
        "\u200b\u200b退款\u200b", "Ａ P P 打不开",
    };

    private final Random random;
    private final int maxTextBytes;
    private final List<Case> cases = new ArrayList<>();
    private int serial;

    OddInputs(long seed, int maxTextBytes) {
        this.random = new Random(seed);
        this.maxTextBytes = maxTextBytes;
    }

    List<Case> generate(int rounds) {
        for (int r = 0; r < rounds; r++) {
            notJson();
            truncatedJson();
            wrongShape();
            badIds();
            badTexts();
            invalidUtf8();
            emptyRecords();
            badOptionalFields();
            oddButValid();
            duplicateIds();
        }
        hugeTexts();
        return cases;
    }

    private String nextId() {
        return "fz-" + serial++;
    }

    private void expectMatch(String kind, byte[] key, String id, String text, boolean truncated) {
        cases.add(new Case(kind, key, json(id, text), null, id, truncated));
    }

    private void expectDeadLetter(String kind, byte[] key, byte[] value, String reason) {
        cases.add(new Case(kind, key, value, reason, null, false));
    }

    private void notJson() {
        String[] junk = {"hello", "提前还款", "<xml/>", "id=1&text=2", "{id: 'a', text: 'b'}", "{'id':'a'}", "NaN",
"{\"id\":\"a\",\"text\":\"b\"} trailing", "{\"id\":\"a\",\"id\":\"b\",\"text\":\"c\"}"};
        for (String s : junk) {
            expectDeadLetter("not-json", key(), utf8(s), "invalid_json");
        }
    }

    private void truncatedJson() {
        for (int i = 0; i < 10; i++) {
            String full = new String(json(nextId(), GOOD_TEXTS[i % GOOD_TEXTS.length]), StandardCharsets.UTF_8);
            String cut = full.substring(0, 1 + random.nextInt(full.length() - 1));
            expectDeadLetter("truncated-json", key(), utf8(cut), "invalid_json");
        }
    }

    private void wrongShape() {
        for (String s : new String[] {"[]", "[{\"id\":\"a\",\"text\":\"b\"}]", "42", "\"text\"", "true", "null", "3.14"}) {
            expectDeadLetter("wrong-shape", key(), utf8(s), "not_an_object");
        }
    }

    private void badIds() {
        expectDeadLetter("missing-id", key(), utf8("{\"text\":\"怎么还款\"}"), "missing_id");
        expectDeadLetter("null-id", key(), utf8("{\"id\":null,\"text\":\"怎么还款\"}"), "missing_id");
        for (String id : new String[] {"\"\"", "\"   \"", "\"\\t\\n\"", "7", "true", "{\"v\":1}", "[\"a\"]",
            "\"" + "x".repeat(300) + "\""}) {
            expectDeadLetter("bad-id", key(), utf8("{\"id\":" + id + ",\"text\":\"怎么还款\"}"), "invalid_id");
        }
    }

    private void badTexts() {
        expectDeadLetter("missing-text", key(), utf8("{\"id\":\"" + nextId() + "\"}"), "missing_text");
        expectDeadLetter("null-text", key(), utf8("{\"id\":\"" + nextId() + "\",\"text\":null}"), "missing_text");
        for (String text : new String[] {"\"\"", "\"   \"", "\"\\u3000\\t\"", "12", "false", "[\"还款\"]", "{\"t\":1}"}) {
            expectDeadLetter("bad-text", key(), utf8("{\"id\":\"" + nextId() + "\",\"text\":" + text + "}"), "invalid_text");
        }
        String tooLong = "贷".repeat(maxTextBytes / 3 + 1);
        expectDeadLetter("text-too-long", key(), json(nextId(), tooLong), "text_too_long");
    }

    private void invalidUtf8() {
        byte[][] broken = {
            {(byte) 0xFF, (byte) 0xFE},
            {'{', '"', 'i', 'd', '"', ':', '"', (byte) 0xC3, '"', '}'},
            {(byte) 0xE6, (byte) 0x8F},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a lone surrogate encoded in UTF-8
            {(byte) 0xC0, (byte) 0xAF}, // overlong encoding of '/'
        };
        for (byte[] b : broken) {
            expectDeadLetter("invalid-utf8", key(), b, "invalid_utf8");
        }
        // a valid question whose key is not UTF-8: the key is not the job's business
        String id = nextId();
        expectMatch("binary-key", new byte[] {(byte) 0xFF, 0x00, 0x01}, id, GOOD_TEXTS[0], false);
    }

    private void emptyRecords() {
        expectDeadLetter("null-value", key(), null, "empty_record");
        expectDeadLetter("null-key-null-value", null, null, "empty_record");
        expectDeadLetter("empty-value", key(), new byte[0], "empty_record");
    }

    private void badOptionalFields() {
        expectDeadLetter("bad-top-k", key(), utf8("{\"id\":\"" + nextId() + "\",\"text\":\"还款\",\"top_k\":0}"), "invalid_field");
        expectDeadLetter("bad-top-k", key(), utf8("{\"id\":\"" + nextId() + "\",\"text\":\"还款\",\"top_k\":\"3\"}"), "invalid_field");
        expectDeadLetter("bad-ts", key(), utf8("{\"id\":\"" + nextId() + "\",\"text\":\"还款\",\"ts\":\"yesterday\"}"), "invalid_field");
        expectDeadLetter("bad-tenant", key(), utf8("{\"id\":\"" + nextId() + "\",\"text\":\"还款\",\"tenant\":5}"), "invalid_field");
    }

    private void oddButValid() {
        for (String text : ODD_TEXTS) {
            String id = nextId();
            expectMatch("odd-text", random.nextBoolean() ? key() : null, id, text, false);
        }
        String id = nextId();
        cases.add(new Case("extra-fields", key(), utf8("{\"id\":\"" + id + "\",\"text\":\"还款\",\"channel\":\"app\",\"ts\":1,"
                + "\"tenant\":\"b\",\"top_k\":5,\"meta\":{\"a\":[1,2]}}"), null, id, false));
        String bomId = nextId();
        cases.add(new Case("byte-order-mark", key(), utf8("\uFEFF{\"id\":\"" + bomId + "\",\"text\":\"还款\"}"), null, bomId,
                false));
        String longId = nextId();
        String longText = "我想咨询一下提前还款的违约金怎么计算。".repeat(300); // far over 512 tokens, under the byte limit
        expectMatch("long-text", key(), longId, longText, true);
    }

    private void duplicateIds() {
        String id = nextId();
        expectMatch("duplicate-id", key(), id, GOOD_TEXTS[1], false);
        expectMatch("duplicate-id", key(), id, GOOD_TEXTS[2], false);
    }

    private void hugeTexts() {
        // megabytes: far over the limit, so dead letters whose payload the job cuts
        for (int mb = 1; mb <= 3; mb++) {
            expectDeadLetter("huge-text", key(), json(nextId(), "贷".repeat(mb * 350_000)), "text_too_long");
        }
        expectDeadLetter("huge-not-json", key(), new byte[2_000_000], "invalid_json");
    }

    private byte[] key() {
        return utf8("k-" + serial + "-" + random.nextInt(1000));
    }

    private static byte[] json(String id, String text) {
        return utf8("{\"id\":" + quote(id) + ",\"text\":" + quote(text) + "}");
    }

    /** JSON string literal, written out here so that the expectations do not rest on Jackson. */
    private static String quote(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
