package dev.kerasmnist.keras;

import dev.kerasmnist.model.KerasToDl4j;
import dev.kerasmnist.model.KerasVariable;
import dev.kerasmnist.model.LayerSpec;
import dev.kerasmnist.model.ModelSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.RmsProp;

/**
 * The optimizer's state as Keras 3 saves it, {@code optimizer/vars/<i>} of a {@code .keras}'s model.weights.h5
 * ({@code BaseOptimizer.save_own_variables}: {@code self.variables} in order). That order is {@code iteration}, then
 * {@code learning_rate}, then for each trainable variable of the model in {@code model.trainable_variables} order its
 * slots, interleaved ({@code add_optimizer_variables}: Adam's {@code momentum, velocity}, RMSprop's
 * {@code velocity}). DL4J keeps the same quantities per parameter: Adam's {@code M} and {@code V}, RMSProp's
 * {@code G}, the running averages of the gradient and of its square, updated as Keras updates them. They are laid
 * out as the parameters are, so each one goes through the same conversion to Keras's layouts as the weights.
 */
final class OptimizerState {
    private OptimizerState() {}

    /**
     * One variable of the optimizer: its value (a scalar or an array) and its name under the optimizer, as Keras
     * names it ({@code add_variable_from_reference}: the model variable's path with '/' as '_', then the slot).
     */
    record Variable(String name, Object value) {}

    /**
     * The variables to save, or an empty list where there is no state to save: a network that was never trained
     * here (an import), or an optimizer other than Adam and RMSprop (Keras then starts it afresh, as it does for a
     * file saved without its optimizer).
     */
    static List<Variable> kerasVariables(
            Model net, ModelSpec spec, ExportedOptimizer optimizer, List<String> layerNames) {
        // DL4J's slot -> Keras's: Adam's M and V are its momentum and velocity, RMSprop's G its velocity
        Map<String, String> slots = optimizer.updater() instanceof Adam
                ? Map.of("M", "momentum", "V", "velocity")
                : optimizer.updater() instanceof RmsProp ? Map.of("G", "velocity") : Map.of();
        int iterations = iterations(net);
        if (slots.isEmpty() || iterations == 0) {
            return List.of();
        }
        Map<String, List<List<INDArray>>> bySlot = new LinkedHashMap<>();
        for (String slot : slots.keySet()) {
            INDArray flat = flatState(net, slot);
            if (flat == null) {
                return List.of();
            }
            Model copy = net instanceof MultiLayerNetwork m ? m.clone() : ((ComputationGraph) net).clone();
            copy.setParams(flat);
            bySlot.put(slot, KerasToDl4j.kerasWeights(copy, spec));
        }
        List<Variable> vars = new ArrayList<>();
        vars.add(new Variable("iteration", (long) iterations));
        vars.add(new Variable("learning_rate", (float) optimizer.learningRate()));
        // a Sequential's variable paths start with its name; a Functional model's with the layer's
        String prefix = spec.chain() ? "sequential_" : "";
        List<int[]> shapes = spec.outputShapes();
        for (int k = 0; k < spec.layers().size(); k++) {
            if (spec.frozen().contains(k)) {
                continue; // not among model.trainable_variables: the optimizer holds nothing for it
            }
            LayerSpec layer = spec.layers().get(k);
            List<KerasVariable> variables = layer.variables(spec.inputShapeOf(k, shapes));
            for (int v = 0; v < variables.size(); v++) {
                if (!variables.get(v).trainable()) {
                    continue;
                }
                for (String slot : slots.keySet().stream().sorted().toList()) { // M before V
                    String name =
                            prefix + layerNames.get(k) + "_" + variables.get(v).name() + "_" + slots.get(slot);
                    vars.add(new Variable(
                            name.replace('/', '_'), bySlot.get(slot).get(k).get(v)));
                }
            }
        }
        return vars;
    }

    /** The training steps taken, which Adam's bias correction counts as Keras's {@code iteration} does. */
    private static int iterations(Model net) {
        return net instanceof MultiLayerNetwork m
                ? m.getIterationCount()
                : net instanceof ComputationGraph g ? g.getIterationCount() : 0;
    }

    /** One slot of the updater's state, laid out as the network's parameters; null if the network has none. */
    private static INDArray flatState(Model net, String slot) {
        Updater updater = net instanceof MultiLayerNetwork m
                ? m.getUpdater(false)
                : net instanceof ComputationGraph g ? g.getUpdater(false) : null;
        if (!(updater instanceof BaseMultiLayerUpdater<?> u) || u.getStateViewArray() == null) {
            return null;
        }
        INDArray params = net.params();
        INDArray flat = Nd4j.zeros(params.dataType(), 1, params.length());
        boolean found = false;
        for (UpdaterBlock block : u.getUpdaterBlocks()) {
            GradientUpdater<?> blockUpdater = block.getGradientUpdater(); // raw in DL4J's signature
            Map<String, INDArray> state = blockUpdater.getState();
            if (state == null || !state.containsKey(slot)) {
                continue; // a frozen or NoOp block: no state
            }
            flat.get(
                            NDArrayIndex.point(0),
                            NDArrayIndex.interval(block.getParamOffsetStart(), block.getParamOffsetEnd()))
                    .assign(state.get(slot).reshape(block.getParamOffsetEnd() - block.getParamOffsetStart()));
            found = true;
        }
        return found ? flat : null;
    }
}
