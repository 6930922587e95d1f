package dev.kerasmnist.bench;

import dev.kerasmnist.Fixtures;
import dev.kerasmnist.data.MnistIterators;
import dev.kerasmnist.data.MnistSplit;
import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.training.Recipe;
import java.util.Locale;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.WorkspaceMode;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.profiler.OpProfiler;

/**
 * Where a training step of the convnet recipe goes (batch 64), and what DL4J's settings change: run by hand,
 * {@code java [-Djavacpp.platform.extension=-onednn] -cp ... dev.kerasmnist.bench.ConvnetBenchmark [steps] [profile]}.
 * Prints ms per step for stock DL4J (ND4J's helpers as the build starts them), the fast path (as {@code train}
 * runs), stock after the fast path switched the helpers off, and stock without workspaces; with "profile", ND4J's
 * per-op dashboard of the fast path's run.
 */
public final class ConvnetBenchmark {
    public static void main(String[] args) {
        int steps = args.length > 0 ? Integer.parseInt(args[0]) : 60;
        boolean profile = args.length > 1 && args[1].equals("profile");
        MnistSplit data = Fixtures.synthetic(64 * steps, 1);
        System.out.println(
                "backend: " + Nd4j.getExecutioner().getEnvironmentInformation().get("backend") + ", helpers allowed: "
                        + Nd4j.getEnvironment().helpersAllowed());
        report("stock DL4J", time(KerasToDl4j.buildStock(Recipe.CONVNET.model(1)), data, steps, false));
        report("fast path", time(KerasToDl4j.build(Recipe.CONVNET.model(1)), data, steps, profile));
        // The fast path turns ND4J's helpers off outside its conv ops (model/fast/Helpers): stock again, so
        boolean helpers = Nd4j.getEnvironment().helpersAllowed();
        report(
                "stock, helpers " + (helpers ? "on" : "off"),
                time(KerasToDl4j.buildStock(Recipe.CONVNET.model(1)), data, steps, false));
        MultiLayerConfiguration conf = KerasToDl4j.configuration(Recipe.CONVNET.model(1));
        conf.setTrainingWorkspaceMode(WorkspaceMode.NONE);
        conf.setInferenceWorkspaceMode(WorkspaceMode.NONE);
        MultiLayerNetwork noWorkspaces = new MultiLayerNetwork(conf);
        noWorkspaces.init();
        report("stock, no workspaces", time(noWorkspaces, data, steps, false));
    }

    private static void report(String what, double msPerStep) {
        System.out.printf(
                Locale.ROOT,
                "%-16s %7.1f ms/step  (%.0f s per 938-step epoch)%n",
                what,
                msPerStep,
                msPerStep * 938 / 1000);
    }

    @SuppressWarnings("deprecation") // ND4J 1.0.0-M2.1 has no other switch for its OpProfiler
    private static double time(MultiLayerNetwork net, MnistSplit data, int steps, boolean profile) {
        DataSetIterator batches = MnistIterators.training(data, 64, 1);
        for (int i = 0; i < 5; i++) { // warm-up
            net.fit(batches.next());
        }
        if (profile) {
            Nd4j.getExecutioner().setProfilingMode(OpExecutioner.ProfilingMode.ALL);
            OpProfiler.getInstance().reset();
        }
        long start = System.nanoTime();
        int done = 0;
        while (batches.hasNext() && done < steps - 5) {
            DataSet batch = batches.next();
            net.fit(batch);
            done++;
        }
        double ms = (System.nanoTime() - start) / 1e6 / done;
        if (profile) {
            Nd4j.getExecutioner().setProfilingMode(OpExecutioner.ProfilingMode.DISABLED);
            OpProfiler.getInstance().printOutDashboard();
        }
        return ms;
    }
}
