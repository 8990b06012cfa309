package org.prune4j;

/**
 * An error caused by what the user gave us: a bad file, a bad option value, an impossible request.
 *
 * <p>The command line prints {@link #getMessage()} on one line, without a stack trace, and exits with
 * code 2. Messages name the offending file or option and the problem, e.g.
 * {@code "model.bin: truncated: header says 5 layers but the file ends after 3"}. Control characters in
 * a message (they come from hostile files: tensor names, JSON snippets) are replaced by {@code ?}, so a
 * message is always one printable line.
 */
public class UserError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UserError(String message) {
        super(printable(message));
    }

    public UserError(String message, Throwable cause) {
        super(printable(message), cause);
    }

    private static String printable(String message) {
        if (message == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(message.length());
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            out.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? '?' : c);
        }
        return out.toString();
    }
}
