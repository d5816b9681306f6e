package dev.nnc.runtime.io;

import dev.nnc.runtime.model.Model;
import dev.nnc.runtime.model.ParamTensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The weights file of a model: its parameters as a safetensors file, one tensor per
 * {@link ParamTensor}, then its buffers ({@link Model#buffers()}, e.g. batch norm's
 * {@code batchnorm1.running_mean}) the same way, marked with the model's name and architecture
 * hash.
 *
 * <p>Example: {@code Weights.save(xor, Path.of("xor.safetensors"), Map.of())} writes the tensors
 * {@code dense1.W}, {@code dense1.B}, ... and the metadata {@code nnc.model = Xor},
 * {@code nnc.arch = <hash>}, {@code nnc.format = 1}; loading that file into a model of another
 * name or architecture fails with a message that names both.
 *
 * <p>Files without {@code nnc.*} metadata (written by other tools) load when their tensor names and
 * shapes match.
 */
public final class Weights {
    /** Metadata key: the model's name. */
    public static final String MODEL = "nnc.model";
    /** Metadata key: the model's architecture hash. */
    public static final String ARCH = "nnc.arch";
    /** Metadata key: the version of this layout. */
    public static final String FORMAT = "nnc.format";
    /** The version written. */
    public static final String FORMAT_VERSION = "1";

    private Weights() {
    }

    /**
     * Writes the model's parameters and {@code extraMetadata} (e.g. {@link
     * dev.nnc.runtime.data.Preprocessing}) to
     * {@code file}, atomically. The {@code nnc.model}, {@code nnc.arch} and {@code nnc.format}
     * entries always come from the model.
     */
    public static void save(Model model, Path file, Map<String, String> extraMetadata) {
        OutputFiles.write(file, content(model, extraMetadata));
    }

    /**
     * The bytes {@link #save} writes, to stage in an {@link OutputFiles} set with the files that
     * go with the weights.
     */
    public static OutputFiles.Content content(Model model, Map<String, String> extraMetadata) {
        List<Tensor> tensors = new ArrayList<>();
        addTensors(tensors, model.paramTensors(), model.params());
        addTensors(tensors, model.bufferTensors(), model.buffers());
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put(MODEL, model.name());
        meta.put(ARCH, model.architectureHash());
        meta.put(FORMAT, FORMAT_VERSION);
        for (Map.Entry<String, String> e : extraMetadata.entrySet()) {
            meta.putIfAbsent(e.getKey(), e.getValue());
        }
        return Safetensors.content(tensors, meta);
    }

    private static void addTensors(List<Tensor> out, List<ParamTensor> tensors, float[] values) {
        for (ParamTensor p : tensors) {
            out.add(new Tensor(p.name(), p.shape(),
                    Arrays.copyOfRange(values, p.offset(), p.offset() + p.size())));
        }
    }

    /**
     * Copies the parameters in {@code file} into {@code model.params()} and its buffers into
     * {@code model.buffers()}, and returns the file's metadata. Nothing is copied unless every
     * check passes. A model without buffers reads files written before buffers existed.
     *
     * @throws WeightsException when the file is unreadable, was written for another model or
     *     architecture, or lacks a tensor or has one of another shape
     */
    public static Map<String, String> load(Model model, Path file) {
        List<ParamTensor> params = model.paramTensors();
        List<ParamTensor> all = new ArrayList<>(params);
        all.addAll(model.bufferTensors());
        // NOTE: names and shapes are checked from the header, before any tensor is allocated.
        Safetensors.Contents c = Safetensors.read(file, layout -> check(model, file, layout,
                all));
        float[] dst = model.params();
        float[] bufs = model.buffers();
        for (int i = 0; i < all.size(); i++) {
            ParamTensor p = all.get(i);
            System.arraycopy(c.tensor(p.name()).data(), 0, i < params.size() ? dst : bufs,
                    p.offset(), p.size());
        }
        return c.metadata();
    }

    private static void check(Model model, Path file, Safetensors.Layout layout,
            List<ParamTensor> all) {
        Map<String, String> meta = layout.metadata();
        String format = meta.get(FORMAT);
        if (format != null && !format.equals(FORMAT_VERSION)) {
            throw new WeightsException("weights file " + file + " has nnc format " + format
                    + "; this version reads format " + FORMAT_VERSION);
        }
        String name = meta.get(MODEL);
        String arch = meta.get(ARCH);
        if (name != null && !name.equals(model.name())) {
            throw new WeightsException("weights file " + file + " was trained for model '" + name
                    + "' (arch " + shortHash(arch) + "), not for '" + model.name() + "' (arch "
                    + shortHash(model.architectureHash()) + ")");
        }
        if (arch != null && !arch.equals(model.architectureHash())) {
            throw new WeightsException("weights file " + file + " was trained for another"
                    + " architecture of model '" + model.name() + "' (arch " + shortHash(arch)
                    + ", the model now has arch " + shortHash(model.architectureHash())
                    + "); train it again");
        }
        for (ParamTensor p : all) {
            int[] shape = layout.shapes().get(p.name());
            if (shape == null) {
                throw new WeightsException("weights file " + file + " has no tensor '" + p.name()
                        + "' (model " + model.name() + ")");
            }
            if (!Arrays.equals(shape, p.shape())) {
                throw new WeightsException("weights file " + file + ": tensor '" + p.name()
                        + "' has shape " + Arrays.toString(shape) + ", the model expects "
                        + Arrays.toString(p.shape()));
            }
        }
    }

    /** The metadata of a weights file, from its header: no tensor is read. */
    public static Map<String, String> metadata(Path file) {
        return Safetensors.layout(file).metadata();
    }

    private static String shortHash(String h) {
        if (h == null) {
            return "unknown";
        }
        return h.length() > 8 ? h.substring(0, 8) + "…" : h;
    }
}
