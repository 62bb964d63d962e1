#!/usr/bin/env python3
"""Reads a PNG, JPEG or WebP with sd-parsers (a third-party reader of AUTOMATIC1111-style metadata,
from PyPI: PNG text chunks, the EXIF UserComment of JPEG and WebP) and prints what it understood as
JSON. With --job, also checks it against what the Nanoforge CLI says it made (`nanoforge generate
--json`) and exits 1 on any difference.

    read_a1111.py IMAGE [--job JOB.json --prompt TEXT --seed N|none]
"""

import argparse
import json
import sys

from sd_parsers import ParserManager
from sd_parsers.data import Generators


def read(path):
    info = ParserManager().parse(path)
    if info is None:
        return None
    sampler = info.samplers[0] if info.samplers else None
    return {
        "generator": info.generator.value,
        "prompt": info.full_prompt,
        "negative_prompt": info.full_negative_prompt,
        "sampler": sampler.name if sampler else None,
        "model": sampler.model.name if sampler and sampler.model else None,
        # Normalised keys (cfg_scale, seed, steps); values stay the text of the settings line.
        "parameters": sampler.parameters if sampler else {},
        "metadata": info.metadata,
    }


def differences(found, job, prompt, seed):
    image = job["images"][0]
    expected = {
        "generator": Generators.AUTOMATIC1111.value,
        "prompt": prompt,
        "negative_prompt": "",
        "sampler": job["provider"],
        "model": job["model"],
        "seed": "-1" if seed == "none" else seed,
        "steps": "1",
        "cfg_scale": "1",
        "size": f"{image['width']}x{image['height']}",
    }
    actual = {
        "generator": found["generator"],
        "prompt": found["prompt"],
        "negative_prompt": found["negative_prompt"],
        "sampler": found["sampler"],
        "model": found["model"],
        "seed": found["parameters"].get("seed"),
        "steps": found["parameters"].get("steps"),
        "cfg_scale": found["parameters"].get("cfg_scale"),
        "size": found["metadata"].get("Size"),
    }
    if job["prompt"] != prompt:
        actual["job prompt"], expected["job prompt"] = job["prompt"], prompt
    return [
        f"{key}: expected {expected[key]!r}, sd-parsers read {actual.get(key)!r}"
        for key in expected
        if actual.get(key) != expected[key]
    ]


def main():
    args = argparse.ArgumentParser()
    args.add_argument("image")
    args.add_argument("--job", help="the CLI's JSON for the job that made IMAGE")
    args.add_argument("--prompt")
    args.add_argument("--seed", help="the seed asked for, or 'none'")
    opts = args.parse_args()

    found = read(opts.image)
    print(json.dumps(found, indent=2, ensure_ascii=False, default=str))
    if found is None:
        print(f"sd-parsers found no generation settings in {opts.image}", file=sys.stderr)
        return 1
    if opts.job:
        with open(opts.job, encoding="utf-8") as f:
            job = json.load(f)
        problems = differences(found, job, opts.prompt, opts.seed)
        for problem in problems:
            print(f"interop: {problem}", file=sys.stderr)
        if problems:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
