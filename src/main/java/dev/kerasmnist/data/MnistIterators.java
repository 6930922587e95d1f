package dev.kerasmnist.data;

import org.deeplearning4j.datasets.datavec.RecordReaderDataSetIterator;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/** DL4J iterators over MNIST, built on {@link MnistRecordReader} with DataVec's {@link RecordReaderDataSetIterator}. */
public final class MnistIterators {
    /** Column of the label in each record; the pixels are column 0. */
    private static final int LABEL_INDEX = 1;

    private MnistIterators() {
    }

    /** Shuffled anew at every reset, like Keras's {@code fit(shuffle=True)}. */
    public static DataSetIterator training(MnistSplit split, int batchSize, long seed) {
        return iterator(new MnistRecordReader(split, true, seed), batchSize);
    }

    /** Batches of {@code batchSize} from a reader the caller keeps (to {@link MnistRecordReader#resumeAt}). */
    public static DataSetIterator over(MnistRecordReader reader, int batchSize) {
        return iterator(reader, batchSize);
    }

    /** In file order, for evaluation. */
    public static DataSetIterator inOrder(MnistSplit split, int batchSize) {
        return iterator(new MnistRecordReader(split, false, 0), batchSize);
    }

    private static DataSetIterator iterator(MnistRecordReader reader, int batchSize) {
        return new RecordReaderDataSetIterator(reader, batchSize, LABEL_INDEX, MnistSplit.CLASSES) {
            // Batches take ~0.5 ms to build; a prefetch thread only competes with the maths for 2 cores.
            @Override
            public boolean asyncSupported() {
                return false;
            }
        };
    }
}
