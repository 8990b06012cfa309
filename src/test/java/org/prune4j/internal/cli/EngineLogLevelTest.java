package org.prune4j.internal.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EngineLogLevelTest {
    @Test
    void theUsersTorchCppLogLevelWinsAndErrorIsTheDefault() {
        assertEquals(2, EngineLogLevel.level(null));
        assertEquals(0, EngineLogLevel.level("INFO"));
        assertEquals(1, EngineLogLevel.level("warning"));
        assertEquals(1, EngineLogLevel.level("1"));
        assertEquals(3, EngineLogLevel.level(" FATAL "));
        assertEquals(2, EngineLogLevel.level("loud"), "as libtorch: an unparsable value leaves the default here");
    }
}
