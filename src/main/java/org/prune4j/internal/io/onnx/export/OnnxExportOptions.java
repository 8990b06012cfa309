package org.prune4j.internal.io.onnx.export;

import org.prune4j.UserError;
import org.prune4j.internal.io.onnx.OnnxDataType;

/**
 * How a model is exported to ONNX.
 *
 * @param weightType {@link OnnxDataType#FLOAT} or {@link OnnxDataType#FLOAT16}: the storage type of the weight
 *     matrices (norm weights, biases and rotary tables stay float32; a float16 matrix is cast to float32
 *     in the graph, which always computes in float32)
 * @param kvCache Llama family only: add the key/value cache inputs and outputs for incremental decoding
 */
public record OnnxExportOptions(OnnxDataType weightType, boolean kvCache) {

    public OnnxExportOptions {
        if (weightType != OnnxDataType.FLOAT && weightType != OnnxDataType.FLOAT16) {
            throw new UserError("ONNX export stores weights as f32 or f16, not " + weightType);
        }
    }

    /** float32 weights, no cache. */
    public static OnnxExportOptions defaults() {
        return new OnnxExportOptions(OnnxDataType.FLOAT, false);
    }
}
