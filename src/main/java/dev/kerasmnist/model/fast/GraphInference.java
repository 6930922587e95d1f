package dev.kerasmnist.model.fast;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.graph.vertex.VertexIndices;
import org.deeplearning4j.nn.graph.vertex.impl.LayerVertex;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.Convolution1DUtils;
import org.deeplearning4j.util.ConvolutionUtils;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.scalar.RectifiedLinear;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Inference through a {@link ComputationGraph} (an imported Functional graph) that costs what its arithmetic costs.
 * Stock DL4J runs a graph's convolutions as im2col + GEMM (a 9x copy of every input map), its BatchNormalization
 * through a slow helper, and keeps every activation in workspaces sized for the largest batch seen (measured on a
 * 5-convolution ResNet, issue #32: 16 s per 1,000 images, 11.4 GB peak). Here the graph's own vertices run in their
 * order, with plain arrays outside any workspace, and:
 * <ul>
 *   <li>a convolution runs as libnd4j's conv2d op (oneDNN where the build has it), as {@link FastConvolutionLayer};
 *   <li>a BatchNormalization that is the only reader of a convolution without activation is folded into it: weights
 *       {@code W * s} and bias {@code (b - mean) * s + beta}, {@code s = gamma / sqrt(var + eps)}, computed from the
 *       current parameters at every call (the parameters, and so every saved file, stay stock);
 *   <li>a ReLU that is the only reader of a convolution or an Add runs in place on its output;
 *   <li>an Add writes into an input no later vertex reads;
 *   <li>every other vertex runs as DL4J's own, without workspaces.
 * </ul>
 * Each array this class allocated goes back to a pool as soon as the last vertex reading it has run, and the next
 * vertex or batch reuses it, so memory stays a few activations of one batch. The convolution sums its products in
 * another order and the folded BatchNormalization rounds differently: outputs agree with stock DL4J to float
 * rounding ({@code GraphInferenceTest}). Graphs this does not cover (several inputs or outputs, NHWC or recurrent
 * layouts, which DL4J's graph permutes between layers on its own) run as DL4J's {@code output}.
 */
final class GraphInference {
    private GraphInference() {}

    /** The graph's inference output for {@code input} (one batch), as {@code graph.outputSingle(false, input)}. */
    static INDArray output(ComputationGraph graph, INDArray input) {
        if (!Nd4j.getEnvironment().isCPU() || !covered(graph)) {
            return graph.outputSingle(false, input);
        }
        Helpers.offByDefault();
        // DL4J's layers keep their inputs between calls, and its own output() locks the graph: so does this
        synchronized (graph) {
            Pool pool = pool(graph);
            try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
                graph.setInputs(input); // where DL4J's vertices read the batch size, as in its own output()
                return new Pass(graph, input, pool).run();
            } finally {
                pool.keepOnly(input.size(0));
                graph.clearLayersStates();
            }
        }
    }

    /** The graphs' pools, by identity (a graph's equals compares parameters), for as long as each graph lives. */
    private static final List<Map.Entry<WeakReference<ComputationGraph>, Pool>> POOLS = new ArrayList<>();

    private static Pool pool(ComputationGraph graph) {
        synchronized (POOLS) {
            POOLS.removeIf(e -> e.getKey().get() == null);
            for (Map.Entry<WeakReference<ComputationGraph>, Pool> e : POOLS) {
                if (e.getKey().get() == graph) {
                    return e.getValue();
                }
            }
            Pool pool = new Pool();
            POOLS.add(Map.entry(new WeakReference<>(graph), pool));
            return pool;
        }
    }

    /**
     * The activation arrays of a graph's last batch, for the next batch to reuse (guarded by the graph). Fresh
     * arrays of tens of MB each cost more than the arithmetic written into them: the C library maps large blocks
     * from the kernel and returns them when freed, so every page of every activation was faulted in and zeroed
     * again (measured on the ResNet: half of the CPU time, in the kernel). Holds a batch's working set (a few
     * activations: 150 MB for 500 images of 32 maps of 28x28) while the graph lives.
     */
    private static final class Pool {
        private final List<INDArray> free = new ArrayList<>();

        INDArray take(long[] shape) {
            for (int i = 0; i < free.size(); i++) {
                if (Arrays.equals(free.get(i).shape(), shape)) {
                    return free.remove(i);
                }
            }
            return Nd4j.createUninitializedDetached(DataType.FLOAT, shape);
        }

        void give(INDArray a) {
            free.add(a);
        }

        /** Frees the arrays of other batch sizes (a server's next batches are rarely as large as an evaluation's). */
        void keepOnly(long rows) {
            free.removeIf(a -> {
                if (a.size(0) == rows) {
                    return false;
                }
                a.close();
                return true;
            });
        }
    }

    /** Whether {@link Pass} reproduces DL4J's forward pass of this graph (else DL4J's own runs). */
    static boolean covered(ComputationGraph graph) {
        ComputationGraphConfiguration conf = graph.getConfiguration();
        if (conf.getNetworkInputs().size() != 1 || conf.getNetworkOutputs().size() != 1) {
            return false;
        }
        for (Layer layer : graph.getLayers()) {
            org.deeplearning4j.nn.conf.layers.Layer c = layer.conf().getLayer();
            // DL4J permutes between consecutive layers of these kinds whose formats differ: only NCHW is covered
            if ((ConvolutionUtils.layerHasConvolutionLayout(c)
                            && ConvolutionUtils.getFormatForLayer(c) != org.deeplearning4j.nn.conf.CNN2DFormat.NCHW)
                    || Convolution1DUtils.hasRnnDataFormat(c)) {
                return false;
            }
        }
        return true;
    }

    /** One forward pass: every vertex's value, freed when its last reader has run. */
    private static final class Pass {
        private final ComputationGraph graph;
        private final GraphVertex[] vertices;
        private final INDArray input;
        private final INDArray[] value;
        /** Readers of each vertex's value that have not run yet. */
        private final int[] unread;
        /** Whether the value is an array this pass allocated and nothing else refers to (so it may be freed). */
        private final boolean[] owned;
        /** Vertices computed as part of an earlier one's step (a folded BatchNormalization, a fused ReLU). */
        private final boolean[] done;

        private final int output;
        private final LayerWorkspaceMgr mgr = LayerWorkspaceMgr.noWorkspaces();
        private final Pool pool;

        Pass(ComputationGraph graph, INDArray input, Pool pool) {
            this.graph = graph;
            this.pool = pool;
            this.vertices = graph.getVertices();
            this.input = input;
            int n = vertices.length;
            value = new INDArray[n];
            unread = new int[n];
            owned = new boolean[n];
            done = new boolean[n];
            for (GraphVertex v : vertices) {
                VertexIndices[] readers = v.getOutputVertices();
                unread[v.getVertexIndex()] = readers == null ? 0 : readers.length;
            }
            output = graph.getVertex(
                            graph.getConfiguration().getNetworkOutputs().get(0))
                    .getVertexIndex();
        }

        INDArray run() {
            for (int i : graph.topologicalSortOrder()) {
                if (done[i]) {
                    continue;
                }
                GraphVertex v = vertices[i];
                if (v.isInputVertex()) {
                    value[i] = input;
                } else if (!convolution(v) && !add(v)) {
                    stock(v);
                }
            }
            return value[output];
        }

        /** The convolution with its BatchNormalization folded in and its ReLU applied, when this vertex is one. */
        private boolean convolution(GraphVertex v) {
            if (!(v instanceof LayerVertex lv)
                    || lv.getLayer().getClass() != org.deeplearning4j.nn.layers.convolution.ConvolutionLayer.class) {
                return false;
            }
            var conf = (org.deeplearning4j.nn.conf.layers.ConvolutionLayer)
                    lv.getLayer().conf().getLayer();
            INDArray w = lv.getLayer().getParam(ConvolutionParamInitializer.WEIGHT_KEY);
            INDArray x = in(v, 0);
            InputPreProcessor pre = lv.getLayerPreProcessor();
            if (pre != null) {
                x = pre.preProcess(x, (int) x.size(0), mgr);
            }
            if (!FastConvolutionLayer.plain(conf)
                    || w.dataType() != DataType.FLOAT
                    || x.rank() != 4
                    || x.dataType() != DataType.FLOAT) {
                return false;
            }
            LayerVertex bn = conf.getActivationFn() instanceof ActivationIdentity ? foldable(v) : null;
            INDArray bias = conf.hasBias() ? lv.getLayer().getParam(ConvolutionParamInitializer.BIAS_KEY) : null;
            INDArray[] folded = bn == null ? new INDArray[] {w, bias} : fold(w, bias, bn);
            INDArray z = pool.take(FastConvolutionLayer.outputShape(conf, x));
            INDArray xc = x.ordering() == 'c' && x.elementWiseStride() == 1
                    ? x
                    : pool.take(x.shape()).assign(x);
            INDArray[] inputs = folded[1] == null
                    ? new INDArray[] {xc, folded[0]}
                    : new INDArray[] {xc, folded[0], folded[1].reshape(folded[1].length())};
            DynamicCustomOp conv = DynamicCustomOp.builder("conv2d")
                    .addInputs(inputs)
                    .addOutputs(z)
                    .addIntegerArguments(FastConvolutionLayer.arguments(conf))
                    .build();
            Helpers.on(() -> Nd4j.exec(conv));
            if (xc != x) {
                pool.give(xc);
            }
            int last = v.getVertexIndex();
            if (bn != null) {
                done[bn.getVertexIndex()] = true;
                last = bn.getVertexIndex();
            }
            boolean relu = FastConvolutionLayer.relu(conf.getActivationFn());
            LayerVertex after = relu ? null : soleReluReader(vertices[last]);
            if (relu || after != null) {
                Nd4j.getExecutioner().exec(new RectifiedLinear(z, z, 0.0));
            }
            if (after != null) {
                done[after.getVertexIndex()] = true;
                last = after.getVertexIndex();
            }
            read(v, 0, z);
            produce(last, z);
            return true;
        }

        /** The conv's BatchNormalization when it is the conv's only reader and can be folded into it, else null. */
        private LayerVertex foldable(GraphVertex conv) {
            if (!(soleReader(conv) instanceof LayerVertex bn)
                    || bn.getLayer().getClass() != org.deeplearning4j.nn.layers.normalization.BatchNormalization.class
                    || bn.getLayerPreProcessor() != null) {
                return null;
            }
            BatchNormalization c = (BatchNormalization) bn.getLayer().conf().getLayer();
            return c.isLockGammaBeta()
                            || c.isUseLogStd()
                            || c.getCnn2DFormat() != org.deeplearning4j.nn.conf.CNN2DFormat.NCHW
                            || c.getIDropout() != null
                            || bn.getLayer().getParam(BatchNormalizationParamInitializer.GLOBAL_VAR) == null
                    ? null
                    : bn;
        }

        /**
         * {@code W * s} and {@code (b - mean) * s + beta} with {@code s = gamma / sqrt(var + eps)} per output
         * channel: the convolution followed by DL4J's inference BatchNormalization, {@code (z - mean) / sqrt(var +
         * eps) * gamma + beta}, as one convolution. In double, rounded to float once.
         */
        private static INDArray[] fold(INDArray w, INDArray bias, LayerVertex bn) {
            Layer layer = bn.getLayer();
            BatchNormalization c = (BatchNormalization) layer.conf().getLayer();
            float[] gamma = floats(layer.getParam(BatchNormalizationParamInitializer.GAMMA));
            float[] beta = floats(layer.getParam(BatchNormalizationParamInitializer.BETA));
            float[] mean = floats(layer.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN));
            float[] var = floats(layer.getParam(BatchNormalizationParamInitializer.GLOBAL_VAR));
            float[] b = bias == null ? new float[gamma.length] : floats(bias);
            float[] k = floats(w);
            int out = gamma.length;
            int perOut = k.length / out;
            float[] foldedB = new float[out];
            for (int o = 0; o < out; o++) {
                double s = gamma[o] / Math.sqrt((double) var[o] + c.getEps());
                for (int j = o * perOut; j < (o + 1) * perOut; j++) {
                    k[j] = (float) (k[j] * s);
                }
                foldedB[o] = (float) ((b[o] - (double) mean[o]) * s + beta[o]);
            }
            return new INDArray[] {Nd4j.create(k, w.shape(), 'c'), Nd4j.create(foldedB, new long[] {out}, 'c')};
        }

        /** The sum of the Add's inputs, written into one that no later vertex reads where there is one. */
        private boolean add(GraphVertex v) {
            if (!(v instanceof org.deeplearning4j.nn.graph.vertex.impl.ElementWiseVertex)
                    || !(graph.getConfiguration().getVertices().get(v.getVertexName()) instanceof ElementWiseVertex e)
                    || e.getOp() != ElementWiseVertex.Op.Add) {
                return false;
            }
            int n = v.getInputVertices().length;
            INDArray[] xs = new INDArray[n];
            for (int k = 0; k < n; k++) {
                xs[k] = in(v, k);
                if (xs[k].dataType() != DataType.FLOAT || !Arrays.equals(xs[k].shape(), xs[0].shape())) {
                    return false;
                }
            }
            int into = -1;
            List<Integer> sources = new ArrayList<>();
            for (int k = 0; k < n; k++) {
                int from = v.getInputVertices()[k].getVertexIndex();
                if (sources.contains(from)) {
                    into = -2; // the same value twice: no input is free to overwrite
                }
                sources.add(from);
            }
            for (int k = 0; k < n && into == -1; k++) {
                int from = sources.get(k);
                if (owned[from] && unread[from] == 1 && xs[k].ordering() == 'c' && xs[k].elementWiseStride() == 1) {
                    into = k;
                }
            }
            INDArray sum = into >= 0 ? xs[into] : pool.take(xs[0].shape()).assign(xs[0]);
            for (int k = 0; k < n; k++) {
                if (k != into && (into >= 0 || k > 0)) {
                    sum.addi(xs[k]);
                }
            }
            int last = v.getVertexIndex();
            LayerVertex after = soleReluReader(v);
            if (after != null) {
                Nd4j.getExecutioner().exec(new RectifiedLinear(sum, sum, 0.0));
                done[after.getVertexIndex()] = true;
                last = after.getVertexIndex();
            }
            if (into >= 0) {
                owned[sources.get(into)] = false; // now the Add's value
            }
            for (int k = 0; k < n; k++) {
                read(v, k, sum);
            }
            produce(last, sum);
            return true;
        }

        /** The vertex's only reader when it is a plain ReLU layer reading nothing else, else null. */
        private LayerVertex soleReluReader(GraphVertex v) {
            return soleReader(v) instanceof LayerVertex r
                            && r.getLayer().getClass() == org.deeplearning4j.nn.layers.ActivationLayer.class
                            && r.getLayerPreProcessor() == null
                            && r.getLayer().conf().getLayer() instanceof ActivationLayer a
                            && a.getIDropout() == null
                            && FastConvolutionLayer.relu(a.getActivationFn())
                    ? r
                    : null;
        }

        /** The vertex's only reader, when it has one and it reads nothing else; null else, or for the output. */
        private GraphVertex soleReader(GraphVertex v) {
            VertexIndices[] readers = v.getOutputVertices();
            if (v.getVertexIndex() == output || readers == null || readers.length != 1) {
                return null;
            }
            GraphVertex reader = vertices[readers[0].getVertexIndex()];
            return reader.getInputVertices().length == 1 ? reader : null;
        }

        /**
         * DL4J's own vertex, without workspaces. An input of it goes back to the pool after its last reader only if
         * the vertex's output does not view it (its output may be a reshape of it).
         */
        private void stock(GraphVertex v) {
            int n = v.getInputVertices().length;
            INDArray out;
            if (v instanceof LayerVertex lv) {
                INDArray x = in(v, 0);
                InputPreProcessor pre = lv.getLayerPreProcessor();
                Layer layer = lv.getLayer();
                layer.setInput(pre == null ? x : pre.preProcess(x, (int) x.size(0), mgr), mgr);
                out = layer.activate(false, mgr);
            } else {
                for (int k = 0; k < n; k++) {
                    v.setInput(k, in(v, k), mgr);
                }
                out = v.doForward(false, mgr);
            }
            for (int k = 0; k < n; k++) {
                int from = v.getInputVertices()[k].getVertexIndex();
                if (owned[from] && overlap(out, value[from])) {
                    owned[from] = false;
                }
                read(v, k, out);
            }
            value[v.getVertexIndex()] = out;
        }

        /** Whether two arrays' memory overlaps. */
        private static boolean overlap(INDArray a, INDArray b) {
            long a0 = a.data().address();
            long b0 = b.data().address();
            return a0 < b0 + b.data().length() * b.data().getElementSize()
                    && b0 < a0 + a.data().length() * a.data().getElementSize();
        }

        private INDArray in(GraphVertex v, int k) {
            return value[v.getInputVertices()[k].getVertexIndex()];
        }

        /** Counts the read of input {@code k} of {@code v}: after its last reader it goes back to the pool. */
        private void read(GraphVertex v, int k, INDArray out) {
            int from = v.getInputVertices()[k].getVertexIndex();
            if (--unread[from] == 0 && owned[from] && value[from] != out) {
                pool.give(value[from]);
                value[from] = null;
            }
        }

        private void produce(int vertex, INDArray z) {
            value[vertex] = z;
            owned[vertex] = vertex != output; // the caller's
        }

        private static float[] floats(INDArray a) {
            return a.dup('c').data().asFloat();
        }
    }
}
