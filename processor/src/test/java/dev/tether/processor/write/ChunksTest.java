package dev.tether.processor.write;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ChunksTest {

    @Test
    void keepsEveryRowInOrderAndEachChunkWithinTheBudget() {
        List<Integer> sizes = IntStream.rangeClosed(1, 100).boxed().toList();

        List<List<Integer>> chunks = Chunks.bySize(sizes, Integer::intValue, 250);

        assertThat(chunks.stream().flatMap(List::stream).toList()).isEqualTo(sizes);
        assertThat(chunks).allSatisfy(c -> assertThat(c.stream().mapToInt(Integer::intValue).sum())
                .satisfiesAnyOf(sum -> assertThat(sum).isLessThanOrEqualTo(250), sum -> assertThat(c).hasSize(1)));
        assertThat(chunks.size()).isGreaterThan(1);
    }

    @Test
    void rowsThatFitMakeOneChunk() {
        assertThat(Chunks.bySize(List.of(1, 2, 3), Integer::intValue, 6)).containsExactly(List.of(1, 2, 3));
    }

    @Test
    void aRowLargerThanTheBudgetStandsAlone() {
        assertThat(Chunks.bySize(List.of(1, 500, 1), Integer::intValue, 10))
                .containsExactly(List.of(1), List.of(500), List.of(1));
    }

    @Test
    void noRowsNoChunks() {
        assertThat(Chunks.bySize(List.<Integer>of(), Integer::intValue, 10)).isEmpty();
    }
}
