package dev.nnc.compiler.sema;

import dev.nnc.compiler.diag.Span;
import dev.nnc.runtime.model.StopCondition;
import java.util.List;

/**
 * A value after evaluation of an expression: constants substituted, arithmetic done. Words that
 * name no constant stay words ({@code last}, {@code relu}, {@code minmax}); it is up to the
 * consumer to accept them or to report an undefined constant.
 */
public sealed interface Value {
    Span span();

    /** A short description for messages: "number 3", "name 'relu'". */
    String describe();

    /** A number. */
    record Num(double value, Span span) implements Value {
        @Override
        public String describe() {
            return "number " + Values.format(value);
        }
    }

    /** A string. */
    record Str(String value, Span span) implements Value {
        @Override
        public String describe() {
            return "string \"" + value + "\"";
        }
    }

    /** A boolean. */
    record Bool(boolean value, Span span) implements Value {
        @Override
        public String describe() {
            return "'" + value + "'";
        }
    }

    /** A bare name that is not a constant. */
    record Word(String name, Span span) implements Value {
        @Override
        public String describe() {
            return "name '" + name + "'";
        }
    }

    /** {@code name(args)}. */
    record Call(String name, Span nameSpan, List<Arg> args, Span span) implements Value {
        public Call {
            args = List.copyOf(args);
        }

        @Override
        public String describe() {
            return "'" + name + "(...)'";
        }
    }

    /** A list. */
    record ListV(List<Value> items, Span span) implements Value {
        public ListV {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /** A condition such as {@code val_loss <= 0.001}; metric names are checked by the consumer. */
    record Cond(StopCondition condition, List<Word> metrics, Span span) implements Value {
        public Cond {
            metrics = List.copyOf(metrics);
        }

        @Override
        public String describe() {
            return "a condition";
        }
    }

    /** An evaluated argument; {@code name} is {@code null} for a positional one. */
    record Arg(String name, Span nameSpan, Value value) {
    }
}
