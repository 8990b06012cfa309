package org.prune4j.internal.model.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

class TokenPruningPrefillTest {
    @Test
    void theMostImportantTokensAreKeptWithTheLastOneInPositionOrder() {
        int[] current = {0, 2, 3, 5, 8};
        double[] importance = new double[9];
        importance[0] = 5;
        importance[2] = 1;
        importance[3] = 5;
        importance[5] = 7;
        importance[8] = 0;
        // 5 (7) and the earlier of the tied 0 and 3; the last token 8 always
        assertArrayEquals(new int[] {0, 5, 8}, TokenPruningPrefill.mostImportant(current, importance, 3));
        assertArrayEquals(new int[] {8}, TokenPruningPrefill.mostImportant(current, importance, 1));
    }
}
