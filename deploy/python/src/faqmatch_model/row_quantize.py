"""Batch-independent activation quantization for a quantize_dynamic (int8) ONNX model.

onnxruntime.quantization.quantize_dynamic puts a DynamicQuantizeLinear in front of every quantized
MatMul: ONE scale and zero point for the whole activation tensor, i.e. over every text of the batch
and its padding, so a text's embedding depended on which texts shared its batch (scores moved by up
to 0.02). This rewrite gives each of those activations a quantization that depends on nothing but the
token's own values, and keeps the weights, their per-channel scales and zero points byte for byte:

* calibrated (static) per-tensor: scale and zero point are constants, from the activation's range
  (min, max over the real tokens of --calibration texts, as DynamicQuantizeLinear would compute it
  over all of them): QuantizeLinear(x, scale, zp) -> com.microsoft.MatMulIntegerToFloat(q, W, scale,
  w_scale, zp, w_zp, bias), the fused kernel ONNX Runtime itself makes of quantize_dynamic's graph.
  Used for the inputs of the attention projections (Q, K, V, output) and of the feed-forward up
  projection: LayerNorm outputs and attention contexts, whose ranges hardly vary between texts.

* per-row (per token, along the last axis, the one the MatMul reduces over): the scale comes from
  the row's own minimum and maximum, with a constant zero point Z taken from the calibrated range
  (Z = 128, symmetric, without calibration):
      s = max(rowmax / (255 - Z), -rowmin / Z, TINY)             # [..., rows, 1]
      q = QuantizeLinear(Flatten(x), s, Z, axis=0)              # one scale per row, Z broadcast
      y = com.microsoft.MatMulIntegerToFloat(q, W, 1, w_scale, Z, w_zp) * s      (+ bias, as before)
  ONNX Runtime's MatMulIntegerToFloat takes only a scalar activation scale and zero point, hence the
  scale of 1 and the per-row Mul after it (and MatMulInteger would want a scalar a_zero_point too).
  Used for the input of the feed-forward down projection (the weight with more rows than columns):
  the GELU output, one-sided ([-0.17, max]) with row maxima that differ several-fold between tokens;
  a calibrated range there cost most of the accuracy a fully static model lost.

Measured on faqmatch-finance-zh-v1 (1 thread; ONNX Runtime 1.30 in Python and 1.23.2 in Java): every
text bit-identical alone and in random batches with padding; cosine Spearman on ATEC / LCQMC within 0.1
of quantize_dynamic's; speed within 1-3%. Per-row everywhere (--no-calibration) is as exact and a little
closer to the float model, but 8% (1.30) to 18% (1.23) slower: a Mul and an unfused bias Add per
projection, a reduction pass per activation. Static everywhere lost 0.12-0.15 Spearman on LCQMC.

    python deploy/row_quantize.py IN.onnx OUT.onnx [--tokenizer tokenizer.json] [--calibration FILE[:N]]
    python deploy/row_quantize.py IN.onnx OUT.onnx --no-calibration      # per-row everywhere, no data

--calibration is a pair file (text1<TAB>text2<TAB>label; both texts count) or one text a line; :N a
seeded sample of N distinct texts (default: ../shared/data/train/BQ.train.data:1000 from the project).
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

TINY = 1e-12  # smallest per-row scale: an all-zero row quantizes to Z, exactly zero
MS_DOMAIN = "com.microsoft"
# ../shared/data beside the project checkout; this file is deploy/python/src/faqmatch_model/row_quantize.py in it.
DEFAULT_CALIBRATION = Path(__file__).resolve().parents[5] / "shared" / "data" / "train" / "BQ.train.data"
CALIBRATION_TEXTS = 1000
CALIBRATION_SEED = 0
CALIBRATION_BATCH = 32


class RewriteError(Exception):
    pass


# ---------------------------------------------------------------- calibration

def calibration_texts(spec: str | Path | None = None) -> list[str]:
    """FILE[:N] (default DEFAULT_CALIBRATION:1000): a seeded sample of N distinct texts of the file."""
    spec = str(spec or f"{DEFAULT_CALIBRATION}:{CALIBRATION_TEXTS}")
    head, sep, tail = spec.rpartition(":")
    path, n = (head, int(tail)) if sep and tail.isdigit() else (spec, None)
    if not Path(path).is_file():
        raise RewriteError(f"calibration file {path}: no such file")
    texts = set()
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            fields = line.rstrip("\r\n").split("\t")
            texts.update(t.strip() for t in (fields[:2] if len(fields) >= 3 else fields[:1]) if t.strip())
    texts = sorted(texts)
    if n is not None and n < len(texts):
        texts = random.Random(CALIBRATION_SEED).sample(texts, n)
    if not texts:
        raise RewriteError(f"calibration file {path}: no texts")
    return texts


def calibrate(model, tokenizer_json, texts, max_len: int = 512) -> dict[str, tuple[float, float, float, float]]:
    """For every DynamicQuantizeLinear input of `model`, over the real tokens (rows) of `texts`:
    (min, max, median of the rows' minima, median of the rows' maxima)."""
    import onnx
    import onnxruntime as ort
    from tokenizers import Tokenizer

    probe = onnx.ModelProto()
    probe.CopyFrom(model)
    names = [n.input[0] for n in probe.graph.node if n.op_type == "DynamicQuantizeLinear"]
    outputs = {o.name for o in probe.graph.output}
    for name in names:
        if name not in outputs:
            probe.graph.output.append(onnx.helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None))
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.add_session_config_entry("session.x64quantprecision", "1")
    session = ort.InferenceSession(probe.SerializeToString(), options, providers=["CPUExecutionProvider"])
    inputs = {i.name for i in session.get_inputs()}

    tokenizer = Tokenizer.from_file(str(tokenizer_json))
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_len)
    pad = tokenizer.token_to_id("[PAD]") or 0
    ids = sorted((e.ids for e in tokenizer.encode_batch(list(texts))), key=len)
    row_min = {name: [] for name in names}
    row_max = {name: [] for name in names}
    for start in range(0, len(ids), CALIBRATION_BATCH):
        chunk = ids[start:start + CALIBRATION_BATCH]
        width = max(len(row) for row in chunk)
        input_ids = np.full((len(chunk), width), pad, dtype=np.int64)
        mask = np.zeros_like(input_ids)
        for i, row in enumerate(chunk):
            input_ids[i, :len(row)] = row
            mask[i, :len(row)] = 1
        feeds = {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": np.zeros_like(input_ids)}
        values = session.run(names, {k: v for k, v in feeds.items() if k in inputs})
        real = mask.astype(bool)
        for name, value in zip(names, values):
            rows = value[real]  # [tokens, features]: padding rows left out
            row_min[name].append(rows.min(axis=-1))
            row_max[name].append(rows.max(axis=-1))
    out = {}
    for name in names:
        lows, highs = np.concatenate(row_min[name]), np.concatenate(row_max[name])
        out[name] = (float(lows.min()), float(highs.max()), float(np.median(lows)), float(np.median(highs)))
    return out


# ---------------------------------------------------------------- rewrite

def _per_row_default(weights: list[np.ndarray]) -> bool:
    """Per-row for the feed-forward down projection (its weight has more rows than columns)."""
    return all(w.shape[0] > w.shape[1] for w in weights)


def rewrite(model, ranges: dict[str, tuple[float, float, float, float]] | None = None, per_row=_per_row_default):
    """Rewrites `model` (onnx.ModelProto of quantize_dynamic) in place; returns (model, statistics).

    ranges: calibrate()'s statistics per DynamicQuantizeLinear input; None: every point per-row, Z = 128.
    per_row(weights of the MatMulIntegers the point feeds) -> bool chooses per-row where ranges exist."""
    from onnx import helper, numpy_helper

    graph = model.graph
    opset = {o.domain: o.version for o in model.opset_import}
    if opset.get("", opset.get("ai.onnx", 0)) < 13:
        raise RewriteError(f"opset {opset}: QuantizeLinear with a per-axis scale needs ONNX opset 13 or later")
    initializers = {i.name: i for i in graph.initializer}
    consumers = defaultdict(list)
    for node in graph.node:
        for name in node.input:
            if name:
                consumers[name].append(node)
    taken = set(initializers) | {i.name for i in graph.input} | {o for n in graph.node for o in n.output}

    def fresh(base: str) -> str:
        name, k = base, 0
        while name in taken:
            k += 1
            name = f"{base}_{k}"
        taken.add(name)
        return name

    def const(base: str, array) -> str:
        name = fresh(base)
        tensor = numpy_helper.from_array(np.asarray(array), name)
        graph.initializer.append(tensor)
        initializers[name] = tensor
        return name

    quantizers = [n for n in graph.node if n.op_type == "DynamicQuantizeLinear" and n.domain in ("", "ai.onnx")]
    if not quantizers:
        raise RewriteError("no DynamicQuantizeLinear in the graph: not a quantize_dynamic model, or rewritten already")

    shared = {}

    def shared_const(key: str, array) -> str:
        if key not in shared:
            shared[key] = const(f"rowq_{key}", array)
        return shared[key]

    remove, replace, insert_after = set(), {}, defaultdict(list)
    stats = defaultdict(int)
    for dql in quantizers:
        x, q_old, s_old, zp_old = dql.input[0], *dql.output
        base = dql.name or x
        users_q, users_s, users_zp = consumers[q_old], consumers[s_old], consumers[zp_old]
        if not users_q or any(u.op_type != "MatMulInteger" or u.input[0] != q_old for u in users_q):
            raise RewriteError(f"{base}: its quantized output feeds something other than MatMulInteger's A")
        if any(u.op_type != "MatMulInteger" or u.input[2] != zp_old for u in users_zp):
            raise RewriteError(f"{base}: its zero point is used other than as MatMulInteger's a_zero_point")
        # Mul(a_scale, constant w_scale) -> w_scale, for each such Mul
        w_scale_of = {}
        for mul in users_s:
            others = [i for i in mul.input if i != s_old]
            if mul.op_type != "Mul" or len(mul.input) != 2 or len(others) != 1 or others[0] not in initializers:
                raise RewriteError(f"{mul.name}: expected Mul(a_scale, constant weight scale)")
            w_scale_of[mul.output[0]] = others[0]
            remove.add(id(mul))
        # each MatMulInteger -> Cast -> Mul(., a_scale * w_scale) [-> Add(., constant bias)]
        matmuls = []
        for mmi in users_q:
            casts = consumers[mmi.output[0]]
            if len(casts) != 1 or casts[0].op_type != "Cast" or len(consumers[casts[0].output[0]]) != 1:
                raise RewriteError(f"{mmi.name}: expected MatMulInteger -> Cast -> Mul")
            cast = casts[0]
            mul = consumers[cast.output[0]][0]
            combined = [i for i in mul.input if i != cast.output[0]]
            if mul.op_type != "Mul" or len(combined) != 1 or combined[0] not in w_scale_of:
                raise RewriteError(f"{mmi.name}: expected Mul(Cast(MatMulInteger), a_scale * w_scale) after it")
            if mmi.input[1] not in initializers:
                raise RewriteError(f"{mmi.name}: its weight is not an initializer")
            bias_add, bias = None, None
            adds = consumers[mul.output[0]]
            if len(adds) == 1 and adds[0].op_type == "Add" and len(adds[0].input) == 2:
                other = [i for i in adds[0].input if i != mul.output[0]]
                n_cols = initializers[mmi.input[1]].dims[1]
                if len(other) == 1 and other[0] in initializers and list(initializers[other[0]].dims) == [n_cols]:
                    bias_add, bias = adds[0], other[0]
            matmuls.append((mmi, cast, mul, w_scale_of[combined[0]], bias_add, bias))
            remove.update((id(cast), id(mul)))
        remove.add(id(dql))

        weights = [numpy_helper.to_array(initializers[m[0].input[1]]) for m in matmuls]
        row = ranges is None or per_row(weights)
        if ranges is not None and x not in ranges:
            raise RewriteError(f"{base}: no calibrated range for {x}")
        lo, hi, row_lo, row_hi = ranges[x] if ranges is not None else (-1.0, 1.0, -1.0, 1.0)
        lo, hi, row_lo, row_hi = min(lo, 0.0), max(hi, 0.0), min(row_lo, 0.0), max(row_hi, 0.0)
        if row:
            # A constant zero point that splits the 255 steps as a typical row's minimum and maximum
            # do: 128 for a symmetric activation, ~14 for a GELU output ([-0.17, ~3] in most rows).
            z = int(np.clip(np.round(255 * -row_lo / (row_hi - row_lo)), 1, 254)) if row_hi > row_lo else 128
            zp = shared_const(f"zero_point_{z}", np.array(z, dtype=np.uint8))
            one = shared_const("one", np.array(1.0, dtype=np.float32))
            tiny = shared_const("tiny", np.array(TINY, dtype=np.float32))
            pos = shared_const(f"positive_levels_{z}", np.array(255 - z, dtype=np.float32))
            neg = shared_const(f"negative_levels_{z}", np.array(z, dtype=np.float32))
            flat = shared_const("flat", np.array([-1], dtype=np.int64))
            t = {k: fresh(f"{base}_row_{k}") for k in ("max", "min", "negmin", "s_pos", "s_neg", "s_max", "scale",
                                                        "x2d", "scale1d", "rows", "zp1d", "q2d", "xshape", "q")}
            insert_after[id(dql)] += [
                helper.make_node("ReduceMax", [x], [t["max"]], name=f"{base}_row_ReduceMax", axes=[-1], keepdims=1),
                helper.make_node("ReduceMin", [x], [t["min"]], name=f"{base}_row_ReduceMin", axes=[-1], keepdims=1),
                helper.make_node("Neg", [t["min"]], [t["negmin"]], name=f"{base}_row_Neg"),
                helper.make_node("Div", [t["max"], pos], [t["s_pos"]], name=f"{base}_row_ScalePos"),
                helper.make_node("Div", [t["negmin"], neg], [t["s_neg"]], name=f"{base}_row_ScaleNeg"),
                helper.make_node("Max", [t["s_pos"], t["s_neg"], tiny], [t["scale"]], name=f"{base}_row_Scale"),
                helper.make_node("Flatten", [x], [t["x2d"]], name=f"{base}_row_Flatten", axis=-1),
                helper.make_node("Reshape", [t["scale"], flat], [t["scale1d"]], name=f"{base}_row_ScaleFlat"),
                helper.make_node("Shape", [t["scale1d"]], [t["rows"]], name=f"{base}_row_Rows"),
                helper.make_node("Expand", [zp, t["rows"]], [t["zp1d"]], name=f"{base}_row_ZeroPoints"),
                helper.make_node("QuantizeLinear", [t["x2d"], t["scale1d"], t["zp1d"]], [t["q2d"]],
                                 name=f"{base}_row_QuantizeLinear", axis=0),
                helper.make_node("Shape", [x], [t["xshape"]], name=f"{base}_row_Shape"),
                helper.make_node("Reshape", [t["q2d"], t["xshape"]], [t["q"]], name=f"{base}_row_Unflatten"),
            ]
            for mmi, cast, mul, w_scale, _, _ in matmuls:
                unscaled = fresh(f"{mmi.output[0]}_unscaled")
                ins = [t["q"], mmi.input[1], one, w_scale, zp] + ([mmi.input[3]] if len(mmi.input) > 3 and mmi.input[3] else [])
                replace[id(mmi)] = [
                    helper.make_node("MatMulIntegerToFloat", ins, [unscaled], name=mmi.name, domain=MS_DOMAIN),
                    # Mul(y, row scale) keeps mul's output name: the bias Add after it reads it as before
                    helper.make_node("Mul", [unscaled, t["scale"]], [mul.output[0]], name=f"{mmi.name}_row_scale"),
                ]
            stats["per_row"] += 1
        else:
            scale = np.float32((hi - lo) / 255.0) if hi > lo else np.float32(1.0)
            z = int(np.clip(np.round(-lo / scale), 0, 255))
            scale_name = const(f"{x}_static_scale", np.array(scale, dtype=np.float32))
            zp_name = const(f"{x}_static_zero_point", np.array(z, dtype=np.uint8))
            q = fresh(f"{x}_static_quantized")
            insert_after[id(dql)].append(
                helper.make_node("QuantizeLinear", [x, scale_name, zp_name], [q], name=f"{base}_static"))
            for mmi, cast, mul, w_scale, bias_add, bias in matmuls:
                ins = [q, mmi.input[1], scale_name, w_scale, zp_name,
                       mmi.input[3] if len(mmi.input) > 3 else ""] + ([bias] if bias else [])
                out = bias_add.output[0] if bias else mul.output[0]
                if bias:
                    remove.add(id(bias_add))
                replace[id(mmi)] = [helper.make_node("MatMulIntegerToFloat", ins, [out], name=mmi.name, domain=MS_DOMAIN)]
            stats["static"] += 1
        stats["matmuls"] += len(matmuls)

    nodes = []
    for node in graph.node:
        if id(node) in replace:
            nodes.extend(replace[id(node)])
        elif id(node) not in remove:
            nodes.append(node)
        nodes.extend(insert_after.get(id(node), ()))
    nodes = [_copy(n) for n in _topological(nodes, {i.name for i in graph.input} | set(initializers))]
    del graph.node[:]
    graph.node.extend(nodes)

    live = {name for node in graph.node for name in node.input} | {o.name for o in graph.output}
    kept = [i for i in graph.initializer if i.name in live]
    del graph.initializer[:]
    graph.initializer.extend(kept)
    produced = {o for node in graph.node for o in node.output}
    kept_info = [v for v in graph.value_info if v.name in produced]
    del graph.value_info[:]
    graph.value_info.extend(kept_info)
    if MS_DOMAIN not in opset:
        model.opset_import.append(helper.make_opsetid(MS_DOMAIN, 1))
    return model, dict(stats)


def _copy(node):
    from onnx import NodeProto

    copy = NodeProto()
    copy.CopyFrom(node)
    return copy


def _topological(nodes, available):
    available = set(available) | {""}
    out, pending = [], list(nodes)
    while pending:
        rest = []
        for node in pending:
            if all(i in available for i in node.input):
                out.append(node)
                available.update(node.output)
            else:
                rest.append(node)
        if len(rest) == len(pending):
            raise RewriteError(f"cycle or missing input at {rest[0].name}: {list(rest[0].input)}")
        pending = rest
    return out


def rewrite_file(src, dst, tokenizer_json=None, calibration=None, calibrate_ranges: bool = True) -> str:
    """Reads src (quantize_dynamic's model.onnx), writes dst (may be src); returns a line to print.

    calibration: FILE[:N] or a list of texts (default DEFAULT_CALIBRATION:1000); tokenizer_json:
    default the tokenizer.json beside src; calibrate_ranges=False: per-row everywhere, no data."""
    import onnx

    model = onnx.load(str(src))
    before = len(model.graph.node)
    ranges = None
    if calibrate_ranges:
        tokenizer_json = Path(tokenizer_json or Path(src).with_name("tokenizer.json"))
        if not tokenizer_json.is_file():
            raise RewriteError(f"{tokenizer_json}: no such file (--tokenizer)")
        texts = calibration if isinstance(calibration, (list, tuple)) else calibration_texts(calibration)
        ranges = calibrate(model, tokenizer_json, texts)
    model, stats = rewrite(model, ranges)
    onnx.checker.check_model(model)
    onnx.save(model, str(dst))
    return (f"{dst}: {len(ranges or ())} activation ranges calibrated; {stats.get('static', 0)} DynamicQuantizeLinear "
            f"-> static, {stats.get('per_row', 0)} -> per-row, for {stats['matmuls']} MatMulInteger; "
            f"nodes {before} -> {len(model.graph.node)}")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                epilog=__doc__.split("\n\n", 1)[1], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("input", help="model.onnx from onnxruntime.quantization.quantize_dynamic")
    p.add_argument("output", help="model.onnx to write (may be the input)")
    p.add_argument("--tokenizer", help="tokenizer.json for the calibration (default: beside the input)")
    p.add_argument("--calibration", metavar="FILE[:N]", help=f"calibration texts (default {DEFAULT_CALIBRATION}:{CALIBRATION_TEXTS})")
    p.add_argument("--no-calibration", action="store_true", help="per-row quantization everywhere, no calibration")
    args = p.parse_args(argv)
    try:
        print(rewrite_file(args.input, args.output, args.tokenizer, args.calibration, not args.no_calibration))
    except RewriteError as e:
        print(f"row_quantize: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
