// Post-build check of the broken IT: the build failed, and the log holds the diagnostic as the
// command line prints it: file:line:col, code, message, source line and caret.
def log = new File(basedir, 'build.log').text

def expect = { boolean ok, String what ->
    if (!ok) {
        throw new AssertionError(what + '\n--- build.log ---\n' + log)
    }
    println 'OK: ' + what
}

expect(log.contains("[ERROR] src/main/nn/broken.nn:4:5: error[NN0201]: unknown layer 'desne'"),
        'the diagnostic names broken.nn:4:5')
expect(log.contains("did you mean 'dense'?"), 'the diagnostic suggests dense')
expect(log.contains('    desne(2) -> sigmoid\n        ^~~~~'), 'source line and caret follow')
expect(log.contains('1 error in the .nn files'), 'the goal fails with the count')
expect(log.contains('BUILD FAILURE'), 'the build failed')
expect(!new File(basedir, 'target/generated-sources/nn/Broken.java').exists(),
        'no class for the broken model')
true
