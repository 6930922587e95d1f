package dev.kerasmnist.inference;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The user's own pictures of digits with their labels, read as Keras's {@code image_dataset_from_directory} reads a
 * folder: one sub-folder per class ({@code DIR/0/*.png ... DIR/9/*.png}, files in deeper folders included, other
 * files and hidden folders ignored), except that the class folders must be named after their digit, since the label
 * is the digit and not the folder's rank. Or the labels come from a CSV of {@code file,label} rows
 * ({@value #LABELS_CSV} in the folder, or another file), files named relative to the folder.
 *
 * @param dir        the folder of pictures
 * @param labelsFrom where the labels came from: {@code "class folders"} or the CSV file
 * @param images     the pictures and their labels, in file order (class folders) or row order (CSV)
 */
public record LabelledImages(Path dir, String labelsFrom, List<Image> images) {
    /** The labels file looked for in the folder itself. */
    public static final String LABELS_CSV = "labels.csv";
    /** The extensions {@code image_dataset_from_directory} accepts, which ImageIO decodes too. */
    public static final Set<String> EXTENSIONS = Set.of("png", "jpg", "jpeg", "bmp", "gif");

    public LabelledImages {
        images = List.copyOf(images);
    }

    /** One picture and its digit. */
    public record Image(Path file, int label) {}

    /**
     * The labelled pictures in {@code dir}: labelled by {@code labels} when given, else by {@code dir}'s
     * {@value #LABELS_CSV} when there is one, else by class folder.
     *
     * @throws LabelsException if the folder, a class folder's name or a CSV row is wrong, or there are no pictures
     */
    public static LabelledImages read(Path dir, Optional<Path> labels) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new LabelsException("no folder of images at " + dir.toAbsolutePath());
        }
        if (labels.isPresent()) {
            return fromCsv(dir, labels.get());
        }
        Path csv = dir.resolve(LABELS_CSV);
        return Files.isRegularFile(csv) ? fromCsv(dir, csv) : fromClassFolders(dir);
    }

    /** Labels from class folders {@code 0} to {@code 9}, as {@code image_dataset_from_directory(labels="inferred")}. */
    public static LabelledImages fromClassFolders(Path dir) throws IOException {
        List<Image> images = new ArrayList<>();
        List<Path> folders;
        try (Stream<Path> children = Files.list(dir)) {
            folders = children.filter(Files::isDirectory)
                    .filter(f -> !f.getFileName().toString().startsWith("."))
                    .sorted()
                    .toList();
        }
        for (Path folder : folders) {
            String name = folder.getFileName().toString();
            if (!name.matches("[0-9]")) {
                throw new LabelsException(folder + " is not a class folder: the folders of labelled images are named "
                        + "after their digit, 0 to 9 (or list the labels in " + dir.resolve(LABELS_CSV) + ")");
            }
            try (Stream<Path> files = Files.walk(folder)) {
                for (Path file : files.filter(Files::isRegularFile)
                        .filter(LabelledImages::isImage)
                        .sorted()
                        .toList()) {
                    images.add(new Image(file, name.charAt(0) - '0'));
                }
            }
        }
        if (images.isEmpty()) {
            throw new LabelsException("no images ("
                    + String.join(", ", EXTENSIONS.stream().sorted().toList()) + ") in class folders 0 to 9 under "
                    + dir + ", and no " + LABELS_CSV + " there");
        }
        return new LabelledImages(dir, "class folders", images);
    }

    /**
     * Labels from a CSV of {@code file,label} rows (a {@code file,label} header, blank lines and {@code #} comments
     * allowed), each file relative to {@code dir} or absolute.
     */
    public static LabelledImages fromCsv(Path dir, Path csv) throws IOException {
        if (!Files.isRegularFile(csv)) {
            throw new LabelsException("no labels file at " + csv.toAbsolutePath());
        }
        List<Image> images = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(csv)) {
            int lineNumber = 0;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNumber++;
                String row = line.strip();
                if (row.isEmpty()
                        || row.startsWith("#")
                        || lineNumber == 1
                                && row.toLowerCase(Locale.ROOT).replace(" ", "").equals("file,label")) {
                    continue;
                }
                int comma = row.lastIndexOf(','); // the last: file names may hold commas, labels do not
                String where = csv + " line " + lineNumber + ": ";
                if (comma < 0) {
                    throw new LabelsException(where + "expected file,label, got '" + row + "'");
                }
                String name = unquote(row.substring(0, comma));
                String label = unquote(row.substring(comma + 1));
                if (!label.matches("[0-9]")) {
                    throw new LabelsException(where + "the label '" + label + "' is not a digit 0 to 9");
                }
                Path file = dir.resolve(name);
                if (!Files.isRegularFile(file)) {
                    throw new LabelsException(where + "no file " + file);
                }
                images.add(new Image(file, label.charAt(0) - '0'));
            }
        }
        if (images.isEmpty()) {
            throw new LabelsException(csv + " lists no images");
        }
        return new LabelledImages(dir, csv.toString(), images);
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 && EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static String unquote(String field) {
        String f = field.strip();
        return f.length() >= 2 && f.startsWith("\"") && f.endsWith("\"") ? f.substring(1, f.length() - 1) : f;
    }

    /** A folder of labelled images that cannot be read as one: a wrong class folder, a bad CSV row, no images. */
    public static final class LabelsException extends IOException {
        public LabelsException(String message) {
            super(message);
        }
    }
}
