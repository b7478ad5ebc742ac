"""The model as a versioned JSON document, and back.

Document (format "nnplay.model", version 1)::

    {"format": "nnplay.model", "version": 1, "dtype": "float32", "seed": 0, "initializer": "xavier",
     "input_dim": 2, "layers": [{"units": 4, "activation": "tanh"}, ...],
     "weights": [W1, b1, W2, b2, ...],            # nested lists, W(k) shape (units k, units k-1)
     "compile": {"loss": "...", "optimizer": "sgd", "optimizer_settings": {...},
                 "regularization": null, "reg_rate": 0.0} or null,
     "epoch": 0}
"""

import json

FORMAT = "nnplay.model"
VERSION = 1


def model_to_dict(model) -> dict:
    """The model's architecture, weights and compile settings as a JSON-friendly dict."""
    compiled = None
    if model.loss is not None:
        settings = model.optimizer.config()
        compiled = {
            "loss": model.loss.name,
            "optimizer": model.optimizer.name,
            "learning_rate": settings.pop("learning_rate"),
            "optimizer_settings": settings,
            "regularization": None if model.regularizer is None else model.regularizer.name,
            "reg_rate": model.reg_rate,
        }
    return {
        "format": FORMAT,
        "version": VERSION,
        "dtype": model.dtype.name,
        "seed": model.seed,
        "initializer": model.initializer,
        "input_dim": model.input_dim,
        "layers": [layer.config() for layer in model.layers],
        "weights": [w.tolist() for w in model.get_weights()],
        "compile": compiled,
        "epoch": model.epoch,
    }


def _require(document: dict, key: str, kind):
    if key not in document:
        raise ValueError(f"model document is missing {key!r}")
    value = document[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is not bool:
        raise ValueError(f"model document field {key!r} has the wrong type")
    return value


def model_from_dict(document: dict):
    """Rebuild a Sequential from :func:`model_to_dict`'s document; ValueError says what is wrong."""
    from engine.layers import Dense
    from engine.network import Sequential

    if not isinstance(document, dict):
        raise ValueError("a model document must be a JSON object")
    if document.get("format") != FORMAT:
        raise ValueError(f"not an nnplay model document (format should be {FORMAT!r})")
    version = document.get("version")
    if version != VERSION:
        raise ValueError(f"unsupported model document version {version!r}; this engine reads version {VERSION}")
    layer_specs = _require(document, "layers", list)
    input_dim = _require(document, "input_dim", int)
    if not layer_specs:
        raise ValueError("model document has no layers")
    layers = []
    for index, spec in enumerate(layer_specs, 1):
        if not isinstance(spec, dict) or "units" not in spec or "activation" not in spec:
            raise ValueError(f"layer {index} must give units and activation")
        try:
            layers.append(Dense(spec["units"], spec["activation"], input_dim=input_dim if index == 1 else None))
        except ValueError as exc:
            raise ValueError(f"layer {index}: {exc}") from None
    try:
        model = Sequential(layers, seed=document.get("seed", 0), dtype=document.get("dtype", "float32"),
                           initializer=document.get("initializer", "xavier"))
    except TypeError as exc:
        raise ValueError(f"model document has a bad setting: {exc}") from None
    model.set_weights(_require(document, "weights", list))
    compiled = document.get("compile")
    if compiled is not None:
        if not isinstance(compiled, dict):
            raise ValueError("model document field 'compile' must be an object or null")
        model.compile(
            loss=compiled.get("loss"),
            optimizer=compiled.get("optimizer", "sgd"),
            learning_rate=compiled.get("learning_rate", 0.03),
            regularization=compiled.get("regularization"),
            reg_rate=compiled.get("reg_rate", 0.0),
            **(compiled.get("optimizer_settings") or {}),
        )
    epoch = document.get("epoch", 0)
    model.epoch = int(epoch) if isinstance(epoch, int) and epoch >= 0 else 0
    return model


def to_json(model) -> str:
    """The model document as a JSON string."""
    return json.dumps(model_to_dict(model))


def from_json(text: str):
    """A model from a JSON string made by :func:`to_json`."""
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"model document is not valid JSON: {exc}") from None
    return model_from_dict(document)
