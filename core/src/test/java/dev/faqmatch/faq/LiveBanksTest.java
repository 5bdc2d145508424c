package dev.faqmatch.faq;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The live banks' logic, with a deterministic stand-in for the model that records what it embedded. */
class LiveBanksTest {
    private static final int DIM = 16;
    private final List<String> embedded = new CopyOnWriteArrayList<>();
    private final LiveBanks banks = new LiveBanks("test-updater", this::embed, DIM, 4, () -> {});

    @AfterEach
    void close() {
        banks.close();
    }

    /** A unit vector per text, the same for the same text. */
    private float[][] embed(List<String> texts) {
        float[][] out = new float[texts.size()][];
        for (int i = 0; i < texts.size(); i++) {
            embedded.add(texts.get(i));
            Random r = new Random(java.util.Arrays.hashCode(texts.get(i).getBytes(StandardCharsets.UTF_8)));
            out[i] = new float[DIM];
            for (int d = 0; d < DIM; d++) {
                out[i][d] = (float) r.nextGaussian();
            }
        }
        return out;
    }

    private static FaqUpdate upsert(String tenant, String id, String question, String answer, long offset) {
        return upsert(tenant, new FaqEntry(id, question, answer, List.of()), offset);
    }

    private static FaqUpdate upsert(String tenant, FaqEntry entry, long offset) {
        return new FaqUpdate(tenant, entry.id(), entry, 0, offset, System.currentTimeMillis());
    }

    private static FaqUpdate delete(String tenant, String id, long offset) {
        return new FaqUpdate(tenant, id, null, 0, offset, System.currentTimeMillis());
    }

    private BankSnapshot current(String tenant) throws Exception {
        banks.current().get(10, TimeUnit.SECONDS);
        return banks.bank(tenant).snapshot();
    }

    @Test
    void upsertsAndDeletesMakeNewSnapshotsWithTheirVersion() throws Exception {
        banks.apply(upsert("cards", "c-1", "怎么提额", "a1", 0));
        banks.apply(upsert("cards", "c-2", "年费", "a2", 1));
        BankSnapshot first = current("cards");
        assertThat(first.index().size()).isEqualTo(2);
        assertThat(first.version()).isEqualTo("0:1");

        banks.apply(upsert("cards", "c-1", "怎么提额", "a1 v2", 2));
        banks.apply(delete("cards", "c-2", 3));
        BankSnapshot second = current("cards");
        assertThat(second.version()).isEqualTo("0:3");
        assertThat(second.index().entries()).extracting(FaqEntry::answer).containsExactly("a1 v2");
        assertThat(first.index().size()).as("a snapshot never changes").isEqualTo(2);
    }

    @Test
    void aLargeBankTakesEditsWithoutRebuildingItsGraphUntilTheyPileUpThenRebuildsItBesideTheLiveVersion()
            throws Exception {
        try (LiveBanks large = new LiveBanks("graph-updater", this::embed, DIM, 64, () -> {}, GraphSearch.fromRows(100))) {
            List<FaqUpdate> seed = new ArrayList<>();
            for (int e = 0; e < 300; e++) {
                seed.add(upsert("cards", "c-" + e, "question " + e, "a", e));
            }
            large.applyAll(seed);
            large.current().get(30, TimeUnit.SECONDS);
            FaqIndex built = large.bank("cards").snapshot().index();
            assertThat(built.approximate()).isTrue();

            embedded.clear();
            large.apply(upsert("cards", "c-7", "question 7, new", "a", 300));
            large.current().get(10, TimeUnit.SECONDS);
            FaqIndex edited = large.bank("cards").snapshot().index();
            assertThat(embedded).containsExactly("question 7, new");
            assertThat(edited.rowsOutsideGraph()).isEqualTo(1);
            assertThat(edited.hiddenGraphRows()).isEqualTo(1);
            assertThat(edited.search(embed(List.of("question 7, new"))[0], 1).matches().get(0).matchedText())
                    .isEqualTo("question 7, new");

            // 40 more edits hide 41 of the graph's 300 rows (over a tenth): the graph is rebuilt.
            for (int e = 100; e < 140; e++) {
                large.apply(upsert("cards", "c-" + e, "question " + e + ", new", "a", 301 + e));
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            FaqIndex now = large.bank("cards").snapshot().index();
            while ((now.hiddenGraphRows() > 0 || now.rowsOutsideGraph() > 0) && System.nanoTime() < deadline) {
                Thread.sleep(20);
                now = large.bank("cards").snapshot().index();
            }
            assertThat(now.hiddenGraphRows()).as("a graph of the rows held now").isZero();
            assertThat(now.rowsOutsideGraph()).isZero();
            assertThat(now.size()).isEqualTo(300);
            assertThat(large.bank("cards").snapshot().version()).isEqualTo("0:440");
            assertThat(now.search(embed(List.of("question 120, new"))[0], 1).matches().get(0).matchedText())
                    .isEqualTo("question 120, new");
            assertThat(now.search(embed(List.of("question 7, new"))[0], 1).matches().get(0).matchedText())
                    .isEqualTo("question 7, new");
        }
    }

    @Test
    void onlyNewOrChangedQuestionsAreEmbedded() throws Exception {
        banks.apply(upsert("cards", "c-1", "怎么提额", "a1", 0));
        banks.apply(upsert("cards", "c-2", "年费", "a2", 1));
        current("cards");
        embedded.clear();
        banks.apply(upsert("cards", "c-1", "怎么提额", "new answer, same question", 2));
        banks.apply(upsert("cards", "c-2", "年费怎么收", "a2", 3));
        BankSnapshot s = current("cards");
        assertThat(embedded).containsExactly("年费怎么收");
        float[] q = embed(List.of("怎么提额"))[0];
        assertThat(s.index().topK(q, 1).get(0).entry().answer()).isEqualTo("new answer, same question");
        assertThat(s.index().topK(q, 1).get(0).score()).isGreaterThan(0.999f);
    }

    @Test
    void applyingIsIdempotentAndOlderRecordsDoNotWin() throws Exception {
        FaqUpdate v1 = upsert("cards", "c-1", "怎么提额", "a1", 5);
        assertThat(banks.apply(v1)).isTrue();
        assertThat(banks.apply(v1)).as("a second slot handing over the same record").isFalse();
        assertThat(banks.apply(upsert("cards", "c-1", "怎么提额", "older", 4))).isFalse();
        assertThat(banks.apply(delete("cards", "c-1", 6))).isTrue();
        assertThat(banks.apply(v1)).as("a replayed upsert does not bring a deleted entry back").isFalse();
        assertThat(current("cards").index().size()).isZero();
        assertThat(current("cards").index().topK(new float[DIM], 3)).isEmpty();
    }

    @Test
    void theTopicOverridesTheFileSeedAndTenantsAreSeparate() throws Exception {
        banks.applyAll(List.of(FaqUpdate.seed("default", new FaqEntry("f-1", "怎么还款", "seed", List.of()))));
        assertThat(current("default").version()).isEqualTo(BankSnapshot.SEED_VERSION);
        banks.apply(upsert("default", "f-1", "怎么还款", "from the topic", 0));
        assertThat(banks.apply(FaqUpdate.seed("default", new FaqEntry("f-1", "怎么还款", "seed again", List.of()))))
                .as("a restart's file seed does not undo a topic update").isFalse();
        banks.apply(upsert("loans", "l-1", "怎么还款", "loans", 1));
        assertThat(current("default").index().entries()).extracting(FaqEntry::answer).containsExactly("from the topic");
        assertThat(current("loans").index().entries()).extracting(FaqEntry::id).containsExactly("l-1");
        assertThat(banks.tenants()).containsExactlyInAnyOrder("default", "loans");
    }

    @Test
    void questionsAlwaysSeeAWholeSnapshotWhileUpdatesArrive() throws Exception {
        // Every version of the bank holds entries whose answers all name that version: a reader that
        // saw two versions mixed would find two different names in one snapshot.
        int entries = 20;
        List<FaqUpdate> seed = new ArrayList<>();
        for (int i = 0; i < entries; i++) {
            seed.add(upsert("t", "e-" + i, "问题" + i, "v0", i));
        }
        banks.applyAll(seed);
        banks.current().get(10, TimeUnit.SECONDS);
        long offset = entries;
        List<String> mixed = new CopyOnWriteArrayList<>();
        Thread reader = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                BankSnapshot s = banks.bank("t").snapshot();
                long versions = s.index().entries().stream().map(FaqEntry::answer).distinct().count();
                if (versions != 1) {
                    mixed.add(s.version());
                }
            }
        });
        reader.start();
        for (int v = 1; v <= 20; v++) {
            List<FaqUpdate> batch = new ArrayList<>();
            for (int i = 0; i < entries; i++) {
                batch.add(upsert("t", "e-" + i, "问题" + i, "v" + v, offset++));
            }
            banks.applyAll(batch);
            banks.current().get(10, TimeUnit.SECONDS);
        }
        reader.interrupt();
        reader.join();
        assertThat(mixed).isEmpty();
        assertThat(banks.bank("t").snapshot().index().entries().get(0).answer()).isEqualTo("v20");
    }

    @Test
    void currentCompletesOnlyWhenEveryRecordAppliedSoFarIsLive() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (LiveBanks slow = new LiveBanks("slow-updater", texts -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return embed(texts);
        }, DIM, 4, () -> {})) {
            assertThat(slow.current()).as("no bank, nothing to wait for").isDone();
            slow.apply(upsert("t", "e-1", "问题一", "a", 0));
            CompletableFuture<Void> current = slow.current();
            Thread.sleep(50);
            assertThat(current).as("the record is being embedded").isNotDone();
            release.countDown();
            current.get(10, TimeUnit.SECONDS);
            assertThat(slow.bank("t").snapshot().version()).isEqualTo("0:0");
            assertThat(slow.current()).as("nothing new applied").isDone();
        }
    }

    @Test
    void theStartGateHoldsQuestionsUntilEveryGateClosedMeanwhileOpens() {
        assertThat(banks.startGate()).as("open unless a slot closes it").isDone();
        CompletableFuture<Void> first = new CompletableFuture<>();
        CompletableFuture<Void> second = new CompletableFuture<>();
        banks.gate(first);
        banks.gate(second);
        CompletableFuture<Void> gate = banks.startGate();
        first.complete(null);
        assertThat(gate).isNotDone();
        second.complete(null);
        assertThat(gate).isDone();
        CompletableFuture<Void> later = new CompletableFuture<>();
        banks.gate(later);
        assertThat(banks.startGate()).as("a gate after the start replaces the open one").isSameAs(later);
    }
}
