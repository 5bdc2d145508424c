package dev.faqmatch.inference;

import java.io.Serializable;
import java.util.List;
import java.util.Locale;

/**
 * The setting {@code inference.device}, parsed once: where a slot's session should run, given the
 * GPUs that Flink's external-resource framework assigned to the slot.
 *
 * @param mode how the slot's device is chosen
 * @param device the device of {@link Mode#FIXED}; unused otherwise
 */
public record DeviceChoice(Mode mode, Device device) implements Serializable {
    public enum Mode {
        /** The slot's GPU when it has one, else the CPU. */
        AUTO,
        /** The slot's GPU, GPU 0 when the slot has none. */
        SLOT_GPU,
        /** Always {@link #device()}. */
        FIXED
    }

    public static final DeviceChoice AUTO = new DeviceChoice(Mode.AUTO, Device.CPU);
    public static final DeviceChoice SLOT_GPU = new DeviceChoice(Mode.SLOT_GPU, Device.gpu(0));

    /** Parses {@code auto}, {@code gpu}, {@code cpu} or {@code gpu:N}; throws {@link IllegalArgumentException} otherwise. */
    public static DeviceChoice parse(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "auto" -> AUTO;
            case "gpu" -> SLOT_GPU;
            default -> new DeviceChoice(Mode.FIXED, Device.parse(v));
        };
    }

    /**
     * The device of subtask {@code subtask}, whose slot was given the CUDA devices {@code slotGpus}
     * (empty without external resources); slots share the GPUs round-robin.
     */
    public Device resolve(List<Integer> slotGpus, int subtask) {
        if (mode == Mode.FIXED) {
            return device;
        }
        if (!slotGpus.isEmpty()) {
            return Device.gpu(slotGpus.stream().sorted().toList().get(subtask % slotGpus.size()));
        }
        return mode == Mode.SLOT_GPU ? Device.gpu(0) : Device.CPU;
    }

    @Override
    public String toString() {
        return switch (mode) {
            case AUTO -> "auto";
            case SLOT_GPU -> "gpu";
            case FIXED -> device.toString();
        };
    }
}
