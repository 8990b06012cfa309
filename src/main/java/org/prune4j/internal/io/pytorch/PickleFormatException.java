package org.prune4j.internal.io.pytorch;

/**
 * A pickle that the {@link PickleMachine} cannot read. The message is short, names the problem in pickle
 * terms and never quotes raw bytes of the file; the checkpoint reader turns it into a {@code UserError}
 * naming the file.
 */
final class PickleFormatException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final boolean truncated;

    PickleFormatException(String message) {
        this(message, false);
    }

    private PickleFormatException(String message, boolean truncated) {
        super(message, null, false, false);
        this.truncated = truncated;
    }

    /** The pickle ends before its {@code STOP} opcode or inside an operand. */
    static PickleFormatException truncated() {
        return new PickleFormatException("the pickle ends early", true);
    }

    /** Whether the pickle simply ends too early. */
    boolean isTruncated() {
        return truncated;
    }
}
