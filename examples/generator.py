"""A DCGAN-style generator: SiLU has no torch gain; the final Tanh is the output range."""
import torch
from torch import nn


class Generator(nn.Module):
    def __init__(self, z_dim=128):
        super().__init__()
        self.project = nn.Linear(z_dim, 256 * 4 * 4)
        self.up1 = nn.ConvTranspose2d(256, 128, 4, stride=2, padding=1)
        self.up2 = nn.ConvTranspose2d(128, 3, 4, stride=2, padding=1)

    def forward(self, z):
        x = self.project(z).view(-1, 256, 4, 4)
        x = nn.functional.silu(x)
        x = self.up1(x).relu()
        return torch.tanh(self.up2(x))
