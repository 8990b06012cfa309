package org.prune4j.internal.cli;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import org.prune4j.UserError;
import org.prune4j.internal.data.Cifar10Binary;
import org.prune4j.internal.data.Dataset;
import org.prune4j.internal.data.IdxFiles;
import org.prune4j.internal.data.ImageFolder;
import org.prune4j.internal.eval.ImageClassificationEval;
import org.prune4j.internal.model.vision.VisionModel;
import org.prune4j.internal.model.vision.VisionModels;
import org.prune4j.internal.model.vision.VisionSpec;

/**
 * Accuracy of a vision checkpoint on a set of labelled images; the {@code eval} command delegates here
 * when it is given {@code --arch}.
 *
 * <p>Images: an IDX image file (MNIST layout, {@code .gz} or raw; the labels file is found beside it by
 * name, {@code t10k-images-idx3-ubyte.gz} → {@code t10k-labels-idx1-ubyte.gz}), a CIFAR-10 binary file
 * (labels inline), or a folder with one sub-folder of images per class. They are normalised as the
 * architecture expects ({@link VisionSpec#normalization()}).
 */
final class VisionEval {
    /** Images per forward pass. */
    static final int BATCH_SIZE = 100;

    private VisionEval() {}

    /**
     * Loads {@code checkpoint} into architecture {@code arch}, evaluates it on {@code images} and prints
     * the accuracy to {@code out}: with {@code json} exactly one object {@code {"model": path,
     * "architecture": arch, "images_source": path, "accuracy": fraction, "images": n, "seconds": s}}, otherwise one line. Returns the exit code: 0, or 2 after printing
     * {@code prune4j: <message>} to {@code err} for bad input.
     */
    public static int run(Path checkpoint, String arch, Path images, boolean json, PrintWriter out, PrintWriter err) {
        return run(checkpoint, arch, images, json, null, out, err);
    }

    /** {@link #run(Path, String, Path, boolean, PrintWriter, PrintWriter)} with {@code recipe} embedded in the JSON (when not null). */
    static int run(Path checkpoint, String arch, Path images, boolean json, ObjectNode recipe, PrintWriter out, PrintWriter err) {
        try {
            VisionSpec spec = VisionModels.spec(arch);
            Dataset data = readImages(images, spec);
            try (NDManager manager = NDManager.newBaseManager()) {
                VisionModel model = VisionModels.load(arch, checkpoint, manager);
                ImageClassificationEval.Result r = ImageClassificationEval.evaluate(model, data, BATCH_SIZE);
                if (json) {
                    ObjectMapper mapper = new ObjectMapper();
                    ObjectNode o = mapper.createObjectNode();
                    o.put("model", checkpoint.toString());
                    o.put("architecture", arch);
                    o.put("images_source", images.toString());
                    o.put("accuracy", r.accuracy());
                    o.put("images", r.images());
                    o.put("seconds", Math.round(r.seconds() * 1000) / 1000.0);
                    if (recipe != null) {
                        o.set("recipe", recipe);
                    }
                    out.println(mapper.writeValueAsString(o));
                } else {
                    out.printf(Locale.ROOT, "%s on %s: accuracy %.2f%% (%d/%d) in %.1f s%n", arch, images,
                            100 * r.accuracy(), r.correct(), r.images(), r.seconds());
                }
                out.flush();
                return 0;
            }
        } catch (UserError e) {
            err.println("prune4j: " + e.getMessage());
            err.flush();
            return Main.EXIT_USER_ERROR;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Reads {@code images} (IDX, CIFAR-10 binary or image folder) normalised for {@code spec}. */
    static Dataset readImages(Path images, VisionSpec spec) {
        Dataset d;
        if (Files.isDirectory(images)) {
            d = ImageFolder.read(images, spec.channels(), spec.normalization());
        } else if (!Files.isRegularFile(images)) {
            throw new UserError(images + ": no such file or directory");
        } else if (startsWithIdxImageMagic(images)) {
            d = IdxFiles.read(images, IdxFiles.labelsFor(images), Dataset.numberedClasses(spec.numClasses()),
                    spec.normalization());
        } else {
            d = Cifar10Binary.read(images, spec.normalization());
        }
        if (d.channels() != spec.channels() || d.height() != spec.height() || d.width() != spec.width()) {
            throw new UserError(images + ": images are " + d.channels() + "x" + d.height() + "x" + d.width() + " but "
                    + spec.name() + " expects " + spec.channels() + "x" + spec.height() + "x" + spec.width());
        }
        if (d.numClasses() > spec.numClasses()) {
            throw new UserError(images + ": " + d.numClasses() + " classes but " + spec.name() + " predicts "
                    + spec.numClasses());
        }
        return d;
    }

    private static boolean startsWithIdxImageMagic(Path file) {
        try (InputStream raw = Files.newInputStream(file)) {
            byte[] head = raw.readNBytes(4);
            if (head.length == 4 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
                try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                    head = in.readNBytes(4);
                }
            }
            return head.length == 4 && head[0] == 0 && head[1] == 0 && head[2] == 8 && head[3] == 3;
        } catch (IOException e) {
            throw new UserError(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
