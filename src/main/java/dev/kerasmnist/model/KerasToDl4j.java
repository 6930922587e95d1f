package dev.kerasmnist.model;

import dev.kerasmnist.model.fast.FastPath;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.PreprocessorVertex;
import org.deeplearning4j.nn.conf.preprocessor.ComposableInputPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.LossLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.misc.ElementWiseMultiplicationLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.layers.recurrent.SimpleRnn;
import org.deeplearning4j.nn.params.SimpleRnnParamInitializer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToFeedForwardPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.preprocessors.ReshapePreprocessor;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationLReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.learning.config.RmsProp;

/**
 * The one place where Keras's semantics become DL4J's: the layers of a {@link ModelSpec} become a DL4J
 * configuration, and Keras's weight arrays become DL4J's parameters and back ({@link #setKerasWeights},
 * {@link #kerasWeights}). Every DL4J default that differs from Keras's is set explicitly here.
 *
 * <p>Layouts. The network takes the 784 pixels flat (row-major, which is every MNIST input shape's own order).
 * Feature maps are DL4J's NCHW whatever the Keras data_format, because the oneDNN convolutions of {@link FastPath}
 * run on NCHW: a channels-last model's kernels are permuted from Keras's {@code (kh, kw, in, out)} to
 * {@code [out, in, kh, kw]}, and where it flattens feature maps of more than one channel, the next Dense layer's rows
 * are permuted from Keras's {@code (h, w, c)} order to DL4J's {@code (c, h, w)}. (DL4J M2.1 also has NHWC
 * convolution, pooling and normalisation layers, which would keep Keras's order, but no fast path.) Sequences are
 * DL4J's NWC, {@code (timesteps, features)} as in Keras, so the 28 rows of an image reach an LSTM as they are.
 */
public final class KerasToDl4j {
    private KerasToDl4j() {
    }

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
        // DL4J's op places epsilon as Keras 2 does; Keras 3's placement is FastPath's (see build)
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
    private record Plan(Object conf, int[] dl4jIndex, String[] vertex, List<int[]> inputOrder, boolean scaled) {
    }

    /** What flows out of a layer in DL4J: its form, feature-map format, feature order and a pending preprocessor. */
    private record State(Form form, DataFormat format, int[] order, InputPreProcessor pending) {
    }

    /** One spec layer in DL4J: its layer (or none), the preprocessor before it, and what flows out. */
    private record Piece(org.deeplearning4j.nn.conf.layers.Layer layer, InputPreProcessor before, State after) {
    }

    private static NeuralNetConfiguration.Builder base(ModelSpec spec, IUpdater updater) {
        return new NeuralNetConfiguration.Builder()
                .seed(spec.seed())
                .dataType(DataType.FLOAT)                                  // keras.backend.floatx() == 'float32'
                .updater(updater)
                .weightInit(KerasInitializer.DENSE_KERNEL_DEFAULT.weightInit()) // glorot_uniform
                .biasInit(KerasInitializer.DENSE_BIAS_DEFAULT.biasValue())      // zeros
                .miniBatch(true);                                          // losses averaged over the batch
    }

    private static Plan plan(ModelSpec spec, IUpdater updater) {
        List<LayerSpec> layers = spec.layers();
        List<int[]> shapes = spec.outputShapes();
        int n = layers.size();
        State[] states = new State[n];
        State input = new State(Form.FLAT, DataFormat.CHANNELS_LAST, null, null);
        Piece[] pieces = new Piece[n];
        InputPreProcessor[] preprocessors = new InputPreProcessor[n];
        List<int[]> inputOrder = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            int from = spec.inputsOf(k).get(0);
            State in = from < 0 ? input : states[from];
            if (layers.get(k) instanceof AddSpec) {
                for (int f : spec.inputsOf(k)) {
                    State other = f < 0 ? input : states[f];
                    if (other.form() != in.form() || !Arrays.equals(other.order(), in.order())
                            || (other.pending() == null) != (in.pending() == null)) {
                        throw new IllegalArgumentException("Add of values laid out differently in DL4J");
                    }
                }
            }
            inputOrder.add(in.order());
            pieces[k] = piece(spec, k, spec.inputShapeOf(k, shapes), shapes.get(k), in, k == n - 1);
            states[k] = pieces[k].after();
            if (!spec.chain() && pieces[k].layer() == null && states[k].pending() != null) {
                // in a graph, a Flatten of feature maps is a vertex of its own, so its successors take flat values
                preprocessors[k] = states[k].pending();
                states[k] = new State(states[k].form(), states[k].format(), states[k].order(), null);
            }
        }
        boolean scaled = spec.inputScale() != 1;
        int[] shape = shapes.get(n - 1);
        LossLayer loss = layers.get(n - 1) instanceof DenseSpec ? null
                // the model ends in an activation, pooling or normalisation: DL4J puts the loss on a LossLayer
                : new LossLayer.Builder(spec.loss().dl4j(shape[0])).activation(Activation.IDENTITY).build();
        if (spec.chain()) {
            NeuralNetConfiguration.ListBuilder builder = base(spec, updater).list();
            int[] dl4jIndex = new int[n];
            int index = 0;
            if (scaled) {
                // The network takes pixels / 255 like every model here; a model that wants raw pixels gets them here.
                builder.layer(index++, scale(spec.inputDim()));
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
                if (states[n - 1].pending() != null) {
                    builder.inputPreProcessor(index, states[n - 1].pending());
                }
                builder.layer(index, loss);
            }
            return new Plan(builder.build(), dl4jIndex, null, inputOrder, scaled);
        }
        ComputationGraphConfiguration.GraphBuilder graph = base(spec, updater).graphBuilder().addInputs("input");
        String in = "input";
        if (scaled) {
            graph.addLayer("input_scale", scale(spec.inputDim()), "input");
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
            } else if (layers.get(k) instanceof AddSpec) {
                graph.addVertex(names.get(k), new ElementWiseVertex(ElementWiseVertex.Op.Add), from);
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

    /** Two preprocessors one after the other (either may be none). */
    private static InputPreProcessor combine(InputPreProcessor first, InputPreProcessor second) {
        if (first == null) {
            return second;
        }
        return second == null ? first : new ComposableInputPreProcessor(first, second);
    }

    /** Spec layer {@code k} in DL4J, given what flows into it. */
    private static Piece piece(ModelSpec spec, int k, int[] shape, int[] out, State in, boolean last) {
        LayerSpec layer = spec.layers().get(k);
        Form form = in.form();
        DataFormat format = in.format();
        int[] order = in.order();
        InputPreProcessor before = null;
        InputPreProcessor pending = in.pending();
        org.deeplearning4j.nn.conf.layers.Layer dl4j = null;
        boolean image = layer instanceof Conv2DSpec || layer instanceof Pooling2DSpec
                || layer instanceof GlobalPooling2DSpec
                || (layer instanceof BatchNormalizationSpec && shape.length == 3);
        if (image && form == Form.FLAT) {
            format = layer instanceof Conv2DSpec c ? c.dataFormat() : layer instanceof Pooling2DSpec p
                    ? p.dataFormat() : layer instanceof GlobalPooling2DSpec g ? g.dataFormat() : format;
            if (format == DataFormat.CHANNELS_LAST && shape[2] != 1) {
                throw new IllegalArgumentException(name(layer) + " on flat values as " + Arrays.toString(shape)
                        + " channels-last: only one channel can be read from a flat vector");
            }
            before = new FeedForwardToCnnPreProcessor(format.rows(shape), format.cols(shape), format.channels(shape));
            form = Form.IMAGE;
        }
        if (layer instanceof DenseSpec dense) {
            if (form == Form.SEQUENCE) {
                throw new IllegalArgumentException("Dense after a sequence: add LSTM(return_sequences=False)");
            }
            // Keras puts the loss on the model; DL4J on its last layer, an OutputLayer.
            dl4j = last ? new OutputLayer.Builder(spec.loss().dl4j(dense.units())).nIn(shape[0])
                    .nOut(dense.units()).activation(dense.activation().dl4j()).build()
                    : new DenseLayer.Builder().nIn(shape[0]).nOut(dense.units())
                    .activation(dense.activation().dl4j()).build();
            order = null;
        } else if (layer instanceof Conv2DSpec conv) {
            // 'valid' is DL4J's Truncate (no padding, partial windows dropped), 'same' DL4J's Same (TF's
            // padding: the odd row or column at the bottom and right). glorot_uniform has Keras's fans in DL4J's
            // ConvolutionParamInitializer (fan_in = channels_in * k * k, fan_out = filters * k * k / strides).
            dl4j = new ConvolutionLayer.Builder(conv.kernelSize().array(), conv.strides().array())
                    .convolutionMode(mode(conv.padding())).nIn(conv.dataFormat().channels(shape))
                    .nOut(conv.filters()).hasBias(conv.useBias()).activation(conv.activation().dl4j()).build();
        } else if (layer instanceof Pooling2DSpec pool) {
            // Keras's average over 'same' windows counts only the cells inside the image
            dl4j = new SubsamplingLayer.Builder(pool.poolType() == PoolType.MAX ? SubsamplingLayer.PoolingType.MAX
                    : SubsamplingLayer.PoolingType.AVG).kernelSize(pool.poolSize().array())
                    .stride(pool.strides().array()).convolutionMode(mode(pool.padding()))
                    .avgPoolIncludePadInDivisor(false).build();
        } else if (layer instanceof GlobalPooling2DSpec global) {
            dl4j = new GlobalPoolingLayer.Builder(global.poolType() == PoolType.MAX
                    ? org.deeplearning4j.nn.conf.layers.PoolingType.MAX
                    : org.deeplearning4j.nn.conf.layers.PoolingType.AVG).build();
            form = Form.FLAT;
            order = null;
        } else if (layer instanceof FlattenSpec || (layer instanceof ReshapeSpec && out.length == 1)) {
            if (form == Form.IMAGE) {
                pending = combine(pending, new CnnToFeedForwardPreProcessor(format.rows(shape), format.cols(shape),
                        format.channels(shape)));
                // Keras flattens (h, w, c) for channels-last maps, and for channels-first ones too when
                // Flatten itself says channels_first (it moves the channels last first)
                boolean hwc = format == DataFormat.CHANNELS_LAST || (layer instanceof FlattenSpec f
                        && f.dataFormat() == DataFormat.CHANNELS_FIRST);
                if (format == DataFormat.CHANNELS_LAST && layer instanceof FlattenSpec f
                        && f.dataFormat() == DataFormat.CHANNELS_FIRST) {
                    throw new IllegalArgumentException("Flatten(data_format='channels_first') of channels-last"
                            + " feature maps");
                }
                order = hwc ? hwcOrder(format.rows(shape), format.cols(shape), format.channels(shape)) : null;
                form = Form.FLAT;
            } else if (form == Form.SEQUENCE) {
                throw new IllegalArgumentException(name(layer) + " of a sequence: use LSTM(return_sequences=False)");
            } // flat already: the values are in Keras's order
        } else if (layer instanceof ReshapeSpec) {
            if (form != Form.FLAT) {
                throw new IllegalArgumentException("Reshape of " + Arrays.toString(shape) + " to "
                        + Arrays.toString(out) + ": only flat values can be reshaped");
            } // flat values keep their order; the next layer reads them in the new shape
        } else if (layer instanceof DropoutSpec dropout) {
            // Keras's rate is the fraction dropped; DL4J's Dropout takes the fraction kept. Both are inverted
            // dropout (kept values scaled by 1 / keep), active only while training.
            DropoutLayer.Builder b = new DropoutLayer.Builder().dropOut(new Dropout(1 - dropout.rate()));
            dl4j = form == Form.FLAT ? b.nIn(shape[0]).nOut(shape[0]).build() : b.build();
        } else if (layer instanceof ActivationSpec a) {
            dl4j = new ActivationLayer.Builder().activation(a.activation().dl4j()).build();
        } else if (layer instanceof LeakyReLUSpec l) {
            dl4j = new ActivationLayer.Builder().activation(new ActivationLReLU(l.negativeSlope())).build();
        } else if (layer instanceof RescalingSpec) {
            if (form != Form.FLAT) {
                throw new IllegalArgumentException("Rescaling of feature maps: only of the input or flat values");
            }
            dl4j = scale(product(shape));
        } else if (layer instanceof BatchNormalizationSpec bn) {
            int channels = shape.length == 1 ? shape[0] : format.channels(shape);
            dl4j = new BatchNormalization.Builder().nIn(channels).nOut(channels).eps(bn.epsilon())
                    .decay(bn.momentum()).useLogStd(false).build();
        } else if (layer instanceof LstmSpec lstm) {
            if (form == Form.FLAT) {
                before = new ReshapePreprocessor(new long[] {product(shape)}, new long[] {shape[0], shape[1]}, false);
            } else if (form != Form.SEQUENCE) {
                throw new IllegalArgumentException("LSTM on feature maps: give it (timesteps, features)");
            }
            LSTM cell = new LSTM.Builder().nIn(shape[1]).nOut(lstm.units()).activation(lstm.activation().dl4j())
                    .gateActivationFunction(lstm.recurrentActivation().dl4j()).dataFormat(RNNFormat.NWC).build();
            dl4j = lstm.returnSequences() ? cell : new LastTimeStep(cell);
            form = lstm.returnSequences() ? Form.SEQUENCE : Form.FLAT;
            order = null;
        } else if (layer instanceof SimpleRnnSpec rnn) {
            if (form == Form.FLAT) {
                before = new ReshapePreprocessor(new long[] {product(shape)}, new long[] {shape[0], shape[1]}, false);
            } else if (form != Form.SEQUENCE) {
                throw new IllegalArgumentException("SimpleRNN on feature maps: give it (timesteps, features)");
            }
            SimpleRnn cell = new SimpleRnn.Builder().nIn(shape[1]).nOut(rnn.units())
                    .activation(rnn.activation().dl4j()).dataFormat(RNNFormat.NWC).build();
            dl4j = rnn.returnSequences() ? cell : new LastTimeStep(cell);
            form = rnn.returnSequences() ? Form.SEQUENCE : Form.FLAT;
            order = null;
        } // Add: the sum, laid out as its inputs
        if (dl4j != null || layer instanceof AddSpec) {
            if (pending != null && before != null) {
                throw new IllegalArgumentException(name(layer) + " after a reshape of a reshape");
            }
            before = pending != null ? pending : before;
            pending = null;
        } else if (before != null) {
            throw new IllegalArgumentException(name(layer) + ": no DL4J layer to reshape for");
        }
        return new Piece(dl4j, before, new State(form, format, order, pending));
    }

    /** What a DL4J layer's input is: a flat vector, NCHW feature maps, or an NWC sequence. */
    private enum Form { FLAT, IMAGE, SEQUENCE }

    /** {@code x * W + b} per feature with constant W and b: Rescaling, not trained. */
    private static ElementWiseMultiplicationLayer scale(int n) {
        return new ElementWiseMultiplicationLayer.Builder().nIn(n).nOut(n).activation(Activation.IDENTITY)
                .updater(new NoOp()).build();
    }

    private static ConvolutionMode mode(Padding padding) {
        return padding == Padding.VALID ? ConvolutionMode.Truncate : ConvolutionMode.Same;
    }

    /** For DL4J's flattening (c, h, w) of feature maps that Keras flattens (h, w, c): which Keras feature each
     * DL4J one is; null when they agree (one channel). */
    private static int[] hwcOrder(int h, int w, int c) {
        if (c == 1) {
            return null;
        }
        int[] order = new int[h * w * c];
        for (int ci = 0; ci < c; ci++) {
            for (int hi = 0; hi < h; hi++) {
                for (int wi = 0; wi < w; wi++) {
                    order[ci * h * w + hi * w + wi] = (hi * w + wi) * c + ci;
                }
            }
        }
        return order;
    }

    private static int product(int[] shape) {
        return Arrays.stream(shape).reduce(1, (a, b) -> a * b);
    }

    private static String name(LayerSpec layer) {
        return ModelSummary.kerasClass(layer);
    }

    /**
     * An initialised network for {@code spec}, its RMSprop accumulators at zero as Keras starts them, with the
     * faster run-time implementations of {@link FastPath} installed.
     * (ND4J's updater fills them with epsilon; with epsilon 1e-7 they decay into subnormal floats that make every
     * step ~30% slower. Zeroing the state keeps the stock updater, so plain DL4J loads our files.)
     */
    public static MultiLayerNetwork build(ModelSpec spec) {
        return FastPath.install(buildStock(spec), spec.optimizer().epsilonPlacement());
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
        setConstants(spec, plan, k -> net.getLayer(k), net.getLayer(0));
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
        setConstants(spec, plan, k -> graph.getLayer(plan.vertex[k]),
                plan.scaled ? graph.getLayer("input_scale") : null);
        return graph;
    }

    /** The network for {@code spec}: a {@link MultiLayerNetwork} for a chain, a {@link ComputationGraph} else. */
    public static Model buildAny(ModelSpec spec) {
        return spec.chain() ? build(spec) : buildGraph(spec);
    }

    /** The input scale's and Rescaling layers' constants, which Keras does not train. */
    private static void setConstants(ModelSpec spec, Plan plan, java.util.function.IntFunction<Layer> layer,
                                     Layer prefix) {
        if (plan.scaled) {
            prefix.getParam("W").assign(spec.inputScale());
            prefix.getParam("b").assign(0);
        }
        for (int k = 0; k < spec.layers().size(); k++) {
            if (spec.layers().get(k) instanceof RescalingSpec r) {
                Layer l = layer.apply(plan.dl4jIndex == null ? k : plan.dl4jIndex[k]);
                l.getParam("W").assign(r.scale());
                l.getParam("b").assign(r.offset());
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

    /** The Keras variables of a layer, in Keras's order and shapes ({@code kernel, bias}, ...). */
    public static List<String> variables(LayerSpec layer) {
        if (layer instanceof DenseSpec) {
            return List.of("kernel", "bias");
        } else if (layer instanceof Conv2DSpec c) {
            return c.useBias() ? List.of("kernel", "bias") : List.of("kernel");
        } else if (layer instanceof BatchNormalizationSpec b) {
            List<String> names = new ArrayList<>();
            if (b.scale()) {
                names.add("gamma");
            }
            if (b.center()) {
                names.add("beta");
            }
            names.add("moving_mean");
            names.add("moving_variance");
            return names;
        } else if (layer instanceof LstmSpec || layer instanceof SimpleRnnSpec) {
            return List.of("kernel", "recurrent_kernel", "bias");
        }
        return List.of();
    }

    /** The Keras shapes of a layer's variables, given its input shape (Keras's layout). */
    public static List<long[]> variableShapes(LayerSpec layer, int[] in, int[] out) {
        List<long[]> shapes = new ArrayList<>();
        if (layer instanceof DenseSpec d) {
            shapes.add(new long[] {in[0], d.units()});
            shapes.add(new long[] {d.units()});
        } else if (layer instanceof Conv2DSpec c) {
            shapes.add(new long[] {c.kernelSize().rows(), c.kernelSize().cols(), c.dataFormat().channels(in),
                    c.filters()});
            if (c.useBias()) {
                shapes.add(new long[] {c.filters()});
            }
        } else if (layer instanceof BatchNormalizationSpec b) {
            long n = in.length == 1 ? in[0] : b.axis() == 1 ? in[0] : in[2]; // channels-first or -last
            for (int i = 0; i < variables(layer).size(); i++) {
                shapes.add(new long[] {n});
            }
        } else if (layer instanceof LstmSpec l) {
            shapes.add(new long[] {in[1], 4L * l.units()});
            shapes.add(new long[] {l.units(), 4L * l.units()});
            shapes.add(new long[] {4L * l.units()});
        } else if (layer instanceof SimpleRnnSpec r) {
            shapes.add(new long[] {in[1], r.units()});
            shapes.add(new long[] {r.units(), r.units()});
            shapes.add(new long[] {r.units()});
        }
        return shapes;
    }

    /**
     * Copies Keras's weights into {@code net} (built from {@code spec}): per spec layer its variables in Keras's
     * order and shapes ({@link #variables}), converted to DL4J's layouts.
     *
     * @throws IllegalArgumentException if a layer has the wrong number of variables or one has the wrong shape
     */
    public static void setKerasWeights(Model net, ModelSpec spec, List<List<INDArray>> weights) {
        Plan plan = plan(spec);
        List<int[]> shapes = spec.outputShapes();
        for (int k = 0; k < spec.layers().size(); k++) {
            LayerSpec layer = spec.layers().get(k);
            int[] in = spec.inputShapeOf(k, shapes);
            List<long[]> expected = variableShapes(layer, in, shapes.get(k));
            List<INDArray> given = weights.get(k);
            if (given.size() != expected.size()) {
                throw new IllegalArgumentException(name(layer) + " layer " + k + " has " + given.size()
                        + " weight arrays; " + expected.size() + " expected (" + variables(layer) + ")");
            }
            for (int v = 0; v < given.size(); v++) {
                if (!Arrays.equals(given.get(v).shape(), expected.get(v))) {
                    throw new IllegalArgumentException(name(layer) + " layer " + k + ": " + variables(layer).get(v)
                            + " has shape " + Arrays.toString(given.get(v).shape()) + " but the config gives "
                            + Arrays.toString(expected.get(v)));
                }
            }
            if (!given.isEmpty()) {
                copyIn(layerOf(net, plan, k), layer, given, plan.inputOrder.get(k));
            }
        }
    }

    private static void copyIn(Layer target, LayerSpec layer, List<INDArray> w, int[] order) {
        if (layer instanceof DenseSpec) {
            INDArray kernel = w.get(0).castTo(DataType.FLOAT);
            set(target, "W", order == null ? kernel : rows(kernel, order));
            set(target, "b", w.get(1));
        } else if (layer instanceof Conv2DSpec c) {
            set(target, "W", w.get(0).permute(3, 2, 0, 1)); // (kh, kw, in, out) -> [out, in, kh, kw]
            if (c.useBias()) {
                set(target, "b", w.get(1));
            }
        } else if (layer instanceof BatchNormalizationSpec b) {
            int i = 0;
            long n = w.get(w.size() - 1).length();
            set(target, "gamma", b.scale() ? features(w.get(i++), order) : Nd4j.ones(DataType.FLOAT, n));
            set(target, "beta", b.center() ? features(w.get(i++), order) : Nd4j.zeros(DataType.FLOAT, n));
            set(target, "mean", features(w.get(i++), order));
            set(target, "var", features(w.get(i), order));
        } else if (layer instanceof SimpleRnnSpec) {
            set(target, SimpleRnnParamInitializer.WEIGHT_KEY, w.get(0));
            set(target, SimpleRnnParamInitializer.RECURRENT_WEIGHT_KEY, w.get(1));
            set(target, SimpleRnnParamInitializer.BIAS_KEY, w.get(2));
        } else if (layer instanceof LstmSpec) {
            set(target, "W", gates(w.get(0), KERAS_TO_DL4J_GATES));
            set(target, "RW", gates(w.get(1), KERAS_TO_DL4J_GATES));
            set(target, "b", gates(w.get(2).reshape(1, w.get(2).length()), KERAS_TO_DL4J_GATES));
        }
    }

    /**
     * The network's weights as Keras's variables: per spec layer, in Keras's order and shapes ({@link #variables}).
     */
    public static List<List<INDArray>> kerasWeights(Model net, ModelSpec spec) {
        Plan plan = plan(spec);
        List<List<INDArray>> all = new ArrayList<>();
        for (int k = 0; k < spec.layers().size(); k++) {
            LayerSpec layer = spec.layers().get(k);
            int[] order = plan.inputOrder.get(k);
            List<INDArray> w = new ArrayList<>();
            Layer source = layerOf(net, plan, k);
            if (layer instanceof DenseSpec) {
                INDArray kernel = source.getParam("W").dup();
                w.add(order == null ? kernel : rows(kernel, inverse(order)));
                w.add(flat(source.getParam("b")));
            } else if (layer instanceof Conv2DSpec c) {
                w.add(source.getParam("W").permute(2, 3, 1, 0).dup('c'));
                if (c.useBias()) {
                    w.add(flat(source.getParam("b")));
                }
            } else if (layer instanceof BatchNormalizationSpec b) {
                int[] back = order == null ? null : inverse(order);
                if (b.scale()) {
                    w.add(features(source.getParam("gamma"), back));
                }
                if (b.center()) {
                    w.add(features(source.getParam("beta"), back));
                }
                w.add(features(source.getParam("mean"), back));
                w.add(features(source.getParam("var"), back));
            } else if (layer instanceof SimpleRnnSpec) {
                w.add(source.getParam(SimpleRnnParamInitializer.WEIGHT_KEY).dup());
                w.add(source.getParam(SimpleRnnParamInitializer.RECURRENT_WEIGHT_KEY).dup());
                w.add(flat(source.getParam(SimpleRnnParamInitializer.BIAS_KEY)));
            } else if (layer instanceof LstmSpec) {
                w.add(gates(source.getParam("W"), DL4J_TO_KERAS_GATES));
                w.add(gates(source.getParam("RW"), DL4J_TO_KERAS_GATES));
                INDArray b = source.getParam("b");
                w.add(flat(gates(b.reshape(1, b.length()), DL4J_TO_KERAS_GATES)));
            }
            all.add(w);
        }
        return all;
    }

    /** Keras's gates are i, f, c, o; DL4J's c, f, o, i (KerasLSTM in DL4J's importer does the same). */
    private static final int[] KERAS_TO_DL4J_GATES = {2, 1, 3, 0};
    private static final int[] DL4J_TO_KERAS_GATES = {3, 1, 0, 2};

    /** The four column blocks of {@code m} in the order {@code from}: block j of the result is block from[j]. */
    private static INDArray gates(INDArray m, int[] from) {
        long units = m.size(1) / 4;
        INDArray out = Nd4j.create(DataType.FLOAT, m.shape());
        for (int j = 0; j < 4; j++) {
            out.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(j * units, (j + 1) * units))
                    .assign(m.get(org.nd4j.linalg.indexing.NDArrayIndex.all(),
                            org.nd4j.linalg.indexing.NDArrayIndex.interval(from[j] * units, (from[j] + 1) * units)));
        }
        return out;
    }

    private static INDArray rows(INDArray m, int[] order) {
        return m.getRows(order);
    }

    private static INDArray features(INDArray v, int[] order) {
        INDArray flat = flat(v);
        if (order == null) {
            return flat;
        }
        float[] values = flat.toFloatVector();
        float[] out = new float[values.length];
        for (int j = 0; j < out.length; j++) {
            out[j] = values[order[j]];
        }
        return Nd4j.createFromArray(out);
    }

    private static int[] inverse(int[] order) {
        int[] inv = new int[order.length];
        for (int j = 0; j < order.length; j++) {
            inv[order[j]] = j;
        }
        return inv;
    }

    private static INDArray flat(INDArray v) {
        return v.castTo(DataType.FLOAT).dup().reshape(v.length());
    }

    private static void set(Layer layer, String key, INDArray value) {
        INDArray target = layer.getParam(key);
        if (target.length() != value.length()) {
            throw new IllegalArgumentException("parameter " + key + " of " + layer.getClass().getSimpleName()
                    + " has " + target.length() + " values, not " + value.length());
        }
        target.assign(value.castTo(DataType.FLOAT).dup('c').reshape(target.shape()));
    }
}
