package dev.nnc.compiler.onnx;

/**
 * A model that cannot be written as ONNX: a layer kind without an ONNX mapping, said with the
 * layer's name and place, e.g. {@code layer conv1 (model.nn:5:5): layer kind 'conv2d' has no ONNX
 * mapping yet}.
 */
public final class OnnxExportException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public OnnxExportException(String message) {
        super(message);
    }

    /** The error of a layer kind that has no ONNX mapping. */
    public static OnnxExportException unsupported(String kind) {
        return new OnnxExportException("layer kind '" + kind + "' has no ONNX mapping yet, so "
                + "models using it cannot be exported");
    }
}
