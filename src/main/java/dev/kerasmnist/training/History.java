package dev.kerasmnist.training;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Keras's {@code History}: loss and accuracy per epoch, and val_loss and val_accuracy with a validation split. */
public record History(List<EpochStats> epochs) {
    public static final String CSV_HEADER = "epoch,loss,accuracy,seconds";
    public static final String CSV_HEADER_VALIDATED = CSV_HEADER + ",val_loss,val_accuracy";

    public History {
        epochs = List.copyOf(epochs);
    }

    public String toCsv() {
        boolean validated = validated();
        StringBuilder sb = new StringBuilder(validated ? CSV_HEADER_VALIDATED : CSV_HEADER).append('\n');
        for (EpochStats e : epochs) {
            sb.append(String.format(Locale.ROOT, "%d,%.6f,%.6f,%.3f", e.epoch(), e.loss(), e.accuracy(), e.seconds()));
            if (validated) {
                sb.append(String.format(Locale.ROOT, ",%.6f,%.6f", e.valLoss(), e.valAccuracy()));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    /** Whether the epochs carry val_loss and val_accuracy. */
    public boolean validated() {
        return !epochs.isEmpty() && epochs.stream().allMatch(EpochStats::validated);
    }

    public static History fromCsv(String csv) {
        List<EpochStats> list = new ArrayList<>();
        String[] lines = csv.strip().split("\\R");
        boolean validated = lines.length > 0 && lines[0].equals(CSV_HEADER_VALIDATED);
        if (lines.length == 0 || !(validated || lines[0].equals(CSV_HEADER))) {
            throw new IllegalArgumentException(
                    "not a history CSV: the first line must be " + CSV_HEADER + " or " + CSV_HEADER_VALIDATED);
        }
        int fields = validated ? 6 : 4;
        for (int i = 1; i < lines.length; i++) {
            String[] f = lines[i].split(",");
            try {
                if (f.length != fields) {
                    throw new IllegalArgumentException(f.length + " fields");
                }
                list.add(new EpochStats(
                        Integer.parseInt(f[0]),
                        Double.parseDouble(f[1]),
                        Double.parseDouble(f[2]),
                        Double.parseDouble(f[3]),
                        validated ? Double.parseDouble(f[4]) : Double.NaN,
                        validated ? Double.parseDouble(f[5]) : Double.NaN));
            } catch (IllegalArgumentException e) { // NumberFormatException included
                throw new IllegalArgumentException(
                        "line " + (i + 1) + " is '" + lines[i] + "', expected " + fields + " numbers " + lines[0], e);
            }
        }
        return new History(list);
    }

    /** These epochs, then {@code later}'s (a resumed run's history). */
    public History plus(History later) {
        List<EpochStats> all = new ArrayList<>(epochs);
        all.addAll(later.epochs());
        return new History(all);
    }

    public double totalSeconds() {
        return epochs.stream().mapToDouble(EpochStats::seconds).sum();
    }

    public EpochStats last() {
        return epochs.get(epochs.size() - 1);
    }
}
