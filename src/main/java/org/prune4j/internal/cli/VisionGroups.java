package org.prune4j.internal.cli;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import org.prune4j.UserError;
import org.prune4j.internal.model.vision.VisionModel;
import org.prune4j.internal.model.vision.VisionModels;
import org.prune4j.internal.model.vision.VisionSpec;
import org.prune4j.internal.nn.graph.DependencyGraph;
import org.prune4j.internal.prune.structural.MacCounter;

/** {@code prune4j inspect --arch NAME --model CKPT [--groups]}: a vision checkpoint's sizes and dependency groups. */
final class VisionGroups {
    private VisionGroups() {}

    static int print(String arch, Path checkpoint, boolean groups, PrintWriter out) {
        if (!groups) {
            throw new UserError("inspect --arch: not supported yet without --groups (use --groups)");
        }
        VisionSpec spec = VisionModels.spec(arch);
        try (NDManager manager = NDManager.newBaseManager()) {
            VisionModel model = VisionModels.load(arch, checkpoint, manager);
            Shape image = new Shape(spec.channels(), spec.height(), spec.width());
            out.printf(Locale.ROOT, "%s from %s: %,d parameters, %,d MACs per image%n", arch, checkpoint,
                    model.parameterCount(), MacCounter.total(model, model::forward, image));
            DependencyGraph g = DependencyGraph.build(model, model::forward, image);
            out.print(g.describe());
            out.flush();
        }
        return 0;
    }
}
