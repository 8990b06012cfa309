package org.prune4j.internal.io.hf;

/**
 * The compressed-tensors sparse layouts prune4j writes and reads for the Linear weights of the decoder
 * blocks. Both store zeros implicitly; neither makes inference faster in any runtime today (vLLM,
 * Transformers and compressed-tensors decompress them to dense on load): they save disk and transfer.
 */
public enum SparseCompression {
    /**
     * {@code sparse-bitmask}: per weight {@code <name>.shape} (int64 {@code [2]}), {@code <name>.compressed}
     * (the nonzero values in row-major order), {@code <name>.bitmask} (uint8 {@code [rows, ceil(cols/8)]},
     * bit {@code j % 8} of byte {@code j / 8} set for column {@code j}, NumPy's little bit order) and
     * {@code <name>.row_offsets} (int64 {@code [rows]}: where each row starts in the values).
     */
    SPARSE_BITMASK("sparse-bitmask", "unstructured"),
    /**
     * {@code sparse-24-bitmask}: per weight {@code <name>.shape} (int64 {@code [2, 1]}), {@code <name>.compressed}
     * (the 2 kept values of every group of 4 columns, {@code [rows, cols/2]}) and {@code <name>.bitmask}
     * (as for {@link #SPARSE_BITMASK}); a group with fewer than 2 nonzeros keeps zeros to make up 2.
     */
    SPARSE_24_BITMASK("sparse-24-bitmask", "2:4");

    private final String formatName;
    private final String structure;

    SparseCompression(String formatName, String structure) {
        this.formatName = formatName;
        this.structure = structure;
    }

    /** The compressed-tensors {@code sparsity_config.format}, e.g. {@code sparse-bitmask}. */
    public String formatName() {
        return formatName;
    }

    /** The compressed-tensors {@code sparsity_config.sparsity_structure}: {@code unstructured} or {@code 2:4}. */
    public String structure() {
        return structure;
    }

    /** The layout whose format name is {@code name}, or {@code null}. */
    public static SparseCompression byFormatName(String name) {
        for (SparseCompression c : values()) {
            if (c.formatName.equals(name)) {
                return c;
            }
        }
        return null;
    }
}
