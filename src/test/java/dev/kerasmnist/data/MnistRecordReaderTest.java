package dev.kerasmnist.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.kerasmnist.Fixtures;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.datavec.api.writable.NDArrayWritable;
import org.datavec.api.writable.Writable;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

class MnistRecordReaderTest {
    private static final MnistSplit SPLIT = Fixtures.synthetic(300, 3);

    @Test
    void scalesPixelsLikeKerasAndOneHotsLabels() {
        DataSetIterator it = MnistIterators.inOrder(SPLIT, 128);
        DataSet batch = it.next();
        INDArray x = batch.getFeatures();
        INDArray y = batch.getLabels();
        assertEquals(DataType.FLOAT, x.dataType());
        assertEquals(128, x.rows());
        assertEquals(784, x.columns());
        assertEquals(10, y.columns());
        for (int i = 0; i < 128; i++) {
            for (int p = 0; p < 784; p += 97) {
                // Bit-exact float32 value / 255, as numpy's astype('float32') / 255.
                assertEquals(SPLIT.images().pixel(i, p) / 255f, x.getFloat(i, p), 0f);
            }
            assertEquals(1f, y.getRow(i).sumNumber().floatValue(), 0f);
            assertEquals(1f, y.getFloat(i, SPLIT.label(i)), 0f);
        }
        assertEquals(0f, x.minNumber().floatValue(), 0f);
        assertEquals(1f, x.maxNumber().floatValue(), 0f);
    }

    @Test
    void lastBatchHoldsTheRemainder() {
        DataSetIterator it = MnistIterators.inOrder(SPLIT, 128);
        List<Integer> sizes = new ArrayList<>();
        while (it.hasNext()) {
            sizes.add(it.next().numExamples());
        }
        assertEquals(List.of(128, 128, 44), sizes);
    }

    @Test
    void everyEpochSeesEveryExampleOnceInANewOrder() {
        MnistRecordReader reader = new MnistRecordReader(SPLIT, true, 5);
        List<Integer> first = reader.order();
        assertEquals(300, new HashSet<>(first).size());
        reader.reset();
        List<Integer> second = reader.order();
        assertEquals(new HashSet<>(first), new HashSet<>(second));
        assertNotEquals(first, second);
    }

    @Test
    void sameSeedSameOrderDifferentSeedDifferentOrder() {
        assertEquals(new MnistRecordReader(SPLIT, true, 5).order(), new MnistRecordReader(SPLIT, true, 5).order());
        assertNotEquals(new MnistRecordReader(SPLIT, true, 5).order(), new MnistRecordReader(SPLIT, true, 6).order());
    }

    @Test
    void shuffledBatchesPairEachImageWithItsOwnLabel() {
        DataSetIterator it = MnistIterators.training(SPLIT, 64, 9);
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < SPLIT.size(); i++) {
            expected.add(SPLIT.images().pixel(i, 0) + "," + SPLIT.images().pixel(i, 400) + ","
                    + SPLIT.images().pixel(i, 700) + "->" + SPLIT.label(i));
        }
        int seen = 0;
        while (it.hasNext()) {
            DataSet batch = it.next();
            for (int r = 0; r < batch.numExamples(); r++) {
                String key = Math.round(batch.getFeatures().getFloat(r, 0) * 255) + ","
                        + Math.round(batch.getFeatures().getFloat(r, 400) * 255) + ","
                        + Math.round(batch.getFeatures().getFloat(r, 700) * 255) + "->"
                        + batch.getLabels().getRow(r).argMax().getInt(0);
                assertEquals(true, expected.contains(key), key);
                seen++;
            }
        }
        assertEquals(300, seen);
    }

    @Test
    void singleRecordsCarryPixelsAndLabel() {
        MnistRecordReader reader = new MnistRecordReader(SPLIT, false, 0);
        List<Writable> record = reader.next();
        INDArray pixels = ((NDArrayWritable) record.get(0)).get();
        assertEquals(784, pixels.length());
        assertEquals(SPLIT.images().pixel(0, 350) / 255f, pixels.getFloat(350), 0f);
        assertEquals(SPLIT.label(0), record.get(1).toInt());
        reader.next(1000);
        assertFalse(reader.hasNext());
    }
}
