package dev.kerasmnist.model;

import dev.kerasmnist.model.Dl4jMapping.Flow;
import dev.kerasmnist.model.Dl4jMapping.Form;
import dev.kerasmnist.model.Dl4jMapping.Piece;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.RmsProp;

/**
 * Where a {@link ModelSpec} becomes a DL4J network: each layer through its mapping in {@link Layers}, assembled here
 * into a DL4J configuration, and Keras's weight arrays into DL4J's parameters and back ({@link #setKerasWeights},
 * {@link #kerasWeights}).
 *
 * <p>Layouts. The network takes the 784 pixels flat (row-major, which is every MNIST input shape's own order).
 * Feature maps are DL4J's NCHW whatever the Keras data_format, because the oneDNN convolutions of the fast path
 * ({@code model.fast}) run on NCHW: a channels-last model's kernels are permuted from Keras's {@code (kh, kw, in, out)} to
 * {@code [out, in, kh, kw]}, and where it flattens feature maps of more than one channel, the next Dense layer's rows
 * are permuted from Keras's {@code (h, w, c)} order to DL4J's {@code (c, h, w)}. (DL4J M2.1 also has NHWC
 * convolution, pooling and normalisation layers, which would keep Keras's order, but no fast path.) Sequences are
 * DL4J's NWC, {@code (timesteps, features)} as in Keras, so the 28 rows of an image reach an LSTM as they are;
 * a Conv1D alone runs on NCW (see Conv1DMapping), its input permuted to it and its output read as NCW or permuted
 * back by the layer after it.
 */
public final class KerasToDl4j {
    private KerasToDl4j() {}

    /** The DL4J configuration equivalent to {@code spec}, a chain (see {@link #graphConfiguration} for graphs). */
    public static MultiLayerConfiguration configuration(ModelSpec spec) {
        return (MultiLayerConfiguration) plan(spec).conf;
    }

    /** The DL4J configuration of a Functional graph: layers, Add vertices and preprocessor vertices. */
    public static ComputationGraphConfiguration graphConfiguration(ModelSpec spec) {
        return (ComputationGraphConfiguration) plan(spec).conf;
    }

    private static Plan plan(ModelSpec spec) {
        RmsPropSpec rms = spec.optimizer();
        // DL4J's op places epsilon as Keras 2 does; Keras 3's placement is the fast path's (see build)
        return plan(spec, new RmsProp(rms.learningRate(), rms.rho(), rms.epsilon()));
    }

    /**
     * How a spec's layers sit in its DL4J network.
     *
     * @param conf       a MultiLayerConfiguration (chains) or a ComputationGraphConfiguration (graphs)
     * @param dl4jIndex  per spec layer, its DL4J layer's index (chains), or -1 when it has none
     * @param vertex     per spec layer, its DL4J layer's vertex name (graphs)
     * @param inputOrder per spec layer, the Keras order of the flat features it takes (null: the identity)
     */
    private record Plan(Object conf, int[] dl4jIndex, String[] vertex, List<int[]> inputOrder, boolean scaled) {}

    private static NeuralNetConfiguration.Builder base(ModelSpec spec, IUpdater updater) {
        return new NeuralNetConfiguration.Builder()
                .seed(spec.seed())
                .dataType(DataType.FLOAT) // keras.backend.floatx() == 'float32'
                .updater(updater)
                .weightInit(KerasInitializer.DENSE_KERNEL_DEFAULT.weightInit()) // glorot_uniform
                .biasInit(KerasInitializer.DENSE_BIAS_DEFAULT.biasValue()) // zeros
                .miniBatch(true); // losses averaged over the batch
    }

    private static Plan plan(ModelSpec spec, IUpdater updater) {
        List<LayerSpec> layers = spec.layers();
        List<int[]> shapes = spec.outputShapes();
        int n = layers.size();
        Flow[] flows = new Flow[n];
        Flow input = new Flow(Form.FLAT, DataFormat.CHANNELS_LAST, null, null);
        Piece[] pieces = new Piece[n];
        InputPreProcessor[] preprocessors = new InputPreProcessor[n];
        List<int[]> inputOrder = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            List<Flow> in = new ArrayList<>();
            List<int[]> inShapes = new ArrayList<>();
            for (int f : spec.inputsOf(k)) {
                in.add(f < 0 ? input : flows[f]);
                inShapes.add(f < 0 ? spec.inputShapeOf(0, shapes) : shapes.get(f));
            }
            inputOrder.add(in.get(0).order());
            pieces[k] = piece(layers.get(k), new Dl4jMapping.Input(spec, inShapes, shapes.get(k), in, k == n - 1));
            if (spec.frozen().contains(k)) {
                freeze(pieces[k].layer());
            }
            flows[k] = pieces[k].after();
            if (!spec.chain() && pieces[k].layer() == null && flows[k].pending() != null) {
                // in a graph, a Flatten of feature maps is a vertex of its own, so its successors take flat values
                preprocessors[k] = flows[k].pending();
                flows[k] = flows[k].withoutPending();
            }
        }
        boolean scaled = spec.inputScale() != 1;
        int[] shape = shapes.get(n - 1);
        LossLayer loss = pieces[n - 1].layer() instanceof BaseOutputLayer
                ? null
                // the model ends in an activation, pooling or normalisation: DL4J puts the loss on a LossLayer
                : new LossLayer.Builder(spec.loss().dl4j(shape[0]))
                        .activation(spec.loss().fromLogits() ? Activation.SOFTMAX : Activation.IDENTITY)
                        .build();
        if (spec.chain()) {
            NeuralNetConfiguration.ListBuilder builder = base(spec, updater).list();
            int[] dl4jIndex = new int[n];
            int index = 0;
            if (scaled) {
                // The network takes pixels / 255 like every model here; a model that wants raw pixels gets them here.
                builder.layer(index++, RescalingMapping.scale(spec.inputDim()));
            }
            for (int k = 0; k < n; k++) {
                Piece piece = pieces[k];
                if (piece.layer() == null) {
                    dl4jIndex[k] = -1; // Flatten, Reshape: a preprocessor of the next layer, or nothing
                    continue;
                }
                if (piece.before() != null) {
                    builder.inputPreProcessor(index, piece.before());
                }
                dl4jIndex[k] = index;
                builder.layer(index++, piece.layer());
            }
            if (loss != null) {
                if (flows[n - 1].pending() != null) {
                    builder.inputPreProcessor(index, flows[n - 1].pending());
                }
                builder.layer(index, loss);
            }
            return new Plan(builder.build(), dl4jIndex, null, inputOrder, scaled);
        }
        ComputationGraphConfiguration.GraphBuilder graph =
                base(spec, updater).graphBuilder().addInputs("input");
        String in = "input";
        if (scaled) {
            graph.addLayer("input_scale", RescalingMapping.scale(spec.inputDim()), "input");
            in = "input_scale";
        }
        List<String> names = ModelSummary.layerNames(spec);
        String[] vertex = new String[n];
        for (int k = 0; k < n; k++) {
            Piece piece = pieces[k];
            List<String> inputs = new ArrayList<>();
            for (int f : spec.inputsOf(k)) {
                inputs.add(f < 0 ? in : vertex[f]);
            }
            String[] from = inputs.toArray(String[]::new);
            if (piece.layer() != null) {
                graph.addLayer(names.get(k), piece.layer(), piece.before(), from);
                vertex[k] = names.get(k);
            } else if (piece.vertex() != null) {
                graph.addVertex(names.get(k), piece.vertex(), from);
                vertex[k] = names.get(k);
            } else if (preprocessors[k] != null) {
                graph.addVertex(names.get(k), new PreprocessorVertex(preprocessors[k]), from);
                vertex[k] = names.get(k);
            } else {
                vertex[k] = from[0]; // flat values reshaped: nothing to compute
            }
        }
        String output = vertex[n - 1];
        if (loss != null) {
            graph.addLayer("loss", loss, output);
            output = "loss";
        }
        graph.setOutputs(output);
        return new Plan(graph.build(), null, vertex, inputOrder, scaled);
    }

    /**
     * Keras's {@code trainable=False}: DL4J's NoOp updater, which fine-tuning turns into a frozen layer as it does for
     * Rescaling (training.FineTuning); a frozen layer also runs in inference mode, as Keras 3 runs a
     * BatchNormalization that is not trainable.
     */
    private static void freeze(org.deeplearning4j.nn.conf.layers.Layer layer) {
        if (layer instanceof org.deeplearning4j.nn.conf.layers.BaseLayer base) {
            base.setIUpdater(new org.nd4j.linalg.learning.config.NoOp());
        } else if (layer instanceof org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer w) {
            freeze(w.getUnderlying());
        }
    }

    /**
     * A layer through its mapping, which gives its DL4J layer or vertex and what flows out; a preprocessor pending
     * from a Flatten or Reshape before it goes in front of it.
     */
    private static Piece piece(LayerSpec layer, Dl4jMapping.Input in) {
        Piece piece = Layers.mapping(layer).build(layer, in);
        Flow after = piece.after();
        InputPreProcessor before = piece.before();
        if (piece.layer() != null || piece.vertex() != null) {
            if (after.pending() != null && before != null) {
                throw new IllegalArgumentException(layer.kerasClass() + " after a reshape of a reshape");
            }
            return new Piece(
                    piece.layer(),
                    piece.vertex(),
                    after.pending() != null ? after.pending() : before,
                    after.withoutPending());
        } else if (before != null) {
            throw new IllegalArgumentException(layer.kerasClass() + ": no DL4J layer to reshape for");
        }
        return piece;
    }

    /**
     * An initialised network for {@code spec}, its RMSprop accumulators at zero as Keras starts them, with the
     * faster run-time implementations of the fast path ({@code model.fast}, through {@link FastPathHook}) installed.
     * (ND4J's updater fills them with epsilon; with epsilon 1e-7 they decay into subnormal floats that make every
     * step ~30% slower. Zeroing the state keeps the stock updater, so plain DL4J loads our files.)
     */
    public static MultiLayerNetwork build(ModelSpec spec) {
        return FastPathHook.install(buildStock(spec), spec.optimizer().epsilonPlacement());
    }

    /** {@link #build} with DL4J's stock implementations: the reference the fast ones are tested against. */
    public static MultiLayerNetwork buildStock(ModelSpec spec) {
        return buildStock(spec, plan(spec));
    }

    /**
     * {@link #buildStock} with another optimizer than the spec's RMSprop (the lessons' SGD and Adam; its state at
     * zero, as Keras starts it).
     */
    public static MultiLayerNetwork buildStock(ModelSpec spec, IUpdater updater) {
        return buildStock(spec, plan(spec, updater));
    }

    private static MultiLayerNetwork buildStock(ModelSpec spec, Plan plan) {
        if (!spec.chain()) {
            throw new IllegalArgumentException("a Functional graph is a ComputationGraph: use buildGraph");
        }
        MultiLayerNetwork net = new MultiLayerNetwork((MultiLayerConfiguration) plan.conf);
        net.init();
        if (net.getUpdater().getStateViewArray() != null) { // SGD keeps none
            net.getUpdater().getStateViewArray().assign(0);
        }
        setConstants(net, spec, plan);
        return net;
    }

    /** A Functional graph as an initialised DL4J {@link ComputationGraph} (stock layers, RMSprop state at zero). */
    public static ComputationGraph buildGraph(ModelSpec spec) {
        Plan plan = plan(spec);
        ComputationGraph graph = new ComputationGraph((ComputationGraphConfiguration) plan.conf);
        graph.init();
        if (graph.getUpdater().getStateViewArray() != null) {
            graph.getUpdater().getStateViewArray().assign(0);
        }
        setConstants(graph, spec, plan);
        return graph;
    }

    /** The network for {@code spec}: a {@link MultiLayerNetwork} for a chain, a {@link ComputationGraph} else. */
    public static Model buildAny(ModelSpec spec) {
        return spec.chain() ? build(spec) : buildGraph(spec);
    }

    /** The input scale's constants and the layers' own (Rescaling's), which Keras does not train. */
    private static void setConstants(Model net, ModelSpec spec, Plan plan) {
        if (plan.scaled) {
            Layer prefix = net instanceof ComputationGraph g
                    ? g.getLayer("input_scale")
                    : ((MultiLayerNetwork) net).getLayer(0);
            prefix.getParam("W").assign(spec.inputScale());
            prefix.getParam("b").assign(0);
        }
        for (int k = 0; k < spec.layers().size(); k++) {
            LayerSpec layer = spec.layers().get(k);
            Layer dl4j = layerOf(net, plan, k);
            if (dl4j != null) {
                Layers.mapping(layer).setConstants(layer, dl4j);
            }
        }
    }

    /** Spec layer {@code k}'s DL4J layer in {@code net}, or null when it has none. */
    private static Layer layerOf(Model net, Plan plan, int k) {
        if (plan.dl4jIndex != null) {
            return plan.dl4jIndex[k] < 0 ? null : ((MultiLayerNetwork) net).getLayer(plan.dl4jIndex[k]);
        }
        return ((ComputationGraph) net).getLayer(plan.vertex[k]);
    }

    /**
     * Copies Keras's weights into {@code net} (built from {@code spec}): per spec layer its variables in Keras's
     * order and shapes ({@link LayerSpec#variables}), converted to DL4J's layouts by the layer's mapping.
     *
     * @throws IllegalArgumentException if a layer has the wrong number of variables or one has the wrong shape
     */
    public static void setKerasWeights(Model net, ModelSpec spec, List<List<INDArray>> weights) {
        Plan plan = plan(spec);
        List<int[]> shapes = spec.outputShapes();
        for (int k = 0; k < spec.layers().size(); k++) {
            LayerSpec layer = spec.layers().get(k);
            List<KerasVariable> expected = layer.variables(spec.inputShapeOf(k, shapes));
            List<INDArray> given = weights.get(k);
            if (given.size() != expected.size()) {
                throw new IllegalArgumentException(layer.kerasClass() + " layer " + k + " has " + given.size()
                        + " weight arrays; " + expected.size() + " expected ("
                        + expected.stream().map(KerasVariable::name).toList() + ")");
            }
            for (int v = 0; v < given.size(); v++) {
                if (!Arrays.equals(given.get(v).shape(), expected.get(v).shape())) {
                    throw new IllegalArgumentException(layer.kerasClass() + " layer " + k + ": "
                            + expected.get(v).name() + " has shape "
                            + Arrays.toString(given.get(v).shape())
                            + " but the config gives "
                            + Arrays.toString(expected.get(v).shape()));
                }
            }
            if (!given.isEmpty()) {
                Layers.mapping(layer).setWeights(layer, layerOf(net, plan, k), given, plan.inputOrder.get(k));
            }
        }
    }

    /**
     * The network's weights as Keras's variables: per spec layer, in Keras's order and shapes
     * ({@link LayerSpec#variables}).
     */
    public static List<List<INDArray>> kerasWeights(Model net, ModelSpec spec) {
        Plan plan = plan(spec);
        List<List<INDArray>> all = new ArrayList<>();
        for (int k = 0; k < spec.layers().size(); k++) {
            LayerSpec layer = spec.layers().get(k);
            Layer source = layerOf(net, plan, k);
            all.add(
                    source == null
                            ? List.of()
                            : Layers.mapping(layer).kerasWeights(layer, source, plan.inputOrder.get(k)));
        }
        return all;
    }
}
