"""A small CNN: the plain conv stack is reported; the conv followed by BatchNorm is not."""
from torch import nn


def conv_block(c_in, c_out):
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3, padding=1), nn.LeakyReLU(0.2))


class CNN(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, 64, 3, padding=1, bias=False),
            nn.BatchNorm2d(64),
            nn.ReLU(inplace=True),
        )
        self.body = conv_block(64, 128)
        self.head = nn.Linear(128, classes)

    def forward(self, x):
        x = self.body(self.stem(x))
        return self.head(x.mean((2, 3)))
