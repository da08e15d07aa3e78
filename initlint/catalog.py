"""What initlint knows about torch, as data.

Everything here is keyed by torch's public qualified names (``torch.nn.Linear``,
``torch.nn.functional.relu``). Adding an activation or a layer is one entry; no other
module spells a torch name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Dict, Mapping, Optional, Tuple, Union

Param = Tuple[str, Union[float, str, None]]  # (name, default)

NN = "torch.nn."
F = "torch.nn.functional."


# --------------------------------------------------------------------------- layers


@dataclass(frozen=True)
class Layer:
    """A weight layer whose default init is torch's ``kaiming_uniform_(a=sqrt(5))``."""

    name: str
    family: str  # "linear" | "bilinear" | "conv" | "conv_transpose"
    lazy: bool
    params: Tuple[str, ...]  # constructor parameters in positional order

    @property
    def has_kernel(self) -> bool:
        return self.family in ("conv", "conv_transpose")

    @property
    def spatial_dims(self) -> int:
        """1, 2 or 3 for Conv1d/2d/3d (an int stride applies to each); 0 for Linear."""
        return int(self.name[-2]) if self.has_kernel else 0


_CONV = ("in_channels", "out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "bias")
_CONV_T = (
    "in_channels", "out_channels", "kernel_size", "stride", "padding", "output_padding", "groups", "bias",
    "dilation",
)


def _layers() -> dict:
    table = {
        "Linear": Layer("Linear", "linear", False, ("in_features", "out_features", "bias")),
        "LazyLinear": Layer("LazyLinear", "linear", True, ("out_features", "bias")),
        "Bilinear": Layer("Bilinear", "bilinear", False, ("in1_features", "in2_features", "out_features", "bias")),
    }
    for d in ("1d", "2d", "3d"):
        table["Conv" + d] = Layer("Conv" + d, "conv", False, _CONV)
        table["LazyConv" + d] = Layer("LazyConv" + d, "conv", True, _CONV[1:])
        table["ConvTranspose" + d] = Layer("ConvTranspose" + d, "conv_transpose", False, _CONV_T)
        table["LazyConvTranspose" + d] = Layer("LazyConvTranspose" + d, "conv_transpose", True, _CONV_T[1:])
    return {NN + name: layer for name, layer in table.items()}


LAYERS: Mapping[str, Layer] = _layers()


# ---------------------------------------------------------------------- activations

# Roles decide the policy: "hidden" activations are checked; "gate" ones (sigmoid-like, used
# for gates and heads) only when a setting asks; "output" ones (softmax, identity) never.
HIDDEN, GATE, OUTPUT = "hidden", "gate", "output"


@dataclass(frozen=True)
class Activation:
    """An activation, with the torch ``nonlinearity`` that matches it (if any).

    ``params`` are the constructor's parameters after ``self`` (module form) in order, with
    defaults; ``slope`` turns resolved parameter values into kaiming's ``a`` for
    ``nonlinearity="leaky_relu"``.
    """

    name: str
    role: str
    params: Tuple[Param, ...] = ()
    nonlinearity: Optional[str] = None
    slope: Optional[Callable[[Mapping[str, float]], float]] = None
    normal: bool = False  # the recommended kaiming call is kaiming_normal_ whatever the setting
    # The parameter that is kaiming's ``a`` itself: a fix can pass its expression through (a=slope).
    slope_param: Optional[str] = None
    # Parameters whose value moves the gain by less than 1e-4 (GELU's approximate: 1.53353 exact,
    # 1.53358 tanh; design.md §2 has 1.5335 for both): not knowing them does not stop a fix.
    gain_free: Tuple[str, ...] = ()


_A = Activation
ACTIVATION_LIST = (
    _A("ReLU", HIDDEN, nonlinearity="relu"),
    _A("ReLU6", HIDDEN, nonlinearity="relu"),
    _A("LeakyReLU", HIDDEN, (("negative_slope", 0.01),), "leaky_relu", lambda p: p["negative_slope"], slope_param="negative_slope"),
    _A("PReLU", HIDDEN, (("num_parameters", 1), ("init", 0.25)), "leaky_relu", lambda p: p["init"], slope_param="init"),
    _A("RReLU", HIDDEN, (("lower", 1 / 8), ("upper", 1 / 3)), "leaky_relu", lambda p: (p["lower"] + p["upper"]) / 2),
    _A("Tanh", HIDDEN, nonlinearity="tanh"),
    # torch's docs: self-normalising networks want unit gain and a normal distribution.
    _A("SELU", HIDDEN, nonlinearity="linear", normal=True),
    _A("ELU", HIDDEN, (("alpha", 1.0),)),
    _A("CELU", HIDDEN, (("alpha", 1.0),)),
    _A("GELU", HIDDEN, (("approximate", "none"),), gain_free=("approximate",)),
    _A("SiLU", HIDDEN),
    _A("Mish", HIDDEN),
    _A("Hardswish", HIDDEN),
    _A("Hardtanh", HIDDEN, (("min_val", -1.0), ("max_val", 1.0))),
    _A("Softplus", HIDDEN, (("beta", 1.0), ("threshold", 20.0))),
    _A("Sigmoid", GATE),
    _A("Hardsigmoid", GATE),
    _A("LogSigmoid", GATE),
    _A("GLU", GATE),
    _A("Softmax", OUTPUT),
    _A("LogSoftmax", OUTPUT),
    _A("Softmin", OUTPUT),
)
# An activation whose output the code squares at once (`torch.relu(h).square()`, `relu(h) ** 2`:
# Primer's, RWKV's and StarReLU's ReLU²) is another function, with its own gain. Not torch classes.
SQUARED: Mapping[str, Activation] = {"ReLU": Activation("ReLUSquared", HIDDEN)}
# Written out in a model's own class, with no torch class: ``x * torch.sigmoid(beta * x)`` (SiLU at
# beta = 1; CLIP's QuickGELU at beta = 1.702).
SWISH = Activation("Swish", HIDDEN, (("beta", 1.0),))
WRITTEN_OUT = (*SQUARED.values(), SWISH)
ACTIVATIONS: Mapping[str, Activation] = {a.name: a for a in (*ACTIVATION_LIST, *WRITTEN_OUT)}

# Functions that turn a name into an activation (timm's get_act_layer / create_act_layer, diffusers'
# get_activation, espnet's get_layer, asteroid's activations.get, get_activation_fn, ...), matched on
# the callee's dotted name: called with a string that names an activation, they hold that one.
ACTIVATION_GETTER = re.compile(
    r"(?:^|\.)(?:(?:get|create|make|build)_(?:(?:layer|functional|module|torch|nn)_)?(?:act|activation|nonlinearity)(?:_(?:layer|fn|func|function|cls|class|module))?(?:_by_name)?"
    r"|get_layer|activations\.get"
    # mmengine's registries build from a config dict (``dict(type="GELU")``): an activation only
    # when the config's type names one.
    r"|MODELS\.build|ACTIVATION(?:S|_LAYERS)?\.build)$"
)
# Functions that turn a name into a norm layer (kornia's ``build_norm("bn2d")``, timm's
# ``get_norm_layer``, ``create_norm``): called with a string that names a norm, they hold one.
NORM_GETTER = re.compile(r"(?:^|\.)(?:get|create|make|build)_norm(?:alization)?(?:_(?:layer|fn|cls|class|module))?$")
# How such strings name norms (compared lower-case, without "_"): class names and the short forms
# repositories register (``"bn2d"``, ``"ln"``, ``"gn"``, ``"batch"``).
NORM_NAMES = frozenset(
    [n.lower() for n in ("BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "BatchNorm", "SyncBatchNorm", "LayerNorm",
                         "LayerNorm2d", "GroupNorm", "InstanceNorm", "InstanceNorm1d", "InstanceNorm2d",
                         "InstanceNorm3d", "RMSNorm")]
    + ["bn", "bn1d", "bn2d", "bn3d", "syncbn", "ln", "ln2d", "gn", "in", "in2d", "rms", "batch", "layer", "group", "instance"]
)


def names_norm(text: str) -> bool:
    """Whether a string names a norm layer (``"bn2d"``, ``"BatchNorm2d"``, ``"layer_norm"``)."""
    return text.replace("_", "").lower() in NORM_NAMES


# How such strings spell activations beyond the class name (compared lower-case, without "_").
_SPELLINGS: Mapping[str, Tuple[str, Mapping[str, object]]] = {
    "swish": ("SiLU", {}), "gelutanh": ("GELU", {"approximate": "tanh"}), "quickgelu": ("Swish", {"beta": 1.702}),
    "hswish": ("Hardswish", {}), "hsigmoid": ("Hardsigmoid", {}),
}


def activation_named(text: str) -> Optional[Tuple[Activation, Dict[str, object]]]:
    """The activation a string names (``"relu"``, ``"leaky_relu"``, ``"hard_swish"``, ``"GELU"``), with
    its parameters (defaults unless the spelling says otherwise); None when it names none."""
    key = text.replace("_", "").lower()
    spelled = _SPELLINGS.get(key)
    if spelled is not None:
        activation = ACTIVATIONS[spelled[0]]
        return activation, {**dict(activation.params), **spelled[1]}
    for activation in ACTIVATION_LIST:
        if activation.name.lower() == key:
            return activation, dict(activation.params)
    return None

# Module classes: torch.nn.<Name>.
ACTIVATION_MODULES: Mapping[str, Activation] = {NN + a.name: a for a in ACTIVATION_LIST}

# Functions: qualified name -> (activation, parameter names after the input tensor).
# The parameter names map positional arguments onto the module's parameter names.
_FUNCTIONS = {
    "relu": ("ReLU", ()), "relu_": ("ReLU", ()), "relu6": ("ReLU6", ()),
    "leaky_relu": ("LeakyReLU", ("negative_slope",)), "leaky_relu_": ("LeakyReLU", ("negative_slope",)),
    "prelu": ("PReLU", ("weight",)),
    "rrelu": ("RReLU", ("lower", "upper")), "rrelu_": ("RReLU", ("lower", "upper")),
    "tanh": ("Tanh", ()), "selu": ("SELU", ()), "selu_": ("SELU", ()),
    "elu": ("ELU", ("alpha",)), "elu_": ("ELU", ("alpha",)),
    "celu": ("CELU", ("alpha",)), "celu_": ("CELU", ("alpha",)),
    "gelu": ("GELU", ("approximate",)), "silu": ("SiLU", ()), "mish": ("Mish", ()),
    "hardswish": ("Hardswish", ()),
    "hardtanh": ("Hardtanh", ("min_val", "max_val")), "hardtanh_": ("Hardtanh", ("min_val", "max_val")),
    "softplus": ("Softplus", ("beta", "threshold")),
    "sigmoid": ("Sigmoid", ()), "hardsigmoid": ("Hardsigmoid", ()), "logsigmoid": ("LogSigmoid", ()),
    "glu": ("GLU", ()),
    "softmax": ("Softmax", ()), "log_softmax": ("LogSoftmax", ()), "softmin": ("Softmin", ()),
}
# torch.<name> exists for these; torch.nn.functional.<name> for all of _FUNCTIONS.
_TORCH_TOP_LEVEL = (
    "relu", "relu_", "rrelu", "rrelu_", "prelu", "tanh", "selu", "selu_", "celu", "celu_", "sigmoid",
    "softmax", "log_softmax",
)
# In-place forms that exist only as torch.<name>, not in torch.nn.functional.
_TORCH_ONLY = {"tanh_": ("Tanh", ()), "sigmoid_": ("Sigmoid", ())}
ACTIVATION_FUNCTIONS: Mapping[str, Tuple[Activation, Tuple[str, ...]]] = {
    **{F + fn: (ACTIVATIONS[act], params) for fn, (act, params) in _FUNCTIONS.items()},
    **{"torch." + fn: (ACTIVATIONS[_FUNCTIONS[fn][0]], _FUNCTIONS[fn][1]) for fn in _TORCH_TOP_LEVEL},
    **{"torch." + fn: (ACTIVATIONS[act], params) for fn, (act, params) in _TORCH_ONLY.items()},
}

# Tensor methods: x.relu(), x.tanh_(), ...
ACTIVATION_METHODS: Mapping[str, Activation] = {
    m: ACTIVATIONS[act]
    for m, act in {
        "relu": "ReLU", "relu_": "ReLU", "tanh": "Tanh", "tanh_": "Tanh", "prelu": "PReLU",
        "sigmoid": "Sigmoid", "sigmoid_": "Sigmoid", "softmax": "Softmax", "log_softmax": "LogSoftmax",
    }.items()
}


# How code squares a tensor: torch functions and tensor methods, with the exponent (if any)
# given as their second positional argument (``torch.pow(x, 2)``, ``x.pow(2)``); and ``x ** 2``.
SQUARING_METHODS: Mapping[str, bool] = {"square": False, "pow": True}
SQUARING_FUNCTIONS: Mapping[str, bool] = {"torch." + name: takes_exponent for name, takes_exponent in SQUARING_METHODS.items()}


# --------------------------------------------------------- what may sit in between

_NORMS = (
    "BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "LazyBatchNorm1d", "LazyBatchNorm2d", "LazyBatchNorm3d",
    "SyncBatchNorm", "LayerNorm", "GroupNorm", "RMSNorm", "LocalResponseNorm",
    "InstanceNorm1d", "InstanceNorm2d", "InstanceNorm3d",
    "LazyInstanceNorm1d", "LazyInstanceNorm2d", "LazyInstanceNorm3d",
)
NORM_MODULES = frozenset(NN + n for n in _NORMS)
NORM_FUNCTIONS = frozenset(
    F + n for n in ("batch_norm", "layer_norm", "group_norm", "instance_norm", "rms_norm", "normalize")
)

# Pass the signal through unchanged in scale (in expectation): they never end a "followed by".
_TRANSPARENT = (
    "Dropout", "Dropout1d", "Dropout2d", "Dropout3d", "AlphaDropout", "FeatureAlphaDropout",
    "Identity", "Flatten", "Unflatten",
    # Rearrange values between channels and space (sub-pixel upsampling): the same values, moved.
    "PixelShuffle", "PixelUnshuffle", "ChannelShuffle",
    # A border around the same values (coqui-tts' Conv1dBN: conv, ZeroPad2d, relu).
    *(f"{kind}Pad{d}d" for kind in ("Zero", "Constant", "Reflection", "Replication", "Circular") for d in (1, 2, 3)),
)
TRANSPARENT_MODULES = frozenset(NN + n for n in _TRANSPARENT)
TRANSPARENT_FUNCTIONS = frozenset(
    [F + n for n in ("dropout", "dropout1d", "dropout2d", "dropout3d", "alpha_dropout", "feature_alpha_dropout", "pad")]
    + ["torch." + n for n in ("flatten", "reshape", "permute", "transpose", "squeeze", "unsqueeze", "movedim")]
    + [p + n for p in (F, "torch.") for n in ("pixel_shuffle", "pixel_unshuffle", "channel_shuffle")]
)
TRANSPARENT_METHODS = frozenset(
    (
        "view", "view_as", "reshape", "reshape_as", "permute", "transpose", "flatten", "unflatten",
        "contiguous", "squeeze", "unsqueeze", "movedim", "swapaxes", "t",
        # casts keep the values (and so the scale): F.gelu(x.to(torch.float32)).to(x.dtype)
        "to", "float", "half", "double", "bfloat16", "type_as",
    )
)

# Pooling ends a "followed by" (it changes the signal's statistics), but only reshapes the
# output of a model's last activation: a Sequential ending in Tanh then pooling is a head.
POOLING_MODULES = frozenset(
    NN + kind + size
    for kind in ("AvgPool", "MaxPool", "AdaptiveAvgPool", "AdaptiveMaxPool", "LPPool")
    for size in ("1d", "2d", "3d")
    if not (kind == "LPPool" and size == "3d")
)

SEQUENTIAL = NN + "Sequential"

# Wrappers that return the module they are given with its weight reparametrised from the weight it
# has (w = g·v/‖v‖, g = ‖v‖ at wrapping): the layer still starts from its init, and an init must be
# written before wrapping. (Spectral norm divides by the largest singular value: the scale of the
# init no longer reaches the forward, as with a norm.)
WEIGHT_NORMS = frozenset((
    "torch.nn.utils.weight_norm",
    "torch.nn.utils.weight_norm.weight_norm",  # from torch.nn.utils.weight_norm import weight_norm
    "torch.nn.utils.parametrizations.weight_norm",
))
# What a helper may hand back in place of the layer it was handed, the layer still inside:
# weight norm, and spectral norm (a setting's other arm: ``_maybe_spectral_norm(layer, enable)``).
LAYER_WRAPPERS = WEIGHT_NORMS | frozenset((
    "torch.nn.utils.spectral_norm",
    "torch.nn.utils.spectral_norm.spectral_norm",
    "torch.nn.utils.parametrizations.spectral_norm",
))

# Arithmetic that only shifts or scales a bounded activation's result on its way to a model's
# return (`max_action * torch.tanh(x)`, a tanh-squashed log-std rescaled into its bounds): the
# activation is still the model's output range, a head. Python's operators as the grammar names
# them (binary, unary, and augmented without their "Assign").
RESCALING_OPERATORS = frozenset(("Add", "Subtract", "Multiply", "Divide", "Minus", "Plus"))
# Adding a head's result to anything (an action plus a squashed residual) keeps it an output.
SHIFTING_OPERATORS = frozenset(("Add", "Subtract"))
# Methods that bound a value into a range: a head's result clamped is still the output range.
BOUNDING_METHODS = frozenset(("clamp", "clip", "clamp_", "clip_"))
# Attributes named for a model's output nonlinearity (asteroid's ``output_act``, the mask
# nonlinearity a separator's ``mask_act`` chooses; ``final_activation``): what they make and
# ``forward`` returns is the output (a mask, a range), not a hidden layer's activation.
OUTPUT_ACTIVATION_HOLDERS = ("output_act", "out_act", "final_act", "last_act", "mask_act", "mask_nl", "output_nl")
# Settings that choose a mask estimator's nonlinearity (asteroid's ``mask_act="relu"``, espnet's
# ``mask_nonlinear``): the activation they pick makes the separator's output mask wherever it is
# applied, even when forward returns the masks through list work the data flow does not follow.
# (``pre_mask_nonlinear`` picks a hidden activation before the mask layer: not matched.)
# A class named for the mask it makes (funasr's ``MaskNet``, a ``MaskEstimator``; a CamelCase part
# ``Mask``, not ``Masked``): an activation its ``forward`` returns makes that mask, an output.
# A parameter named for an activation (``activation``, ``act_layer``, ``nonlinearity``, ``gate``):
# what the calls of a helper pass for it is the helper's activation (facts/supplied.py).
ACTIVATION_PARAMETER = re.compile(r"(?:^|_)(?:act|activation|nonlinearity|nonlinear|nl)(?:_|$)", re.IGNORECASE)
MASK_CLASS = re.compile(r"Mask(?![a-z])")
MASK_SETTING = re.compile(r"(?:^|\.)mask_?(?:act|activation|nonlinear|nonlinearity|nl)(?:_\w+)?$", re.IGNORECASE)

# ------------------------------------------------------------------- init evidence

INIT_MODULE = "torch.nn.init"
# Every torch.nn.init function takes the tensor it writes first, under this name.
INIT_TENSOR_PARAM = "tensor"
# The init functions whose gain initlint checks (INI002) and whose arguments can fail at run
# time (INI003), with their parameters in order (torch 2.13; the unsuffixed forms are deprecated).
_KAIMING = ("tensor", "a", "mode", "nonlinearity", "generator")
KAIMING_FUNCTIONS: Mapping[str, Tuple[str, ...]] = {
    INIT_MODULE + "." + name: _KAIMING
    for name in ("kaiming_uniform_", "kaiming_normal_", "kaiming_uniform", "kaiming_normal")
}
CALCULATE_GAIN = INIT_MODULE + ".calculate_gain"
CALCULATE_GAIN_PARAMS = ("nonlinearity", "param")
# In-place tensor methods that overwrite (or rescale) a weight: evidence of a deliberate init.
WEIGHT_WRITING_METHODS = frozenset(
    (
        "normal_", "uniform_", "copy_", "fill_", "zero_", "mul_", "div_", "add_", "sub_", "clamp_",
        "set_", "bernoulli_", "random_", "exponential_", "geometric_", "log_normal_", "cauchy_",
        "masked_fill_", "index_fill_", "scatter_",
    )
)


def canonical(qualified: str) -> str:
    """``torch.nn.modules.conv.Conv2d`` -> ``torch.nn.Conv2d``: one spelling per object."""
    if qualified.startswith("torch.nn.modules."):
        return NN + qualified.rsplit(".", 1)[1]
    return qualified


def is_known(qualified: str) -> bool:
    """Whether initlint has anything to say about this torch name (used for star imports)."""
    return (
        qualified in LAYERS
        or qualified in ACTIVATION_MODULES
        or qualified in ACTIVATION_FUNCTIONS
        or qualified in NORM_MODULES
        or qualified in NORM_FUNCTIONS
        or qualified in TRANSPARENT_MODULES
        or qualified in TRANSPARENT_FUNCTIONS
        or qualified == SEQUENTIAL
        or qualified.startswith(INIT_MODULE + ".")
    )

MODULE_LIST = NN + "ModuleList"
MODULE_DICT = NN + "ModuleDict"
MODULE = NN + "Module"

# Private torch base classes that `isinstance` dispatches use for whole families of layers.
LAYER_BASES: Mapping[str, Tuple[str, ...]] = {
    NN + "_ConvNd": tuple(n for n, layer in LAYERS.items() if layer.has_kernel),
    NN + "_ConvTransposeNd": tuple(n for n, layer in LAYERS.items() if layer.family == "conv_transpose"),
    NN + "_LazyConvXdMixin": tuple(n for n, layer in LAYERS.items() if layer.has_kernel and layer.lazy),
}

# Declarative inits (mmengine's and mmcv's ``init_cfg``): the initializer types that write
# weights (``Pretrained`` loads a checkpoint: no init of an untrained model). ``layer=`` names
# layer classes by their class name or a base class's name.
DECLARED_INITIALIZERS = frozenset(("Constant", "Xavier", "Normal", "TruncNormal", "Uniform", "Kaiming", "Caffe2Xavier"))
DECLARED_INIT_PARAMETER = "init_cfg"

# Names of helper functions that initialise what they are given (c2_msra_fill, zero_module,
# kaiming_init, init_weights, ...): a whole word or a word part of the name, case-insensitive.
# A function value named for what it is (`weights_initializer`, `w_initializer`), called on a
# weight: an init picked from a table or handed in (ludwig's FCLayer).
INITIALIZER_NAME = re.compile(r"initiali[sz]er", re.IGNORECASE)
INIT_HELPER_WORDS = ("init", "initialize", "initialise", "zero", "fill")
# Methods that mean "initialise every parameter": `for p in self.parameters(): nn.init...(p)`.
PARAMETER_ITERATORS = frozenset(("parameters", "named_parameters"))
# Methods of an nn.Module subclass that run without the class's own code calling them: the
# constructor, the forward (torch's __call__), and reset_parameters (torch's convention for
# "initialise me", which FSDP's meta-device init and to_empty() users call). Any other method's
# init evidence counts only when something calls or applies it (index/coverage.py).
RUNNING_METHODS = frozenset(("__init__", "__post_init__", "forward", "reset_parameters"))
# The fused inference path of a conv-norm-act block (yolox's `fuseforward`, ultralytics'
# `forward_fuse`: `self.act(self.conv(x))`): it runs only once `fuse_model()` has folded the norm
# into the conv's weight, so the default init never reaches that activation.
FUSED_FORWARD = re.compile(r"^(?=.*forward)(?=.*fuse)", re.IGNORECASE)
# Test code: files named test_*.py, *_test.py or conftest.py, or under a folder named tests or test.
# A test builds a block on its own to check its shapes, and never trains it: where it builds a
# class is no use of that class whose init matters (index/coverage.py).
TEST_FOLDERS = frozenset(("tests", "test"))
TEST_FILE_PREFIXES = ("test_",)
TEST_FILE_SUFFIXES = ("_test.py",)
TEST_FILE_NAMES = frozenset(("conftest.py",))
# Methods that add what they are given to the module they are called on (`self.layers.append(m)`).
ADDING_METHODS = frozenset(("append", "extend", "insert", "add_module", "register_module", "update"))
