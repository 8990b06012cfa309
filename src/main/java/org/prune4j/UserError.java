package org.prune4j;

/**
 * An error caused by what the user gave us: a bad file, a bad option value, an impossible request.
 *
 * <p>The command line prints {@link #getMessage()} on one line, without a stack trace, and exits with
 * code 2. Messages name the offending file or option and the problem, e.g.
 * {@code "model.bin: truncated: header says 5 layers but the file ends after 3"}.
 */
public class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserError(String message) {
        super(message);
    }

    public UserError(String message, Throwable cause) {
        super(message, cause);
    }
}
