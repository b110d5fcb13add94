"""fastai v2.7's SimpleCNN in plain PyTorch (fastai/layers.py), without importing fastai.

Shared by scripts/make_fixtures.py (the oracle) and bench/peer_torch.py (the peer), so both
build exactly the model hookd's `simpleCNN` reproduces:
  ConvLayer(ni, nf, ks=3, stride, norm_type=Batch if bn and i < nl-1 else None) =
    Sequential(Conv2d(ni, nf, ks, stride, padding=(ks-1)//2, bias=not bn), [BatchNorm2d(nf)], ReLU())
  (bn_1st=True puts BN before the activation; the last layer keeps its ReLU)
  init_linear(conv, nn.ReLU(), init='auto', bias_std=0.01): kaiming_uniform_ weight, N(0, .01) bias
  BatchNorm(nf): weight 1, bias 1e-3
  SimpleCNN appends PoolFlatten() = Sequential(AdaptiveAvgPool2d(1), Flatten()).
"""
import torch
import torch.nn as nn


class Flatten(nn.Module):
    def forward(self, x):
        return x.view(x.size(0), -1)


def conv_layer(ni, nf, ks=3, stride=1, bn=True):
    conv = nn.Conv2d(ni, nf, kernel_size=ks, bias=not bn, stride=stride, padding=(ks - 1) // 2)
    if conv.bias is not None:
        nn.init.normal_(conv.bias, 0, 0.01)          # init_linear: bias_std=0.01
    nn.init.kaiming_uniform_(conv.weight)            # nn.ReLU.__default_init__
    layers = [conv]
    if bn:
        b = nn.BatchNorm2d(nf)
        with torch.no_grad():
            b.bias.fill_(1e-3)
            b.weight.fill_(1.)
        layers.append(b)
    layers.append(nn.ReLU())
    return nn.Sequential(*layers)


def simple_cnn(filters=(1, 16, 32, 64, 10), bn=True):
    nl = len(filters) - 1
    layers = [conv_layer(filters[i], filters[i + 1], 3, 2, bn=bn and i < nl - 1) for i in range(nl)]
    layers.append(nn.Sequential(nn.AdaptiveAvgPool2d(1), Flatten()))
    return nn.Sequential(*layers)
