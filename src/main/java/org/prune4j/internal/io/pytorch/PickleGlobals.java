package org.prune4j.internal.io.pytorch;

/**
 * What a {@link PickleMachine} may do beyond building plain values: the policy for Python globals, calls,
 * {@code BUILD} and persistent ids. Every method either returns a value or throws (a {@link
 * PickleFormatException} or a {@code UserError}); none may run code named by the pickle.
 */
interface PickleGlobals {
    /** The value standing for the global {@code module.name}, or an exception if it is not allowed. */
    Object global(String module, String name);

    /** The exception for a refused global (also used for the {@code INST} opcode). */
    RuntimeException refuse(String module, String name);

    /** The result of calling {@code callable} (a value returned by {@link #global}) with {@code args}. */
    Object call(Object callable, Object[] args);

    /** Applies {@code BUILD}'s {@code state} to {@code target} (the object stays on the stack). */
    void build(Object target, Object state);

    /** The object a persistent id stands for. */
    Object persistentLoad(Object pid);
}
