package dev.faqmatch.flink;

import dev.faqmatch.event.DeadLetter;
import org.apache.flink.util.OutputTag;

/** The side outputs of the job's operators. */
public final class SideOutputs {
    /** Records that are not valid questions or FAQ records, with the reason; to the dead-letter topic. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {};

    private SideOutputs() {}
}
