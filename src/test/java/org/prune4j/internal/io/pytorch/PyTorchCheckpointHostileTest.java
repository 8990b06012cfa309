package org.prune4j.internal.io.pytorch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.prune4j.UserError;

/** Regression tests for the hostile checkpoints that mutation fuzzing found (issue 14). */
class PyTorchCheckpointHostileTest {
    @TempDir
    Path dir;

    @Test
    void declaredLengthsAreBoundedByTheBytesLeft() throws IOException {
        for (int op : new int[] {'B', 'X', 'T', 0x8b}) { // BINBYTES, BINUNICODE, BINSTRING, LONG4
            byte[] p = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).put((byte) 0x80).put((byte) 2)
                    .put((byte) op).putInt(0x7fff_fff0).put((byte) '.').array();
            UserError e = assertFails(TorchFiles.zip("m", p, Map.of()));
            assertTrue(e.getMessage().contains("declares 2147483632 bytes but only 1 are left"), e.getMessage());
        }
        byte[] p8 = ByteBuffer.allocate(13).order(ByteOrder.LITTLE_ENDIAN).put((byte) 0x80).put((byte) 4)
                .put((byte) 0x8e).putLong(Long.MIN_VALUE + 5).put((byte) '.').array(); // BINBYTES8, negative as long
        assertTrue(assertFails(TorchFiles.zip("m", p8, Map.of())).getMessage().contains("negative length"));
    }

    @Test
    void aBillionLaughsDagIsWalkedOncePerObject() {
        // L0 = []; L(i) = [L(i-1), L(i-1)] through the memo: 2^60 paths, 61 objects
        PickleWriter p = new PickleWriter().proto(2).emptyDict().str("x").emptyList().op('q').op((char) 0).op('0');
        for (int i = 1; i <= 60; i++) {
            p.emptyList().mark().op('h').op((char) (i - 1)).op('h').op((char) (i - 1)).appends().op('q').op((char) i);
            if (i < 60) {
                p.op('0');
            }
        }
        p.op('s').stop();
        byte[] file = TorchFiles.zip("m", p.bytes(), Map.of());
        UserError e = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> assertFails(file));
        assertTrue(e.getMessage().contains("holds no state dict"), e.getMessage());
    }

    @Test
    void deepNestingAndSelfContainingListsAreErrorsNotStackOverflows() {
        PickleWriter deep = new PickleWriter().proto(2).emptyDict().str("x").emptyTuple();
        for (int i = 0; i < 300_000; i++) {
            deep.tuple1();
        }
        deep.op('s').stop();
        UserError e = assertFails(TorchFiles.zip("m", deep.bytes(), Map.of()));
        assertTrue(e.getMessage().contains("nested deeper than 1000 levels"), e.getMessage());

        PickleWriter self = new PickleWriter().proto(2).emptyDict().str("x").emptyList().op('q').op((char) 0)
                .op('h').op((char) 0).op('a').op('s').stop();
        UserError e2 = assertFails(TorchFiles.zip("m", self.bytes(), Map.of()));
        assertTrue(e2.getMessage().contains("a container contains itself"), e2.getMessage());
        // and the legacy reader's storage scan walks the same graph
        UserError e3 = assertFails(TorchFiles.legacy(self.bytes(), Map.of()));
        assertTrue(e3.getMessage().contains("a container contains itself"), e3.getMessage());
    }

    @Test
    void inflationStopsAtWhatTheTensorsNeed() {
        PickleWriter p = new PickleWriter().proto(2).global("collections", "OrderedDict").emptyTuple().reduce().mark()
                .str("w").tensorV2("FloatStorage", "0", 4, 0, new long[] {4}, new long[] {1}).setitems().stop();
        byte[] bomb = TorchFiles.zip("m", p.bytes(), Map.of("0", new byte[8 << 20])); // 8 MiB of zeros deflate to ~8 KB
        assertTrue(bomb.length < 64 << 10);
        UserError e = assertFails(bomb);
        assertTrue(e.getMessage().contains("is longer than the 16 bytes it may hold"), e.getMessage());
    }

    @Test
    void legacyStorageCountsThatWrapAreTruncationErrors() {
        PickleWriter p = new PickleWriter().proto(2).global("collections", "OrderedDict").emptyTuple().reduce().mark()
                .str("w").tensorV2("FloatStorage", "0", 4, 0, new long[] {4}, new long[] {1}).setitems().stop();
        // 2^62 + 1 floats: the byte count wraps to 4 in 64-bit arithmetic
        byte[] file = TorchFiles.legacy(p.bytes(), Map.of("0", TorchFiles.legacyStorage((1L << 62) + 1, new byte[16])));
        UserError e = assertFails(file);
        assertTrue(e.getMessage().contains("is truncated: storage 0 declares 4611686018427387905 elements"), e.getMessage());
    }

    @Test
    void overlappingViewsAndOverflowingStridesAreRefusedBeforeAllocating() {
        PickleWriter expand = new PickleWriter().proto(2).global("collections", "OrderedDict").emptyTuple().reduce()
                .mark().str("w").tensorV2("FloatStorage", "0", 1, 0, new long[] {1 << 15, 1 << 14}, new long[] {0, 0})
                .setitems().stop();
        UserError e = assertFails(TorchFiles.zip("m", expand.bytes(), Map.of("0", new byte[4])));
        assertTrue(e.getMessage().contains("overlapping or expanded views are not supported yet"), e.getMessage());

        // (2^40 - 1) * 2^30 + 1 * 2^33 overflows nothing, but 2^40 * 2^40 elements does
        PickleWriter wrap = new PickleWriter().proto(2).global("collections", "OrderedDict").emptyTuple().reduce()
                .mark().str("w").tensorV2("FloatStorage", "0", 4, 0, new long[] {1L << 40, 1L << 40},
                        new long[] {1L << 30, 1L << 33}).setitems().stop();
        UserError e2 = assertFails(TorchFiles.zip("m", wrap.bytes(), Map.of("0", new byte[16])));
        assertTrue(e2.getMessage().contains("reaches beyond 2^63 elements"), e2.getMessage());
    }

    @Test
    void messagesQuoteNeitherJavaInternalsNorControlCharacters() {
        // APPEND on a dict
        byte[] p = new PickleWriter().proto(2).emptyDict().integer(1).op('a').stop().bytes();
        UserError e = assertFails(TorchFiles.zip("m", p, Map.of()));
        assertEquals(e.getMessage().replace("checkpoint " + lastFile + " ", ""),
                "is not a PyTorch state dict we can read: APPEND on a dict instead of a list");
        // a global whose name carries an escape sequence
        byte[] g = new PickleWriter().proto(2).global("os\u001b[2J", "system").stop().bytes();
        UserError e2 = assertFails(TorchFiles.zip("m", g, Map.of()));
        assertFalse(e2.getMessage().chars().anyMatch(Character::isISOControl), e2.getMessage());
        // a pop from an empty stack, a memo entry never stored, an unknown opcode
        for (byte[] bad : new byte[][] {{(byte) 0x80, 2, '0', '.'}, {(byte) 0x80, 2, 'h', 7, '.'}, {(byte) 0x80, 2, (byte) 0xff}}) {
            String msg = assertFails(TorchFiles.zip("m", bad, Map.of())).getMessage();
            assertFalse(msg.matches(".*(java\\.|Exception|cannot be cast|Index).*"), msg);
        }
    }

    private Path lastFile;

    private UserError assertFails(byte[] content) throws RuntimeException {
        try {
            lastFile = Files.createTempFile(dir, "ckpt", ".pt");
            Files.write(lastFile, content);
        } catch (IOException ex) {
            throw new RuntimeException(ex);
        }
        Path f = lastFile;
        return assertThrows(UserError.class, () -> PyTorchCheckpoint.readStateDict(f));
    }
}
