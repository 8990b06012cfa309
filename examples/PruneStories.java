import java.nio.file.Path;
import org.prune4j.api.EvaluationSettings;
import org.prune4j.api.LanguageModel;
import org.prune4j.api.Prune4j;
import org.prune4j.api.PruneSettings;
import org.prune4j.api.PrunedModel;

/** Prunes the bundled stories260K with Wanda at 2:4, measures perplexity before and after, and saves it. */
public class PruneStories {
    public static void main(String[] args) {
        Path out = Path.of(args.length > 0 ? args[0] : "stories260K-wanda-2of4.bin");
        EvaluationSettings eval = EvaluationSettings.protocol();       // the model's pinned evaluation ids
        LanguageModel model = Prune4j.load("stories260K");
        System.out.printf("dense perplexity  %.4f%n", model.evaluate(eval).perplexity());
        PruneSettings settings = PruneSettings.builder()
                .method("wanda")
                .sparsity("2:4")                                         // calibration: the pinned ids
                .build();
        try (PrunedModel pruned = model.prune(settings)) {
            System.out.printf("pruned perplexity %.4f at sparsity %.3f%n",
                    pruned.evaluate(eval).perplexity(), pruned.sparsity());
            pruned.save(out);                                            // with out + ".report.json"
        }
    }
}
