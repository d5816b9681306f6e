#!/usr/bin/env python3
"""A plain numpy re-implementation of the example models, to check that their figures are reachable.

    python3 examples/tools/reference.py                 # every example, seeds 1 2 3
    python3 examples/tools/reference.py sine rings --seeds 1 2 3 4 5

It is not the project's trainer; it follows the textbook's conventions (HelperClass2 /
MiniFramework of 神经网络基本原理简明教程, microsoft/ai-edu) and the settings written in each .nn file:
rows are samples, Z = X.W + B; MSE = sum((a-y)^2)/(2m); gradients divided by the batch size m;
Xavier = U(+-sqrt(6/(in+out))), biases zero; feature min-max fitted on the training data;
the training data is shuffled once, the first `validation` fraction split off as the validation
set, and the rest reshuffled every epoch; the stop condition is checked after every epoch on the
validation loss (or on the training loss when there is no validation set); regression "accuracy"
is R^2 = 1 - MSE/Var(y) on de-normalized values. The numbers differ from the Java runtime's
(different random streams); what counts is that the targets are met for several seeds.
"""
import argparse
import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.dirname(HERE)


def load(rel, label):
    d = np.genfromtxt(os.path.join(EXAMPLES, rel), delimiter=',', names=True)
    names = [n for n in d.dtype.names if n != label]
    x = np.stack([d[n] for n in names], axis=1).astype(np.float64)
    return x, d[label].astype(np.float64).reshape(-1, 1)


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class Net:
    """A dense net: `layers` lists (units, activation) after n_in inputs; the last is the output."""

    def __init__(self, n_in, layers, init, rng):
        self.acts = [a for _, a in layers]
        self.W, self.B = [], []
        prev = n_in
        for units, _ in layers:
            if init == 'zero':
                w = np.zeros((prev, units))
            elif init == 'xavier':
                r = np.sqrt(6.0 / (prev + units))
                w = rng.uniform(-r, r, (prev, units))
            else:
                raise ValueError(init)
            self.W.append(w)
            self.B.append(np.zeros((1, units)))
            prev = units

    def forward(self, x):
        self.A = [x]
        for w, b, act in zip(self.W, self.B, self.acts):
            z = self.A[-1] @ w + b
            if act == 'sigmoid':
                a = sigmoid(z)
            elif act == 'softmax':
                a = softmax(z)
            elif act == 'identity':
                a = z
            else:
                raise ValueError(act)
            self.A.append(a)
        return self.A[-1]

    def step(self, x, y, lr):
        a = self.forward(x)
        m = x.shape[0]
        dz = (a - y) / m  # MSE+identity, BCE+sigmoid and CE+softmax all give A - Y
        for i in reversed(range(len(self.W))):
            dw = self.A[i].T @ dz
            db = dz.sum(axis=0, keepdims=True)
            if i > 0:
                da = dz @ self.W[i].T
                if self.acts[i - 1] == 'sigmoid':
                    dz = da * self.A[i] * (1 - self.A[i])
                else:
                    dz = da
            self.W[i] -= lr * dw
            self.B[i] -= lr * db


def loss_of(kind, a, y):
    if kind == 'mse':
        return float(np.sum((a - y) ** 2) / (2 * len(y)))
    eps = 1e-12
    if kind == 'bce':
        return float(-np.mean(y * np.log(a + eps) + (1 - y) * np.log(1 - a + eps)))
    return float(-np.sum(y * np.log(a + eps)) / len(y))


def train(cfg, seed):
    rng = np.random.default_rng(seed)
    x, y = load(cfg['train'], cfg['label'])
    loss = cfg['loss']
    classes = None
    if loss == 'ce':
        classes = np.unique(y)
        y = (y == classes.reshape(1, -1)).astype(np.float64)
    xmin, xrng = np.zeros(x.shape[1]), np.ones(x.shape[1])
    if cfg.get('norm'):
        xmin, xrng = x.min(axis=0), x.max(axis=0) - x.min(axis=0)
    ymin, yrng = 0.0, 1.0
    if cfg.get('norm_labels'):
        ymin, yrng = y.min(), y.max() - y.min()
    nx = lambda v: (v - xmin) / xrng
    x, y = nx(x), (y - ymin) / yrng
    net = Net(x.shape[1], cfg['layers'], cfg['init'], rng)
    xv = yv = None
    if cfg.get('validation'):
        p = rng.permutation(len(x))
        x, y = x[p], y[p]
        k = int(len(x) * cfg['validation'])
        xv, yv, x, y = x[:k], y[:k], x[k:], y[k:]
    bs = cfg['batch']
    stopped = None
    for epoch in range(cfg['epochs']):
        p = rng.permutation(len(x))
        xs, ys = x[p], y[p]
        for s in range(0, len(x), bs):
            net.step(xs[s:s + bs], ys[s:s + bs], cfg['lr'])
        if 'stop' in cfg:
            watch = loss_of(loss, net.forward(xv), yv) if xv is not None else \
                loss_of(loss, net.forward(x), y)
            if cfg['stop'](watch):
                stopped = epoch + 1
                break
    res = {'epochs': stopped or cfg['epochs'], 'stopped': stopped is not None,
           'loss': loss_of(loss, net.forward(x), y)}
    if xv is not None:
        res['val_loss'] = loss_of(loss, net.forward(xv), yv)

    def predict(v):
        a = net.forward(nx(v))
        if loss == 'mse':
            return a * yrng + ymin
        if loss == 'bce':
            return a
        return classes[np.argmax(a, axis=1)].reshape(-1, 1)

    def accuracy(xt, yt):
        a = predict(xt)
        if loss == 'mse':
            return float(1 - np.mean((a - yt) ** 2) / np.var(yt))
        if loss == 'bce':
            return float(np.mean(np.round(a) == yt))
        return float(np.mean(a == yt))

    xt, yt = load(cfg.get('test', cfg['train']), cfg['label'])
    res['train_acc' if 'test' not in cfg else 'test_acc'] = accuracy(xt, yt)
    res['net'], res['predict'] = net, predict
    return res


def le(v):
    return lambda loss: loss <= v


def lt(v):
    return lambda loss: loss < v


CD = '03-linear-classification/'
NL = '05-nonlinear-classification/'
GATE = dict(loss='bce', layers=[(1, 'sigmoid')], init='zero', lr=0.5, batch=1, epochs=10000,
            stop=le(0.002), label='y')
MODELS = {
    'blackbox': dict(train='01-neuron/blackbox.csv', label='y', loss='mse',
                     layers=[(1, 'identity')], init='zero', lr=0.1, batch=1, epochs=10000, stop=lt(0.00001)),
    'servers': dict(train='02-linear-regression/servers.csv', label='y', loss='mse',
                    layers=[(1, 'identity')], init='zero', lr=0.3, batch=10, epochs=100),
    'house': dict(train='02-linear-regression/house.csv', label='price', loss='mse',
                  layers=[(1, 'identity')], init='zero', lr=0.01, batch=10, epochs=200, norm=True,
                  norm_labels=True),
    'logistic': dict(train=CD + 'logistic.csv', label='label', loss='bce', layers=[(1, 'sigmoid')],
                     init='zero', lr=0.1, batch=10, epochs=100),
    'and': dict(GATE, train=CD + 'gates/and.csv'),
    'or': dict(GATE, train=CD + 'gates/or.csv'),
    'nand': dict(GATE, train=CD + 'gates/nand.csv'),
    'nor': dict(GATE, train=CD + 'gates/nor.csv'),
    'not': dict(GATE, train=CD + 'gates/not.csv'),
    'softmax': dict(train=CD + 'softmax.csv', label='class', loss='ce', layers=[(3, 'softmax')],
                    init='zero', lr=0.1, batch=10, epochs=100, norm=True),
    'sine': dict(train='04-nonlinear-regression/sine-train.csv',
                 test='04-nonlinear-regression/sine-test.csv', label='y', loss='mse',
                 layers=[(2, 'sigmoid'), (1, 'identity')], init='xavier', lr=0.05, batch=10,
                 epochs=5000, validation=0.1, stop=le(0.001)),
    'curve': dict(train='04-nonlinear-regression/curve-train.csv',
                  test='04-nonlinear-regression/curve-test.csv', label='y', loss='mse',
                  layers=[(3, 'sigmoid'), (1, 'identity')], init='xavier', lr=0.5, batch=10,
                  epochs=10000, validation=0.1, stop=le(0.001)),
    'xor': dict(train=NL + 'xor.csv', label='y', loss='bce',
                layers=[(2, 'sigmoid'), (1, 'sigmoid')], init='xavier', lr=0.1, batch=1, epochs=10000, stop=le(0.005)),
    'arcs': dict(train=NL + 'arcs-train.csv', test=NL + 'arcs-test.csv', label='label', loss='bce',
                 layers=[(2, 'sigmoid'), (1, 'sigmoid')], init='xavier', lr=0.1, batch=5,
                 epochs=10000, norm=True, validation=0.1, stop=le(0.08)),
    'rings': dict(train=NL + 'rings-train.csv', test=NL + 'rings-test.csv', label='class',
                  loss='ce', layers=[(3, 'sigmoid'), (3, 'softmax')], init='xavier', lr=0.1,
                  batch=10, epochs=5000, norm=True, validation=0.1, stop=le(0.1)),
}


def extra(name, res):
    """The figure each example's comment names, beyond loss and accuracy."""
    net, predict = res['net'], res['predict']
    if name in ('blackbox', 'servers'):
        return 'w=%.4f b=%.4f' % (net.W[0][0, 0], net.B[0][0, 0])
    if name == 'house':
        return 'z(15,93)=%.4f' % predict(np.array([[15.0, 93.0]]))[0, 0]
    if name == 'logistic':
        a = predict(np.array([[0.58, 0.92], [0.62, 0.55], [0.39, 0.29]]))[:, 0]
        return 'A(.58,.92)=%.3f A(.62,.55)=%.3f A(.39,.29)=%.3f' % tuple(a)
    if name in ('and', 'or', 'nand', 'nor', 'not', 'xor'):
        x, y = load(MODELS[name]['train'], 'y')
        a = predict(x)
        return 'A=%s max|A-Y|=%.4f' % (np.round(a[:, 0], 4).tolist(), np.max(np.abs(a - y)))
    if name == 'softmax':
        r = predict(np.array([[5.0, 1.0], [7.0, 6.0], [5.0, 6.0], [2.0, 7.0]]))[:, 0]
        return 'r=%s' % r.astype(int).tolist()
    return ''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('names', nargs='*', default=list(MODELS))
    ap.add_argument('--seeds', nargs='*', type=int, default=[1, 2, 3])
    args = ap.parse_args()
    for name in args.names:
        cfg = MODELS[name]
        for seed in args.seeds:
            r = train(cfg, seed)
            figs = ' '.join('%s=%.6g' % (k, r[k]) for k in
                            ('loss', 'val_loss', 'train_acc', 'test_acc') if k in r)
            print('%-8s seed %d: epochs %d%s %s %s' % (
                name, seed, r['epochs'], ' (stopped)' if r['stopped'] else '', figs,
                extra(name, r)))
            sys.stdout.flush()


if __name__ == '__main__':
    main()
