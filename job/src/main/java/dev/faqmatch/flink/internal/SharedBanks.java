package dev.faqmatch.flink.internal;

import dev.faqmatch.faq.FaqBankReader;
import dev.faqmatch.faq.FaqEntry;
import dev.faqmatch.faq.FaqUpdate;
import dev.faqmatch.faq.LiveBanks;
import dev.faqmatch.inference.Device;
import dev.faqmatch.inference.DeviceChoice;
import dev.faqmatch.inference.Embedder;
import dev.faqmatch.inference.ModelSource;
import dev.faqmatch.flink.MatcherOptions;
import dev.faqmatch.inference.RefCountedCache;
import java.util.ArrayList;
import java.util.List;

/**
 * The live FAQ banks one TaskManager's slots share, per job and model: the {@code faq-banks}
 * operator of each slot applies FAQ records to them, the embed-and-match operator of each slot
 * reads them. They embed with a session of their own (one intra-op thread on the CPU; the shared
 * session on a GPU), so that embedding an update never holds up a slot's questions.
 */
public final class SharedBanks {
    /** Shared within one run of one job: a restarted job (new attempt, same id) re-seeds from its state. */
    public record Key(String jobId, String model, String bank) {}

    private static final RefCountedCache<Key, LiveBanks> BANKS = new RefCountedCache<>();
    private static final int EMBED_BATCH = 32;
    /** Not a subtask index: the updater's CPU session is its own. */
    private static final int UPDATER_SLOT = -1;

    private SharedBanks() {}

    /**
     * Updates are embedded on the CPU unless a GPU is named: with {@code auto} the GPU belongs to
     * the slots' question path, and an update is not urgent to the millisecond.
     */
    static Device updaterDevice(DeviceChoice choice) {
        return choice.mode() == DeviceChoice.Mode.FIXED ? choice.device() : Device.CPU;
    }

    /**
     * The banks of job {@code jobId} on this TaskManager, for the model and bank file
     * {@code options} name; the first caller builds them, with the {@code faq.bank} file as tenant
     * {@code default}, whose embedding goes on in the background (questions wait for it).
     */
    public static RefCountedCache<Key, LiveBanks>.Lease acquire(String jobId, MatcherOptions options) {
        ModelSource model = options.model();
        String bankFile = options.faqBank();
        return BANKS.acquire(new Key(jobId, model.id(), bankFile), () -> {
            List<FaqUpdate> seed = new ArrayList<>();
            for (FaqEntry e : FaqBankReader.read(bankFile)) {
                seed.add(FaqUpdate.seed(LiveBanks.DEFAULT_TENANT, e));
            }
            RefCountedCache<SharedModels.EmbedderKey, Embedder>.Lease embedder =
                    SharedModels.embedder(model, updaterDevice(options.device()), UPDATER_SLOT, 1);
            LiveBanks banks = new LiveBanks("faq-bank-updater", embedder.get()::embedTexts,
                    embedder.get().spec().dim(), EMBED_BATCH, () -> {
                        try {
                            embedder.close();
                        } catch (Exception e) {
                            throw new IllegalStateException("cannot close the FAQ updater's model session", e);
                        }
                    }, options.graphSearch());
            banks.applyAll(seed);
            return banks;
        });
    }
}
