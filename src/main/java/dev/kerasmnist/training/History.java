package dev.kerasmnist.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Keras's {@code History}: loss and accuracy per epoch. */
public record History(List<EpochStats> epochs) {
    public static final String CSV_HEADER = "epoch,loss,accuracy,seconds";

    public History {
        epochs = List.copyOf(epochs);
    }

    public String toCsv() {
        StringBuilder sb = new StringBuilder(CSV_HEADER).append('\n');
        for (EpochStats e : epochs) {
            sb.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.3f%n", e.epoch(), e.loss(), e.accuracy(), e.seconds()));
        }
        return sb.toString();
    }

    public static History fromCsv(String csv) {
        List<EpochStats> list = new ArrayList<>();
        String[] lines = csv.strip().split("\\R");
        if (lines.length == 0 || !lines[0].equals(CSV_HEADER)) {
            throw new IllegalArgumentException("not a history CSV: the first line must be " + CSV_HEADER);
        }
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",");
            try {
                if (f.length != 4) {
                    throw new IllegalArgumentException(f.length + " fields");
                }
                list.add(new EpochStats(Integer.parseInt(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2]),
                        Double.parseDouble(f[3])));
            } catch (IllegalArgumentException e) { // NumberFormatException included
                throw new IllegalArgumentException("line " + (i + 1) + " is '" + lines[i] + "', expected 4 numbers "
                        + CSV_HEADER, e);
            }
        }
        return new History(list);
    }

    public double totalSeconds() {
        return epochs.stream().mapToDouble(EpochStats::seconds).sum();
    }

    public EpochStats last() {
        return epochs.get(epochs.size() - 1);
    }
}
