package dev.kerasmnist.model.fast;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code z = x W + b}, the dense layers' pre-activation, computed the fast way with DL4J's own numbers:
 * through {@code Nd4j.gemm} (a direct BLAS call; DL4J's {@code mmuli} op takes twice as long here for the same
 * bits), and for one input row as one BLAS matrix-vector product.
 */
final class Affine {
    private static final int COL_MAJOR = 102;
    private static final int TRANSPOSE = 112;

    private Affine() {
    }

    /**
     * z for a batch, or null when the input needs DL4J's own validation or casting. z is row-major, as stock
     * {@code BaseLayer.preOutput} allocates it: the next layer's products then see the same layout, which matters on
     * AVX-512 CPUs, where OpenBLAS sums a column-major 128x512 input in another order (measured: 1,144 of 1,280
     * outputs of the tutorial's last layer differ in the last bit).
     */
    static INDArray preOutput(INDArray x, INDArray w, INDArray b, LayerWorkspaceMgr mgr) {
        if (x == null || x.rank() != 2 || x.columns() != w.rows() || x.dataType() != w.dataType()) {
            return null;
        }
        INDArray z = mgr.createUninitialized(ArrayType.ACTIVATIONS, w.dataType(), new long[] {x.size(0), w.size(1)},
                'c');
        Nd4j.gemm(x, w, z, false, false, 1.0, 0.0);
        if (b != null) {
            z.addiRowVector(b);
        }
        return z;
    }

    /** z for a single float row, or null when the arrays are not laid out as this fast path needs. */
    static INDArray preOutputOneRow(INDArray x, INDArray w, INDArray b, LayerWorkspaceMgr mgr) {
        if (x == null || x.rank() != 2 || x.size(0) != 1 || x.dataType() != DataType.FLOAT || x.stride(1) != 1
                || w.rank() != 2 || w.dataType() != DataType.FLOAT || w.stride(0) != 1 || w.stride(1) != w.size(0)
                || b == null || b.dataType() != DataType.FLOAT || b.elementWiseStride() != 1
                || x.size(1) != w.size(0)) {
            return null;
        }
        int nIn = (int) w.size(0);
        int nOut = (int) w.size(1);
        INDArray z = mgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, new long[] {1, nOut}, 'c');
        z.assign(b);
        // W is column-major [nIn, nOut]: z = W^T x + z
        openblas_nolapack.cblas_sgemv(COL_MAJOR, TRANSPOSE, nIn, nOut, 1f, pointer(w), nIn, pointer(x), 1, 1f,
                pointer(z), 1);
        return z;
    }

    private static FloatPointer pointer(INDArray a) {
        return new FloatPointer(a.data().addressPointer()); // a view's buffer already starts at the view
    }
}
