package dev.faqmatch.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DeviceTest {

    @Test
    void parsesCpu() {
        assertThat(Device.parse("cpu")).isEqualTo(Device.CPU);
        assertThat(Device.parse(" CPU ")).isEqualTo(Device.CPU);
        assertThat(Device.CPU.gpu()).isFalse();
        assertThat(Device.CPU).hasToString("cpu");
    }

    @Test
    void parsesGpuAndCuda() {
        Device gpu1 = Device.parse("gpu:1");
        assertThat(gpu1.gpu()).isTrue();
        assertThat(gpu1.gpuId()).isEqualTo(1);
        assertThat(gpu1).hasToString("gpu:1");

        Device cuda2 = Device.parse("cuda:2");
        assertThat(cuda2).isEqualTo(Device.gpu(2));
        assertThat(cuda2).hasToString("gpu:2");

        assertThat(Device.parse("GPU:0")).isEqualTo(new Device(true, 0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"tpu", "gpu", "gpu:", "gpu:x", "cuda:1.5", "", ":1", "cpu:0"})
    void rejectsBadValues(String value) {
        assertThatThrownBy(() -> Device.parse(value))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'" + value + "'")
                .hasMessageContaining("gpu:N");
    }

    @Test
    void rejectsNegativeGpuId() {
        assertThatThrownBy(() -> Device.parse("gpu:-1")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Device.gpu(-3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("-3");
    }
}
