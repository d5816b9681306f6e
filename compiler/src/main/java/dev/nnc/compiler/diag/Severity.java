package dev.nnc.compiler.diag;

/** How bad a diagnostic is: an error stops compilation, a warning does not. */
public enum Severity {
    ERROR("error"), WARNING("warning");

    private final String label;

    Severity(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
