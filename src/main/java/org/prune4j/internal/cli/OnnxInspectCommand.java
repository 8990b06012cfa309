package org.prune4j.internal.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.prune4j.UserError;
import org.prune4j.internal.prune.onnx.OnnxGroupListing;
import org.prune4j.internal.prune.onnx.OnnxPruneJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code prune4j inspect --onnx model.onnx --groups}: the pruning groups of an ONNX model (reached through {@link OnnxDispatch}). */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "List the pruning groups of an ONNX model and the operators that stop groups.")
final class OnnxInspectCommand implements Callable<Integer> {
    @Option(names = "--onnx", required = true, description = "The ONNX model.")
    Path onnx;

    @Option(names = "--groups", description = "List the coupled groups (required: the only ONNX listing so far).")
    boolean groups;

    @Option(names = "--dim", paramLabel = "NAME=SIZE", description = "Size of a named dynamic axis for the shape probe and the MAC count; repeatable.")
    java.util.Map<String, Long> dims = new java.util.LinkedHashMap<>();

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    @Spec
    CommandSpec spec;

    @picocli.CommandLine.Mixin
    RecipeOption recipe = new RecipeOption();

    @Override
    public Integer call() {
        if (recipe.printed(spec, "inspect-onnx")) {
            return 0;
        }
        if (!groups) {
            throw new UserError("inspect --onnx: add --groups (the only ONNX listing supported yet)");
        }
        OnnxGroupListing l = OnnxPruneJob.inspect(onnx, dims);
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            com.fasterxml.jackson.databind.node.ObjectNode j = l.toJson();
            j.set("recipe", RecipeOption.tree(spec, "inspect-onnx"));
            out.println(j.toString());
        } else {
            java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
            l.print(new PrintStream(buf, true, java.nio.charset.StandardCharsets.UTF_8));
            out.print(buf.toString(java.nio.charset.StandardCharsets.UTF_8));
        }
        out.flush();
        return 0;
    }
}
