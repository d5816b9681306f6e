package dev.nnc.compiler.diag;


/**
 * The catalog of diagnostics. Codes are stable: documentation and tests refer to them, so a code is
 * never reused for another meaning.
 */
public enum Code {
    // Syntax and files: NN01xx
    SYNTAX(101, Severity.ERROR),
    FILE_NOT_FOUND(102, Severity.ERROR),
    IMPORT_CYCLE(103, Severity.ERROR),
    NO_MODEL(104, Severity.ERROR),
    MULTIPLE_MODELS(105, Severity.ERROR),
    BAD_NUMBER(106, Severity.ERROR),
    BAD_PACKAGE(107, Severity.ERROR),
    /** More than {@link Limits#DIAGNOSTICS_PER_FILE} diagnostics in one file: the rest untold. */
    TOO_MANY_DIAGNOSTICS(108, Severity.WARNING),
    /** Brackets, braces and unary minus nested deeper than {@link Limits#NESTING}. */
    NESTING_TOO_DEEP(109, Severity.ERROR),
    /** An expression with more than {@link Limits#EXPRESSION_TERMS} terms. */
    EXPRESSION_TOO_LONG(110, Severity.ERROR),
    /** An import of something that is not a readable {@code .nn} text file. */
    BAD_IMPORT(111, Severity.ERROR),
    /** Imports chained deeper than {@link Limits#IMPORT_DEPTH}. */
    IMPORTS_TOO_DEEP(112, Severity.ERROR),

    // Names: NN02xx
    UNKNOWN_LAYER(201, Severity.ERROR),
    UNKNOWN_ACTIVATION(202, Severity.ERROR),
    UNKNOWN_LOSS(203, Severity.ERROR),
    UNKNOWN_OPTIMIZER(204, Severity.ERROR),
    UNKNOWN_INITIALIZER(205, Severity.ERROR),
    UNDEFINED_CONSTANT(206, Severity.ERROR),
    DUPLICATE_DEFINITION(207, Severity.ERROR),
    UNKNOWN_SETTING(208, Severity.ERROR),
    UNKNOWN_BLOCK(209, Severity.ERROR),
    DUPLICATE_SETTING(210, Severity.ERROR),
    GROUP_RECURSION(211, Severity.ERROR),
    UNKNOWN_METRIC(212, Severity.ERROR),

    // Arguments: NN03xx
    UNKNOWN_ARGUMENT(301, Severity.ERROR),
    MISSING_ARGUMENT(302, Severity.ERROR),
    ARGUMENT_TYPE(303, Severity.ERROR),
    ARGUMENT_RANGE(304, Severity.ERROR),
    DUPLICATE_ARGUMENT(305, Severity.ERROR),
    TOO_MANY_ARGUMENTS(306, Severity.ERROR),
    /** A call with more than {@link Limits#ARGUMENTS} arguments, whatever it calls. */
    ARGUMENT_LIMIT(307, Severity.ERROR),

    // Model structure and shapes: NN04xx
    MISSING_INPUT(401, Severity.ERROR),
    DUPLICATE_INPUT(402, Severity.ERROR),
    SHAPE_MISMATCH(403, Severity.ERROR),
    NO_LAYERS(404, Severity.ERROR),
    MISSING_LOSS(405, Severity.ERROR),
    LOSS_OUTPUT_MISMATCH(406, Severity.ERROR),
    MISSING_OPTIMIZER(407, Severity.WARNING),
    REDUNDANT_ACTIVATION(408, Severity.WARNING),
    /** Groups and repeats that expand into more work than {@link Limits#EXPANSION_STEPS}. */
    EXPANSION_TOO_LARGE(409, Severity.ERROR),
    /** Group calls nested deeper than {@link Limits#GROUP_DEPTH}. */
    GROUPS_TOO_DEEP(410, Severity.ERROR),
    /** More than {@link Limits#PARAMETERS} parameters, or a tensor larger than a Java array. */
    MODEL_TOO_LARGE(411, Severity.ERROR),

    // Data: NN05xx
    DATA_FILE_NOT_FOUND(501, Severity.ERROR),
    DATA_COLUMN_NOT_FOUND(502, Severity.ERROR),
    DATA_FORMAT(503, Severity.ERROR),
    DATA_COLUMNS_MISMATCH(504, Severity.ERROR),
    /** windows(...): the window and its horizon need more rows than the series has. */
    DATA_WINDOW_TOO_LONG(505, Severity.ERROR),
    /** windows(...): the model's input is not [window, features]. */
    DATA_WINDOW_SHAPE(506, Severity.ERROR),
    /** windows(...): no window's target lies in from..to. */
    DATA_WINDOW_EMPTY(507, Severity.ERROR),
    /** cross_entropy: the training labels hold another number of classes than the outputs. */
    DATA_CLASS_COUNT(508, Severity.ERROR),
    /** missing: a rule that does not fit the data (an unknown column, a label, a source). */
    DATA_MISSING_VALUES(509, Severity.ERROR),
    /**
     * csv(features:, ignore:): a column both feature and label, a range running backwards; a
     * categorical column that is not a feature; normalize of csv(symbols:)' codes.
     */
    DATA_COLUMN_CHOICE(510, Severity.ERROR),
    /**
     * augment: on an input that is not an image, an unknown or repeated transform;
     * augment_copies without augment.
     */
    DATA_AUGMENT(511, Severity.ERROR);

    private final int number;
    private final Severity severity;

    Code(int number, Severity severity) {
        this.number = number;
        this.severity = severity;
    }

    /** {@code NN0101}. */
    public String id() {
        return String.format("NN%04d", number);
    }

    public Severity severity() {
        return severity;
    }
}
