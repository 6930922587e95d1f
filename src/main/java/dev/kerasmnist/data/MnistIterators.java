package dev.kerasmnist.data;

import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * DL4J iterators over MNIST, reading through the DataVec {@link MnistRecordReader}. Batches are built with bulk
 * copies ({@link MnistBatchIterator}) rather than by DataVec's generic {@code RecordReaderDataSetIterator}.
 */
public final class MnistIterators {
    private MnistIterators() {}

    /**
     * Shuffled anew at every reset, like Keras's {@code fit(shuffle=True)}. Batches share their arrays: each is valid
     * until the next one is taken, as {@code fit} uses them.
     */
    public static DataSetIterator training(MnistSplit split, int batchSize, long seed) {
        return over(new MnistRecordReader(split, true, seed), batchSize);
    }

    /** Training batches from a reader the caller keeps (to {@link MnistRecordReader#resumeAt}); arrays shared. */
    public static DataSetIterator over(MnistRecordReader reader, int batchSize) {
        return new MnistBatchIterator(reader, batchSize, true);
    }

    /** In file order, for evaluation; every batch has arrays of its own. */
    public static DataSetIterator inOrder(MnistSplit split, int batchSize) {
        return new MnistBatchIterator(new MnistRecordReader(split, false, 0), batchSize, false);
    }
}
