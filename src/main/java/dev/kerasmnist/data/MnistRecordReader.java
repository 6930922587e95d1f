package dev.kerasmnist.data;

import java.io.DataInputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.datavec.api.records.Record;
import org.datavec.api.records.metadata.RecordMetaData;
import org.datavec.api.records.metadata.RecordMetaDataIndex;
import org.datavec.api.records.reader.BaseRecordReader;
import org.datavec.api.split.InputSplit;
import org.datavec.api.writable.IntWritable;
import org.datavec.api.writable.NDArrayWritable;
import org.datavec.api.writable.Writable;
import org.datavec.api.writable.batch.NDArrayRecordBatch;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A DataVec {@link org.datavec.api.records.reader.RecordReader} over an in-memory {@link MnistSplit}.
 *
 * <p>Each record is {@code [pixels, label]}: the 784 pixels as float32 {@code value / 255} (exactly Keras's
 * {@code astype('float32') / 255}) and the digit. Wrapped in a {@code RecordReaderDataSetIterator} with label index 1
 * and 10 classes, the labels come out one-hot, as from Keras's {@code to_categorical}.
 *
 * <p>Like Keras's {@code fit(shuffle=True)}, the order is a fresh permutation at every {@link #reset()}. Permutation
 * number {@code k} depends only on the seed and {@code k}, so runs with the same seed see the same batches, and a
 * resumed run can pick up the permutation of the epoch it resumes ({@link #resumeAt(int)}). The reader supports batches
 * as {@link NDArrayRecordBatch}, which DL4J's iterators take without converting writable by writable: that keeps
 * the pipeline from being the bottleneck.
 */
public class MnistRecordReader extends BaseRecordReader {
    /** Keras's {@code astype('float32') / 255}: a float32 division, as numpy does for float32 / int. */
    private static final float[] SCALED = new float[256];

    static {
        for (int v = 0; v < 256; v++) {
            SCALED[v] = v / 255f;
        }
    }

    private final MnistSplit split;
    private final boolean shuffle;
    private final long seed;
    private final int[] order;
    private int permutation;
    private int cursor;
    private Augmentation augmentation;
    private java.util.SplittableRandom augmentationRandom;
    private final float[] scratch = new float[MnistSplit.PIXELS];

    /**
     * @param shuffle reshuffle at every reset (training); false keeps file order (evaluation)
     * @param seed    seeds the shuffling
     */
    public MnistRecordReader(MnistSplit split, boolean shuffle, long seed) {
        this.split = split;
        this.shuffle = shuffle;
        this.seed = seed;
        this.order = new int[split.size()];
        reset();
    }

    /**
     * Distorts every training image afresh as it is read (null: none). The distortions of epoch k follow from the
     * seed and k, so a resumed run sees the same ones.
     */
    public MnistRecordReader augment(Augmentation augmentation) {
        this.augmentation = augmentation;
        return this;
    }

    /**
     * Makes the next {@link #reset()} produce permutation {@code epoch}, the one a run from scratch uses for that
     * epoch (DL4J's iterator resets its reader once before the first batch).
     */
    public void resumeAt(int epoch) {
        this.permutation = epoch - 1;
    }

    @Override
    public void initialize(InputSplit inputSplit) {
        // The data is already in memory: nothing to open.
    }

    @Override
    public void initialize(org.datavec.api.conf.Configuration conf, InputSplit inputSplit) {}

    @Override
    public boolean batchesSupported() {
        return true;
    }

    @Override
    public List<List<Writable>> next(int num) {
        int n = Math.min(num, order.length - cursor);
        float[] pixels = new float[n * MnistSplit.PIXELS];
        float[] oneHot = new float[n * MnistSplit.CLASSES];
        nextInto(pixels, oneHot, n);
        INDArray features = Nd4j.create(pixels, new long[] {n, MnistSplit.PIXELS}, DataType.FLOAT);
        // Batches come one-hot already (as from DataVec's ImageRecordReader); the iterator passes them through.
        INDArray labels = Nd4j.create(oneHot, new long[] {n, MnistSplit.CLASSES}, DataType.FLOAT);
        return new NDArrayRecordBatch(features, labels);
    }

    /**
     * The next batch of up to {@code num} examples written into the caller's arrays, row-major: scaled pixels into
     * {@code pixels} and one-hot labels into {@code oneHot} (which this zeroes first).
     *
     * @return how many examples were written
     */
    public int nextInto(float[] pixels, float[] oneHot, int num) {
        if (!hasNext()) {
            throw new NoSuchElementException("no more MNIST examples; call reset()");
        }
        int n = Math.min(num, order.length - cursor);
        java.util.Arrays.fill(oneHot, 0, n * MnistSplit.CLASSES, 0f);
        for (int row = 0; row < n; row++) {
            int example = order[cursor + row];
            scaleInto(example, pixels, row * MnistSplit.PIXELS);
            if (augmentation != null) {
                augmentation.apply(pixels, row * MnistSplit.PIXELS, augmentationRandom, scratch);
            }
            oneHot[row * MnistSplit.CLASSES + split.label(example)] = 1f;
        }
        cursor += n;
        return n;
    }

    private void scaleInto(int example, float[] target, int offset) {
        byte[] source = split.images().pixels();
        int from = example * MnistSplit.PIXELS;
        for (int p = 0; p < MnistSplit.PIXELS; p++) {
            target[offset + p] = SCALED[source[from + p] & 0xFF];
        }
    }

    @Override
    public List<Writable> next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more MNIST examples; call reset()");
        }
        return record(order[cursor++]);
    }

    private List<Writable> record(int example) {
        float[] pixels = new float[MnistSplit.PIXELS];
        scaleInto(example, pixels, 0);
        List<Writable> record = new ArrayList<>(2);
        record.add(new NDArrayWritable(Nd4j.create(pixels, new long[] {1, MnistSplit.PIXELS}, DataType.FLOAT)));
        record.add(new IntWritable(split.label(example)));
        return record;
    }

    @Override
    public boolean hasNext() {
        return cursor < order.length;
    }

    @Override
    public List<String> getLabels() {
        List<String> labels = new ArrayList<>();
        for (int d = 0; d < MnistSplit.CLASSES; d++) {
            labels.add(Integer.toString(d));
        }
        return labels;
    }

    /** Back to the start; with shuffling on, the next permutation (Fisher-Yates from file order). */
    @Override
    public void reset() {
        cursor = 0;
        augmentationRandom = Augmentation.random(seed, permutation + (shuffle ? 1 : 0));
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        if (shuffle) {
            permutation++;
            Random random = new Random(seed ^ (0x9E3779B97F4A7C15L * permutation));
            for (int i = order.length - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
        }
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public List<Writable> record(URI uri, DataInputStream dataInputStream) {
        throw new UnsupportedOperationException("MnistRecordReader reads from memory, not from streams");
    }

    @Override
    public Record nextRecord() {
        int example = order[cursor];
        List<Writable> record = next();
        return new org.datavec.api.records.impl.Record(
                record, new RecordMetaDataIndex(example, null, MnistRecordReader.class));
    }

    @Override
    public Record loadFromMetaData(RecordMetaData recordMetaData) {
        int example = (int) ((RecordMetaDataIndex) recordMetaData).getIndex();
        return new org.datavec.api.records.impl.Record(record(example), recordMetaData);
    }

    @Override
    public List<Record> loadFromMetaData(List<RecordMetaData> recordMetaDatas) {
        List<Record> records = new ArrayList<>();
        for (RecordMetaData m : recordMetaDatas) {
            records.add(loadFromMetaData(m));
        }
        return records;
    }

    @Override
    public void close() {}

    @Override
    public void setConf(org.datavec.api.conf.Configuration conf) {}

    @Override
    public org.datavec.api.conf.Configuration getConf() {
        return null;
    }

    /** The current example order, for tests. */
    List<Integer> order() {
        List<Integer> list = new ArrayList<>(order.length);
        for (int i : order) {
            list.add(i);
        }
        return Collections.unmodifiableList(list);
    }
}
