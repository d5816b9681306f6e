// Post-build check of the consumer IT (examples/maven-consumer built twice).
def log = new File(basedir, 'build.log').text
def out = new File(basedir, 'target/generated-sources/nn')

def expect = { boolean ok, String what ->
    if (!ok) {
        throw new AssertionError(what + '\n--- build.log ---\n' + log)
    }
    println 'OK: ' + what
}

expect(new File(out, 'com/example/models/DoubleArc.java').isFile(),
        'arcs.nn (no package) -> com/example/models/DoubleArc.java')
expect(new File(out, 'com/example/gates/Xor.java').isFile(),
        'xor.nn (package com.example.gates) -> com/example/gates/Xor.java')
expect(log.contains('Generated com/example/models/DoubleArc.java'), 'first build generated DoubleArc')
expect(log.contains('Generated com/example/gates/Xor.java'), 'first build generated Xor')
expect((log =~ /DoubleArc test accuracy (0\.9[5-9]\d*|1\.0+) \(figure: >= 0\.95\)/).find(),
        'the trained model meets the figure of arcs.nn')
expect(log.contains('Tests run: 3, Failures: 0, Errors: 0, Skipped: 0'), 'the JUnit tests passed')
expect(log.contains('nn: 2 models up to date, 0 generated, 0 deleted'),
        'second build: nothing regenerated')
def generated = new File(basedir, 'target/classes/com/example/models/DoubleArc.class')
expect(generated.isFile(), 'the generated class was compiled with the application')
true
