"""Weight-space interpolation (WiSE-FT, Wortsman et al. 2022): weights = reference + a * (trained -
reference), the best a on the selection metric kept; it trades how far the fine-tune moved
against what the reference knew."""

from __future__ import annotations

import json
from pathlib import Path

from .errors import InputError


def state_snapshot(model) -> dict:
    """A CPU copy of the model's weights, untouched by later training."""
    return {k: v.detach().to("cpu", copy=True) for k, v in model.state_dict().items()}


def interpolate(args, model, reference: dict, evaluator, metric: str | None, log_path: Path) -> float:
    """Sets the model's weights to reference + a * (model - reference) for the best a of --interpolate."""
    model.to("cpu")
    trained = state_snapshot(model)
    mismatched = sorted(set(trained) ^ set(reference)) or [k for k in trained if trained[k].shape != reference[k].shape]
    if mismatched:
        raise InputError(f"the interpolation reference is not the same architecture as the model (first difference: "
                         f"{mismatched[0]}); --interpolate-from must be the model that was fine-tuned")

    def mix(alpha: float) -> dict:
        return {k: reference[k] + alpha * (v - reference[k]) if v.is_floating_point() else v for k, v in trained.items()}

    scores = {}
    if len(args.interpolate) > 1:
        for alpha in args.interpolate:
            model.load_state_dict(mix(alpha))
            result = evaluator(model)
            scores[alpha] = result[metric.removeprefix("eval_")]
            print(f"interpolated a={alpha:g}: " + ", ".join(f"{k} {v:.4f}" for k, v in result.items()))
            with open(log_path, "a", encoding="utf-8") as f:
                f.write(json.dumps({"interpolate": alpha, **{f"eval_{k}": v for k, v in result.items()}}) + "\n")
    chosen = max(args.interpolate, key=lambda a: scores.get(a, 0.0))  # the first of equals
    model.load_state_dict(mix(chosen))
    print(f"interpolation: a={chosen:g}" + (f" kept ({metric} {scores[chosen]:.4f})" if scores else ""))
    with open(log_path, "a", encoding="utf-8") as f:
        f.write(json.dumps({"interpolated": chosen, "metric": metric if scores else None}) + "\n")
    return chosen
