package dev.kerasmnist.model.fast;

import dev.kerasmnist.model.EpsilonPlacement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.deeplearning4j.nn.api.Trainable;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.FrozenLayerWithBackprop;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.MultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.NoOpUpdater;
import org.nd4j.linalg.learning.RmsPropUpdater;
import org.nd4j.linalg.learning.config.RmsProp;

/**
 * DL4J's updater for RMSprop networks, doing the division by the batch size and the RMSprop step in one pass of a
 * Java loop the JIT vectorises, on every core. Stock DL4J makes a full pass for the division and then runs ND4J's
 * RMSprop op, whose inner loop is scalar (about 4x slower here). Same configuration, same state array (so
 * checkpoints, resume and saved files are unchanged) and, with {@link EpsilonPlacement#OUTSIDE_SQRT}, the same
 * float arithmetic as the op: {@code s = s * rho + g * g * (1 - rho)}, {@code u = (lr * g) / (sqrt(s) + eps)}.
 * The parameter subtraction stays DL4J's BLAS axpy in its optimizer, which no public hook replaces.
 * Networks with regularization, gradient normalization or other updaters take the stock path.
 *
 * <p>Between steps the RMSprop accumulators live in a Java array, which saves copying them in and out of native
 * memory at every step (measured: a third of this updater's time). Every way DL4J reads or writes the state goes
 * through the accessors overridden here, which first write the Java copy back and then let the next step read the
 * native array again, so a saved, copied or replaced state is always the current one.
 */
final class FusedRmsPropUpdater extends MultiLayerUpdater {
    private final EpsilonPlacement epsilon;
    private final boolean fusable;
    private float[] gradient = new float[0];
    private float[] state = new float[0];
    /** Whether {@link #state} holds the accumulators (else the native array does). Guarded by this. */
    private boolean stateOnHeap;
    /** Whether the native array lags behind {@link #state}. Guarded by this. */
    private boolean nativeStale;
    /** Below this many parameters per core a block is stepped on one thread: a hand-off costs more. */
    private static final int MIN_PER_THREAD = 1 << 14;

    private final int threads = Runtime.getRuntime().availableProcessors();
    /** Fused steps taken, so that a test can tell the fused path ran. */
    private int steps;

    FusedRmsPropUpdater(MultiLayerNetwork net, INDArray state, EpsilonPlacement epsilon) {
        super(net, state);
        this.epsilon = epsilon;
        this.fusable = fusable();
    }

    private boolean fusable() {
        if (!isMiniBatch()
                || updaterStateViewArray == null
                || updaterStateViewArray.dataType() != DataType.FLOAT
                || getFlattenedGradientsView().dataType() != DataType.FLOAT) {
            return false;
        }
        for (UpdaterBlock block : updaterBlocks) {
            boolean noOp = block.getGradientUpdater().getClass() == NoOpUpdater.class;
            // RMSprop keeps one state value per parameter: state i + shift belongs to parameter i, where the shift
            // is the block's (NoOp blocks before it hold no state)
            if (!noOp
                    && (block.getGradientUpdater().getClass() != RmsPropUpdater.class
                            || block.getUpdaterViewOffsetEnd() - block.getUpdaterViewOffsetStart()
                                    != block.getParamOffsetEnd() - block.getParamOffsetStart())) {
                return false;
            }
            for (UpdaterBlock.ParamState p : block.getLayersAndVariablesInBlock()) {
                Trainable layer = p.getLayer();
                GradientNormalization norm = layer.getConfig().getGradientNormalization();
                List<?> regularization = layer.getConfig().getRegularizationByParam(p.getParamName());
                if ((norm != null && norm != GradientNormalization.None)
                        || (regularization != null && !regularization.isEmpty())
                        || layer.getConfig().isPretrainParam(p.getParamName())) {
                    return false;
                }
                // DL4J divides a NoOp parameter's gradient by the batch size and applies it: the fused path leaves
                // NoOp gradients alone, so only those DL4J leaves alone too (BatchNormalization's moving
                // statistics), or that are zero (a frozen layer's)
                boolean divided = layer.updaterDivideByMinibatch(p.getParamName());
                if (noOp ? divided && !(layer instanceof FrozenLayerWithBackprop) : !divided) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Whether steps can take the fused path (false: this network needs DL4J's general updater). */
    boolean fused() {
        return fusable;
    }

    EpsilonPlacement epsilon() {
        return epsilon;
    }

    /** Steps that took the fused path. */
    synchronized int steps() {
        return steps;
    }

    @Override
    public synchronized void update(Gradient g, int iteration, int epoch, int batchSize, LayerWorkspaceMgr mgr) {
        // MultiLayerNetwork hands over a fresh view of its gradient array, so DL4J takes its "external gradient"
        // path, which updates the array it is given: so does this.
        INDArray view = g.gradient();
        if (!fusable
                || view == null
                || view.length() != getFlattenedGradientsView().length()
                || view.dataType() != DataType.FLOAT
                || view.elementWiseStride() != 1) {
            nativeState();
            super.update(g, iteration, epoch, batchSize, mgr);
            return;
        }
        int n = (int) view.length();
        if (gradient.length != n) {
            gradient = new float[n];
            state = new float[(int) updaterStateViewArray.length()];
            stateOnHeap = false;
        }
        Pointer gAddress = view.data().addressPointer();
        Pointer sAddress = stateOnHeap ? null : updaterStateViewArray.data().addressPointer();
        List<ForkJoinTask<?>> parts = new ArrayList<>();
        for (UpdaterBlock block : updaterBlocks) {
            if (block.getGradientUpdater() instanceof NoOpUpdater) {
                continue; // its gradient stays as DL4J's NoOp leaves it (see fusable)
            }
            RmsProp c = ((RmsPropUpdater) block.getGradientUpdater()).getConfig();
            float lr = (float) c.getLearningRate(iteration, epoch);
            float rho = (float) c.getRmsDecay();
            float eps = (float) c.getEpsilon();
            int from = block.getParamOffsetStart();
            int to = block.getParamOffsetEnd();
            int shift = block.getUpdaterViewOffsetStart() - from;
            float batch = batchSize;
            // Each core copies its part in, steps it and copies it back (element-wise: any split gives the same bits)
            int split = Math.max(1, Math.min(threads, (to - from) / MIN_PER_THREAD));
            for (int k = 1; k < split; k++) {
                int start = from + (int) ((long) (to - from) * k / split);
                int end = from + (int) ((long) (to - from) * (k + 1) / split);
                parts.add(ForkJoinPool.commonPool()
                        .submit(() -> stepNative(gAddress, sAddress, start, end, shift, batch, lr, rho, eps)));
            }
            stepNative(gAddress, sAddress, from, from + (to - from) / split, shift, batch, lr, rho, eps);
        }
        parts.forEach(ForkJoinTask::join);
        stateOnHeap = true;
        nativeStale = true;
        steps++;
    }

    /** Steps parameters {@code [from, to)}: the gradient in, the update out; the state in only when not held. */
    private void stepNative(
            Pointer gAddress,
            Pointer sAddress,
            int from,
            int to,
            int shift,
            float batch,
            float lr,
            float rho,
            float eps) {
        FloatPointer g = new FloatPointer(gAddress).position(from);
        g.get(gradient, from, to - from);
        if (sAddress != null) {
            new FloatPointer(sAddress).position(from + shift).get(state, from + shift, to - from);
        }
        step(gradient, state, from, to, shift, batch, lr, rho, eps, epsilon);
        g.put(gradient, from, to - from);
    }

    /**
     * Makes the native array the accumulators' only home again: written from the Java copy if that is newer, and
     * read back by the next fused step, since whoever asked for the array may write to it.
     */
    private synchronized void nativeState() {
        if (nativeStale) {
            new FloatPointer(updaterStateViewArray.data().addressPointer()).put(state, 0, state.length);
            nativeStale = false;
        }
        stateOnHeap = false;
    }

    @Override
    public synchronized INDArray getStateViewArray() {
        nativeState();
        return super.getStateViewArray();
    }

    @Override
    public synchronized INDArray getUpdaterStateViewArray() {
        nativeState();
        return super.getUpdaterStateViewArray();
    }

    @Override
    public synchronized List<UpdaterBlock> getUpdaterBlocks() {
        nativeState(); // the blocks hold views of the native array
        return super.getUpdaterBlocks();
    }

    @Override
    public synchronized INDArray getStateViewArrayCopy() {
        nativeState();
        return super.getStateViewArrayCopy();
    }

    @Override
    public synchronized void setStateViewArray(INDArray viewArray) {
        nativeState();
        super.setStateViewArray(viewArray);
    }

    /** The float arithmetic of ND4J's rms_prop_updater op, preceded by the division by the batch size. */
    static void step(
            float[] g,
            float[] s,
            int from,
            int to,
            int shift,
            float batch,
            float lr,
            float rho,
            float eps,
            EpsilonPlacement placement) {
        float oneMinusRho = 1 - rho;
        if (placement == EpsilonPlacement.OUTSIDE_SQRT && isPowerOfTwo(batch)) {
            // x / 2^k and x * 2^-k are the same correctly rounded value, and a product is cheaper than a quotient
            float inverse = 1 / batch;
            for (int i = from; i < to; i++) {
                float gi = g[i] * inverse;
                float si = s[i + shift] * rho + gi * gi * oneMinusRho;
                s[i + shift] = si;
                g[i] = (lr * gi) / ((float) Math.sqrt(si) + eps);
            }
        } else if (placement == EpsilonPlacement.OUTSIDE_SQRT) {
            for (int i = from; i < to; i++) {
                float gi = g[i] / batch;
                float si = s[i + shift] * rho + gi * gi * oneMinusRho;
                s[i + shift] = si;
                g[i] = (lr * gi) / ((float) Math.sqrt(si) + eps);
            }
        } else {
            for (int i = from; i < to; i++) {
                float gi = g[i] / batch;
                float si = s[i + shift] * rho + gi * gi * oneMinusRho;
                s[i + shift] = si;
                g[i] = (lr * gi) / (float) Math.sqrt(si + eps);
            }
        }
    }

    private static boolean isPowerOfTwo(float batch) {
        int b = (int) batch;
        return b == batch && b > 0 && (b & (b - 1)) == 0;
    }
}
