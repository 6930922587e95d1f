package dev.kerasmnist.model.fast;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas_nolapack;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.blas.params.MMulTranspose;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.reduce.Mmul;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code z = x W + b}, the dense layers' pre-activation, with DL4J's own numbers on every CPU.
 *
 * <p>OpenBLAS picks its kernels at run time, and kernels other than SkylakeX's sum a product in another order
 * depending on the operands' layouts (a row- or column-major result, a transposed view or a transpose flag). So the
 * batch product here is the very BLAS call stock {@code BaseLayer.preOutput} ends in, with the same layouts:
 * {@code x.mmuli(W, z)} with a row-major z computes a column-major product, which libnd4j hands to
 * {@code sgemm(ColMajor, Trans, NoTrans, batch, nOut, nIn, x, W)}, and copies it into z. Calling that sgemm directly
 * skips the op's own overhead, about half of its time on the tutorial's 128x784x512 product (FastPathTest and
 * KernelMatrixTest hold the bits equal under every kernel).
 */
final class Affine {
    private static final int COL_MAJOR = 102;
    private static final int NO_TRANSPOSE = 111;
    private static final int TRANSPOSE = 112;
    private static final MMulTranspose PLAIN =
            MMulTranspose.builder().transposeA(false).transposeB(false).build();

    private Affine() {}

    /**
     * z for a batch, or null when the input needs DL4J's own validation or casting. z is row-major, as stock
     * {@code BaseLayer.preOutput} allocates it, so the next layer's products see the same layout too.
     */
    static INDArray preOutput(INDArray x, INDArray w, INDArray b, LayerWorkspaceMgr mgr) {
        if (x == null || x.rank() != 2 || x.columns() != w.rows() || x.dataType() != w.dataType()) {
            return null;
        }
        long[] shape = {x.size(0), w.size(1)};
        INDArray z = mgr.createUninitialized(ArrayType.ACTIVATIONS, w.dataType(), shape, 'c');
        INDArray product = Nd4j.createUninitialized(w.dataType(), shape, 'f');
        if (x.dataType() == DataType.FLOAT && x.size(0) > 1 && rowMajor(x) && columnMajor(w)) {
            int batch = (int) x.size(0);
            int nIn = (int) w.size(0);
            openblas_nolapack.cblas_sgemm(
                    COL_MAJOR,
                    TRANSPOSE,
                    NO_TRANSPOSE,
                    batch,
                    (int) w.size(1),
                    nIn,
                    1f,
                    pointer(x),
                    nIn,
                    pointer(w),
                    nIn,
                    0f,
                    pointer(product),
                    batch);
        } else {
            Nd4j.exec(new Mmul(x, w, product, 1.0, 0.0, PLAIN)); // the op mmuli runs, for other types and layouts
        }
        z.assign(product);
        if (b != null) {
            z.addiRowVector(b);
        }
        return z;
    }

    /**
     * z for a single float row, or null when the arrays are not laid out as this fast path needs. One BLAS
     * matrix-vector product, where stock DL4J runs a 1-row matrix product: the same sums, in another order
     * (FastPathTest bounds the difference).
     */
    static INDArray preOutputOneRow(INDArray x, INDArray w, INDArray b, LayerWorkspaceMgr mgr) {
        if (x == null
                || x.rank() != 2
                || x.size(0) != 1
                || x.dataType() != DataType.FLOAT
                || x.stride(1) != 1
                || w.rank() != 2
                || w.dataType() != DataType.FLOAT
                || w.stride(0) != 1
                || w.stride(1) != w.size(0)
                || b == null
                || b.dataType() != DataType.FLOAT
                || b.elementWiseStride() != 1
                || x.size(1) != w.size(0)) {
            return null;
        }
        int nIn = (int) w.size(0);
        int nOut = (int) w.size(1);
        INDArray z = mgr.createUninitialized(ArrayType.ACTIVATIONS, DataType.FLOAT, new long[] {1, nOut}, 'c');
        z.assign(b);
        // W is column-major [nIn, nOut]: z = W^T x + z
        openblas_nolapack.cblas_sgemv(
                COL_MAJOR, TRANSPOSE, nIn, nOut, 1f, pointer(w), nIn, pointer(x), 1, 1f, pointer(z), 1);
        return z;
    }

    private static boolean rowMajor(INDArray a) {
        return a.rank() == 2 && a.stride(1) == 1 && (a.size(0) == 1 || a.stride(0) == a.size(1));
    }

    private static boolean columnMajor(INDArray a) {
        return a.rank() == 2 && a.stride(0) == 1 && (a.size(1) == 1 || a.stride(1) == a.size(0));
    }

    private static FloatPointer pointer(INDArray a) {
        return new FloatPointer(a.data().addressPointer()); // a view's buffer already starts at the view
    }
}
