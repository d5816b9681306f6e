package dev.nnc.runtime.data;

import dev.nnc.runtime.io.DataException;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * The reader of NumPy {@code .npz} files: a zip of {@code .npy} files, stored or compressed, as
 * {@code np.savez} and {@code np.savez_compressed} write them. Arrays are named by their entry
 * without {@code .npy}.
 *
 * <p>Example: the textbook's {@code ch10.train.npz} holds {@code data.npy} and
 * {@code label.npy}:
 * <pre>{@code
 * try (NpzReader z = NpzReader.open(Path.of("ch10.train.npz"))) {
 *     z.names();            // [data, label]
 *     z.header("data");     // ch10.train.npz:data: float64 [200,2], read from the header only
 *     NdArray y = z.read("label");
 * }
 * }</pre>
 */
public final class NpzReader implements AutoCloseable {
    private final Path file;
    private final ZipFile zip;

    private NpzReader(Path file, ZipFile zip) {
        this.file = file;
        this.zip = zip;
    }

    /** Opens {@code file}; a file that is not a zip is a {@link DataException}. */
    public static NpzReader open(Path file) {
        if (!Files.exists(file)) {
            throw new DataException(file + ": no such file");
        }
        try {
            return new NpzReader(file, new ZipFile(file.toFile()));
        } catch (ZipException e) {
            throw new DataException(file + ": not an NPZ file (an .npz file is a zip archive of"
                    + " .npy files): " + e.getMessage(), e);
        } catch (IOException e) {
            throw ArrayFiles.ioError(file, e);
        }
    }

    /** Reads the array {@code name} of {@code file}. */
    public static NdArray read(Path file, String name) {
        try (NpzReader z = open(file)) {
            return z.read(name);
        }
    }

    /** The names of the arrays, in archive order, without {@code .npy}. */
    public List<String> names() {
        List<String> out = new ArrayList<>();
        for (Enumeration<? extends ZipEntry> en = zip.entries(); en.hasMoreElements();) {
            String n = en.nextElement().getName();
            if (n.endsWith(".npy")) {
                out.add(n.substring(0, n.length() - 4));
            }
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * Reads only the header of the array {@code name}, checked against the entry's size as the
     * archive records it.
     */
    public NdArray.Header header(String name) {
        ZipEntry e = entry(name);
        try (InputStream in = new BufferedInputStream(zip.getInputStream(e), 1 << 12)) {
            return NpyReader.header(in, source(name), e.getSize());
        } catch (IOException ex) {
            throw cannotRead(name, ex);
        }
    }

    /** Reads the array {@code name}. */
    public NdArray read(String name) {
        ZipEntry e = entry(name);
        try (InputStream in = new BufferedInputStream(zip.getInputStream(e), 1 << 16)) {
            return NpyReader.read(in, source(name), e.getSize());
        } catch (IOException ex) {
            throw cannotRead(name, ex);
        }
    }

    /** True when the archive holds the array {@code name}. */
    public boolean has(String name) {
        return zip.getEntry(name + ".npy") != null;
    }

    private ZipEntry entry(String name) {
        ZipEntry e = zip.getEntry(name + ".npy");
        if (e == null) {
            throw new DataException(file + " has no array '" + name + "'; its arrays: "
                    + (names().isEmpty() ? "none" : String.join(", ", names())));
        }
        return e;
    }

    private String source(String name) {
        return file + ":" + name;
    }

    private DataException cannotRead(String name, IOException e) {
        return new DataException(source(name) + ": cannot read: " + e.getMessage(), e);
    }

    @Override
    public void close() {
        try {
            zip.close();
        } catch (IOException e) {
            throw new DataException(file + ": cannot close: " + e.getMessage(), e);
        }
    }
}
