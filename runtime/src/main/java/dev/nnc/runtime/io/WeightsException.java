package dev.nnc.runtime.io;

/**
 * A weights file that cannot be read, or does not belong to the model it is loaded into.
 *
 * <p>Example: {@code weights file xor.safetensors was trained for model 'Xor' (arch 1a2b3c4d…),
 * not for 'Sine' (arch 9f8e7d6c…)}. Control characters from the file (a tensor's name) are
 * escaped as {@link DataException#printable} does.
 */
public final class WeightsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public WeightsException(String message) {
        super(DataException.printable(message));
    }

    public WeightsException(String message, Throwable cause) {
        super(DataException.printable(message), cause);
    }
}
