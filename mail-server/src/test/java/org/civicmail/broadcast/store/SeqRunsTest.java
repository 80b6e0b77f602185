package org.civicmail.broadcast.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

class SeqRunsTest {
    @Test
    void aBatchOfConsecutiveRecipientsIsOneRun() {
        assertThat(SeqRuns.of(List.of(3, 1, 2, 4))).containsExactly(new SeqRuns.Run(1, 4));
    }

    @Test
    void gapsSplitRunsSoThatNoNumberOutsideTheSetIsCovered() {
        // A run must never cover a recipient that is not in the set (another lane's, or one not stored).
        assertThat(SeqRuns.of(List.of(10, 7, 8, 12, 12, 20)))
            .containsExactly(new SeqRuns.Run(7, 8), new SeqRuns.Run(10, 10), new SeqRuns.Run(12, 12), new SeqRuns.Run(20, 20));
    }

    @Test
    void nothingGivesNoRun() {
        assertThat(SeqRuns.of(Set.of())).isEmpty();
    }
}
