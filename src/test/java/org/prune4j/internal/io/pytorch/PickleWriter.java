package org.prune4j.internal.io.pytorch;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Emits pickle opcodes by hand, to build checkpoints in the exact layout {@code torch.save} writes. */
final class PickleWriter {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    PickleWriter proto(int p) {
        out.write(0x80);
        out.write(p);
        return this;
    }

    PickleWriter global(String module, String name) {
        out.write('c');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
        return this;
    }

    /** Protocol-4 STACK_GLOBAL with the module and name pushed as strings. */
    PickleWriter stackGlobal(String module, String name) {
        str(module);
        str(name);
        out.write(0x93);
        return this;
    }

    PickleWriter inst(String module, String name) {
        out.write('i');
        out.writeBytes((module + "\n" + name + "\n").getBytes(StandardCharsets.UTF_8));
        return this;
    }

    PickleWriter str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.write('X');
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        out.writeBytes(b);
        return this;
    }

    PickleWriter integer(long v) {
        if (v >= 0 && v < 256) {
            out.write('K');
            out.write((int) v);
        } else if (v != (int) v) { // LONG1 with 8 bytes of two's complement
            out.write(0x8a);
            out.write(8);
            out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array());
        } else {
            out.write('J');
            out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt((int) v).array());
        }
        return this;
    }

    PickleWriter binfloat(double v) {
        out.write('G');
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putDouble(v).array());
        return this;
    }

    PickleWriter longValue(byte[] littleEndianTwosComplement) {
        out.write(0x8a);
        out.write(littleEndianTwosComplement.length);
        out.writeBytes(littleEndianTwosComplement);
        return this;
    }

    PickleWriter op(char c) {
        out.write(c);
        return this;
    }

    PickleWriter mark() {
        return op('(');
    }

    PickleWriter tuple() {
        return op('t');
    }

    PickleWriter emptyTuple() {
        return op(')');
    }

    PickleWriter reduce() {
        return op('R');
    }

    PickleWriter setitems() {
        return op('u');
    }

    PickleWriter binpersid() {
        return op('Q');
    }

    PickleWriter falseValue() {
        out.write(0x89);
        return this;
    }

    PickleWriter none() {
        return op('N');
    }

    PickleWriter emptyDict() {
        return op('}');
    }

    PickleWriter emptyList() {
        return op(']');
    }

    PickleWriter appends() {
        return op('e');
    }

    PickleWriter build() {
        return op('b');
    }

    PickleWriter tuple1() {
        out.write(0x85);
        return this;
    }

    PickleWriter stop() {
        return op('.');
    }

    PickleWriter longTuple(long... values) {
        mark();
        for (long v : values) {
            integer(v);
        }
        return tuple();
    }

    /**
     * {@code torch._utils._rebuild_tensor_v2(storage, offset, size, stride, False, OrderedDict())} with the
     * zip format's persistent id {@code ('storage', torch.<type>, key, location, numel)}.
     */
    PickleWriter tensorV2(String storageType, String key, long numel, long offset, long[] size, long[] stride) {
        global("torch._utils", "_rebuild_tensor_v2");
        mark();
        mark().str("storage").global("torch", storageType).str(key).str("cuda:0").integer(numel).tuple();
        binpersid();
        integer(offset);
        longTuple(size);
        longTuple(stride);
        falseValue();
        global("collections", "OrderedDict").emptyTuple().reduce();
        tuple();
        return reduce();
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
