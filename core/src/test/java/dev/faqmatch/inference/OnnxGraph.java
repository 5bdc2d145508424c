package dev.faqmatch.inference;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Small ONNX models written byte by byte for tests, so that no Python is needed: a ModelProto in
 * protobuf wire format (field numbers from onnx.proto), with the few node, tensor and value kinds
 * the tests use.
 */
final class OnnxGraph {
    static final int FLOAT = 1;
    static final int INT8 = 3;
    static final int INT64 = 7;

    private final Proto graph = new Proto();

    OnnxGraph(String name) {
        graph.string(2, name);
    }

    /** A node whose single output is also its name. */
    OnnxGraph node(String op, List<String> inputs, String output, Proto... attributes) {
        return node(op, inputs, List.of(output), attributes);
    }

    OnnxGraph node(String op, List<String> inputs, List<String> outputs, Proto... attributes) {
        Proto node = new Proto();
        for (String in : inputs) {
            node.string(1, in);
        }
        for (String out : outputs) {
            node.string(2, out);
        }
        node.string(3, outputs.get(0)).string(4, op);
        for (Proto attribute : attributes) {
            node.message(5, attribute);
        }
        graph.message(1, node);
        return this;
    }

    OnnxGraph initializer(Proto tensor) {
        graph.message(5, tensor);
        return this;
    }

    /** A graph input; a dimension is a name (dynamic) or an Integer. */
    OnnxGraph input(String name, int elementType, Object... dims) {
        graph.message(11, valueInfo(name, elementType, dims));
        return this;
    }

    OnnxGraph output(String name, int elementType, Object... dims) {
        graph.message(12, valueInfo(name, elementType, dims));
        return this;
    }

    /** The ModelProto: IR version 8 (ONNX 1.10+), opset 14. */
    byte[] model() {
        return new Proto()
                .varint(1, 8)
                .string(2, "faq-matcher test")
                .message(7, graph)
                .message(8, new Proto().string(1, "").varint(2, 14))
                .bytes();
    }

    static Proto intAttribute(String name, long value) {
        return new Proto().string(1, name).varint(3, value).varint(20, 2); // type INT
    }

    static Proto floatTensor(String name, float[][] rows) {
        ByteBuffer raw = ByteBuffer.allocate(rows.length * rows[0].length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] row : rows) {
            for (float x : row) {
                raw.putFloat(x);
            }
        }
        return tensor(name, FLOAT, raw.array(), rows.length, rows[0].length);
    }

    static Proto floatTensor(String name, float[] values) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float x : values) {
            raw.putFloat(x);
        }
        return tensor(name, FLOAT, raw.array(), values.length);
    }

    static Proto int8Tensor(String name, byte[] values, long... dims) {
        return tensor(name, INT8, values, dims);
    }

    static Proto int64Tensor(String name, long value) {
        byte[] raw = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array();
        return tensor(name, INT64, raw, 1);
    }

    private static Proto tensor(String name, int type, byte[] raw, long... dims) {
        Proto p = new Proto();
        for (long d : dims) {
            p.varint(1, d);
        }
        return p.varint(2, type).string(8, name).raw(9, raw);
    }

    private static Proto valueInfo(String name, int elementType, Object... dims) {
        Proto shape = new Proto();
        for (Object dim : dims) {
            shape.message(1, dim instanceof String s ? new Proto().string(2, s) : new Proto().varint(1, (Integer) dim));
        }
        Proto tensorType = new Proto().varint(1, elementType).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }

    /** Protobuf fields in wire format: varints and length-delimited values only. */
    static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            writeVarint((long) field << 3);
            writeVarint(value);
            return this;
        }

        Proto string(int field, String value) {
            return raw(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto message(int field, Proto message) {
            return raw(field, message.bytes());
        }

        Proto raw(int field, byte[] value) {
            writeVarint(((long) field << 3) | 2);
            writeVarint(value.length);
            out.writeBytes(value);
            return this;
        }

        byte[] bytes() {
            return out.toByteArray();
        }

        private void writeVarint(long value) {
            while ((value & ~0x7FL) != 0) {
                out.write((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            out.write((int) value);
        }
    }
}
