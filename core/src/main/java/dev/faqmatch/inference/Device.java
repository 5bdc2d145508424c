package dev.faqmatch.inference;

import java.io.Serializable;
import java.util.Locale;

/**
 * Where a session runs: the CPU, or one CUDA device.
 *
 * @param gpu whether this is a CUDA device
 * @param gpuId the CUDA device id (0 for the CPU)
 */
public record Device(boolean gpu, int gpuId) implements Serializable {
    public static final Device CPU = new Device(false, 0);

    public Device {
        if (gpuId < 0) {
            throw new IllegalArgumentException("GPU id must be >= 0, got " + gpuId);
        }
    }

    public static Device gpu(int id) {
        return new Device(true, id);
    }

    /** Parses {@code cpu}, {@code gpu:N} or {@code cuda:N}. */
    public static Device parse(String value) {
        String v = value.trim().toLowerCase(Locale.ROOT);
        if (v.equals("cpu")) {
            return CPU;
        }
        int colon = v.indexOf(':');
        String kind = colon < 0 ? v : v.substring(0, colon);
        if ((kind.equals("gpu") || kind.equals("cuda")) && colon > 0) {
            try {
                return gpu(Integer.parseInt(v.substring(colon + 1)));
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("unknown device '" + value + "': expected cpu or gpu:N");
    }

    @Override
    public String toString() {
        return gpu ? "gpu:" + gpuId : "cpu";
    }
}
