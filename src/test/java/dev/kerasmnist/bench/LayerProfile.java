package dev.kerasmnist.bench;

import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.Networks;
import dev.kerasmnist.training.Recipe;
import java.util.Arrays;
import java.util.Locale;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Where one image's forward pass goes, layer by layer, for a recipe's network (weights as initialised: the time does
 * not depend on them): the median of 2,000 single-image passes per layer, outside workspaces, against the whole
 * {@code Networks.output} call. {@code LayerProfile RECIPE [BATCH]}; prints one line per layer. Not a test.
 */
public final class LayerProfile {
    public static void main(String[] args) {
        Recipe recipe = Recipe.of(args.length > 0 ? args[0] : "convnet");
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1;
        MultiLayerNetwork net = KerasToDl4j.build(recipe.model(1));
        INDArray x = Nd4j.rand(batch, 784);
        int runs = batch == 1 ? 2000 : 50;
        double[] whole = new double[runs];
        for (int r = -runs; r < runs; r++) {
            long t = System.nanoTime();
            Networks.output(net, x);
            if (r >= 0) {
                whole[r] = (System.nanoTime() - t) / 1e3;
            }
        }
        Layer[] layers = net.getLayers();
        double[][] per = new double[layers.length][runs];
        LayerWorkspaceMgr none = LayerWorkspaceMgr.noWorkspaces();
        for (int r = -runs; r < runs; r++) {
            INDArray a = x;
            for (int i = 0; i < layers.length; i++) {
                long t = System.nanoTime();
                InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(i);
                if (pre != null) {
                    a = pre.preProcess(a, batch, none);
                }
                a = layers[i].activate(a, false, none);
                if (r >= 0) {
                    per[i][r] = (System.nanoTime() - t) / 1e3;
                }
            }
        }
        double sum = 0;
        for (int i = 0; i < layers.length; i++) {
            Arrays.sort(per[i]);
            sum += per[i][runs / 2];
            System.out.printf(
                    Locale.ROOT,
                    "%-28s %-40s %8.1f us%n",
                    layers[i].getClass().getSimpleName(),
                    layers[i].conf().getLayer().getClass().getSimpleName(),
                    per[i][runs / 2]);
        }
        Arrays.sort(whole);
        System.out.printf(
                Locale.ROOT,
                "%s, batch %d: layers %.1f us (medians summed), Networks.output %.1f us (median)%n",
                recipe.cliName(),
                batch,
                sum,
                whole[runs / 2]);
    }
}
