"""A plain MLP classifier: every hidden Linear keeps torch's default init."""
import torch.nn as nn
import torch.nn.functional as F


class MLP(nn.Module):
    def __init__(self, d_in=784, width=512, classes=10):
        super().__init__()
        self.fc1 = nn.Linear(d_in, width)
        self.fc2 = nn.Linear(width, width)
        self.drop = nn.Dropout(0.1)
        self.out = nn.Linear(width, classes)

    def forward(self, x):
        x = F.relu(self.fc1(x.flatten(1)))
        x = self.fc2(x)
        x = self.drop(x)
        x = F.gelu(x)
        return self.out(x)
