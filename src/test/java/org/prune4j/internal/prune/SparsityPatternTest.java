package org.prune4j.internal.prune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.prune4j.UserError;

class SparsityPatternTest {
    @Test
    void parsesFractionsAndNOfM() {
        assertEquals(new SparsityPattern.Unstructured(0.5), SparsityPattern.parse("0.5"));
        assertEquals(new SparsityPattern.Unstructured(0.0), SparsityPattern.parse(" 0 "));
        assertEquals(new SparsityPattern.NOfM(2, 4), SparsityPattern.parse("2:4"));
        assertEquals(new SparsityPattern.NOfM(4, 8), SparsityPattern.parse("4:8"));
        assertEquals(0.5, SparsityPattern.parse("2:4").sparsity());
        assertEquals("2:4", SparsityPattern.parse("2:4").toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "1.3|--sparsity 1.3: must be in [0, 1)",
        "1|--sparsity 1: must be in [0, 1)",
        "-0.1|--sparsity -0.1: must be in [0, 1)",
        "NaN|--sparsity NaN: must be in [0, 1)",
        "half|--sparsity half: expected a fraction like 0.5 or N:M like 2:4",
        "4:4|--sparsity 4:4: N must be smaller than M",
        "5:4|--sparsity 5:4: N must be smaller than M",
        "0:4|--sparsity 0:4: N and M must be positive",
        "2:-4|--sparsity 2:-4: N and M must be positive",
        "2:x|--sparsity 2:x: expected N:M with integers, like 2:4",
    })
    void badValuesAreOneLineUserErrors(String text, String message) {
        UserError e = assertThrows(UserError.class, () -> SparsityPattern.parse(text));
        assertEquals(message, e.getMessage());
    }

    @Test
    void constructorsValidateToo() {
        assertThrows(UserError.class, () -> new SparsityPattern.Unstructured(1.3));
        assertThrows(UserError.class, () -> new SparsityPattern.NOfM(3, 2));
        assertThrows(UserError.class, () -> SparsityPattern.parse(""));
        assertEquals("--sp 0.9x: expected a fraction like 0.5 or N:M like 2:4",
                assertThrows(UserError.class, () -> SparsityPattern.parse("--sp", "0.9x")).getMessage());
    }
}
