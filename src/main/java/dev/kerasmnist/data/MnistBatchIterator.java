package dev.kerasmnist.data;

import java.util.List;
import java.util.NoSuchElementException;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J batches straight from the DataVec {@link MnistRecordReader}'s batch API: each batch is written into Java
 * arrays and copied into ND4J memory in one bulk copy. DataVec's generic {@code RecordReaderDataSetIterator} instead
 * assembles batches element by element, which cost 10-40% of an epoch here.
 *
 * <p>With {@code reuse}, full batches are written into the same two ND4J arrays every time, so a batch is valid
 * only until the next {@link #next()}: right for {@code fit}, which consumes one batch at a time (there is no
 * prefetch thread: {@link #asyncSupported()} is false).
 */
final class MnistBatchIterator implements DataSetIterator {
    private final MnistRecordReader reader;
    private final int batchSize;
    private final boolean reuse;
    private final float[] pixels;
    private final float[] oneHot;
    private INDArray features;
    private INDArray labels;
    private DataSetPreProcessor preProcessor;

    MnistBatchIterator(MnistRecordReader reader, int batchSize, boolean reuse) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        this.reader = reader;
        this.batchSize = batchSize;
        this.reuse = reuse;
        this.pixels = new float[batchSize * MnistSplit.PIXELS];
        this.oneHot = new float[batchSize * MnistSplit.CLASSES];
    }

    @Override
    public DataSet next(int num) {
        throw new UnsupportedOperationException("batches have the fixed size given at construction");
    }

    @Override
    public DataSet next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more MNIST batches; call reset()");
        }
        int n = reader.nextInto(pixels, oneHot, batchSize);
        INDArray x;
        INDArray y;
        if (reuse && n == batchSize) {
            if (features == null) {
                features = Nd4j.createUninitializedDetached(DataType.FLOAT, batchSize, MnistSplit.PIXELS);
                labels = Nd4j.createUninitializedDetached(DataType.FLOAT, batchSize, MnistSplit.CLASSES);
            }
            x = features;
            y = labels;
        } else {
            x = Nd4j.createUninitializedDetached(DataType.FLOAT, n, MnistSplit.PIXELS);
            y = Nd4j.createUninitializedDetached(DataType.FLOAT, n, MnistSplit.CLASSES);
        }
        new FloatPointer(x.data().addressPointer()).put(pixels, 0, n * MnistSplit.PIXELS);
        new FloatPointer(y.data().addressPointer()).put(oneHot, 0, n * MnistSplit.CLASSES);
        // Written through host memory: on a GPU backend the device copy is refreshed from it (a no-op on the CPU).
        Nd4j.getAffinityManager().tagLocation(x, AffinityManager.Location.HOST);
        Nd4j.getAffinityManager().tagLocation(y, AffinityManager.Location.HOST);
        DataSet batch = new DataSet(x, y);
        if (preProcessor != null) {
            preProcessor.preProcess(batch);
        }
        return batch;
    }

    @Override
    public boolean hasNext() {
        return reader.hasNext();
    }

    @Override
    public void reset() {
        reader.reset();
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    /** A prefetch thread would both compete with the maths for 2 cores and break the reuse of batch arrays. */
    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public int inputColumns() {
        return MnistSplit.PIXELS;
    }

    @Override
    public int totalOutcomes() {
        return MnistSplit.CLASSES;
    }

    @Override
    public int batch() {
        return batchSize;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return reader.getLabels();
    }
}
