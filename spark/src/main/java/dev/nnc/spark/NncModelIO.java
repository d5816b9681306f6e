package dev.nnc.spark;

import dev.nnc.runtime.data.Preprocessing;
import dev.nnc.runtime.model.TrainableModel;
import dev.nnc.runtime.io.Weights;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWriter;
import scala.Option;

/**
 * The directory of a saved {@link NncModel}, on any file system Spark reaches (local, HDFS,
 * S3, ...):
 *
 * <pre>
 * dir/metadata/                   Spark ML's params metadata (class, uid, columns)
 * dir/nnc/model.txt               the model's class name
 * dir/nnc/weights.safetensors     weights, buffers and the preprocessing stage, as nnc train saves
 * dir/nnc/classes/NAME.class      the bytecode of a model compiled from a .nn file (else none)
 * </pre>
 *
 * The weights file is an ordinary nnc weights file: {@code nnc predict model.nn -w
 * dir/nnc/weights.safetensors} reads it.
 */
final class NncModelIO {
    static final String DIR = "nnc";
    static final String WEIGHTS = "weights.safetensors";

    private NncModelIO() {
    }

    /** Writes a model's directory. */
    static final class Writer extends MLWriter {
        private final NncModel model;
        private final float[] params;
        private final float[] buffers;

        Writer(NncModel model, float[] params, float[] buffers) {
            this.model = model;
            this.params = params;
            this.buffers = buffers;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter.saveMetadata(model, path, sparkSession());
            Path dir = new Path(path, DIR);
            try {
                FileSystem fs = dir.getFileSystem(sc().hadoopConfiguration());
                ModelSource s = model.source();
                write(fs, new Path(dir, "model.txt"),
                        (s.className() + "\n").getBytes(StandardCharsets.UTF_8));
                for (Map.Entry<String, byte[]> e : s.bytecode().entrySet()) {
                    write(fs, new Path(new Path(dir, "classes"), e.getKey() + ".class"),
                            e.getValue());
                }
                TrainableModel m = s.newModel();
                System.arraycopy(params, 0, m.params(), 0, params.length);
                System.arraycopy(buffers, 0, m.buffers(), 0, buffers.length);
                try (FSDataOutputStream out = fs.create(new Path(dir, WEIGHTS), true)) {
                    Weights.content(m, model.preprocessingMetadata()).writeTo(out);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot save the model to " + path + ": "
                        + e.getMessage(), e);
            }
        }

        private static void write(FileSystem fs, Path file, byte[] bytes) throws IOException {
            try (OutputStream out = fs.create(file, true)) {
                out.write(bytes);
            }
        }
    }

    /** Reads a model's directory. */
    static final class Reader extends MLReader<NncModel> {
        @Override
        public NncModel load(String path) {
            DefaultParamsReader.Metadata meta = DefaultParamsReader.loadMetadata(path,
                    sparkSession(), NncModel.class.getName());
            Path dir = new Path(path, DIR);
            try {
                FileSystem fs = dir.getFileSystem(sc().hadoopConfiguration());
                String className = new String(read(fs, new Path(dir, "model.txt")),
                        StandardCharsets.UTF_8).strip();
                Map<String, byte[]> classes = new TreeMap<>();
                Path cdir = new Path(dir, "classes");
                if (fs.exists(cdir)) {
                    for (FileStatus st : fs.listStatus(cdir)) {
                        String n = st.getPath().getName();
                        if (n.endsWith(".class")) {
                            classes.put(n.substring(0, n.length() - 6), read(fs, st.getPath()));
                        }
                    }
                }
                ModelSource s = classes.isEmpty() ? ModelSource.ofClass(className)
                        : ModelSource.ofBytecode(className, classes);
                TrainableModel m = s.newModel();
                java.nio.file.Path local = Files.createTempFile("nnc-weights", ".safetensors");
                try {
                    Files.write(local, read(fs, new Path(dir, WEIGHTS)));
                    Map<String, String> wm = Weights.load(m, local);
                    Map<String, String> prep = Preprocessing.fromMetadata(wm, m).toMetadata();
                    NncModel model = new NncModel(meta.uid(), s, m.params().clone(),
                            m.buffers().clone(), prep);
                    meta.getAndSetParams(model, Option.empty());
                    return model;
                } finally {
                    Files.deleteIfExists(local);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot load the model from " + path + ": "
                        + e.getMessage(), e);
            }
        }

        private static byte[] read(FileSystem fs, Path file) throws IOException {
            try (InputStream in = fs.open(file)) {
                return in.readAllBytes();
            }
        }
    }
}
