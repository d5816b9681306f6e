// Post-build check of the warning IT: a warning alone fails the build under failOnWarning.
def log = new File(basedir, 'build.log').text

def expect = { boolean ok, String what ->
    if (!ok) {
        throw new AssertionError(what + '\n--- build.log ---\n' + log)
    }
    println 'OK: ' + what
}

expect(log.contains('[WARNING] src/main/nn/neuron.nn:'), 'the warning names neuron.nn')
expect(log.contains('warning[NN0407]'), 'the warning has its code')
expect(log.contains('0 errors, 1 warning (failOnWarning is set) in the .nn files'), 'the goal fails')
expect(log.contains('BUILD FAILURE'), 'the build failed')
true
