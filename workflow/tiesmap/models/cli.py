"""Verbs of the models stage: external covariates joined, and the configured
models, area models and diagnostics fitted.
"""

from __future__ import annotations

import argparse

from tiesmap.core.cli import read_json, verbs, write_json, write_parquet


def cmd_covariates(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.models.external_covariates import add_external_covariates

    panel, report = add_external_covariates(
        pd.read_parquet(args.index), _external_files(args.files)
    )
    write_parquet(panel, args.out)
    write_json(args.report, report)
    return 0


def _external_files(pairs: list[str] | None) -> dict[str, str]:
    return dict(p.split("=", 1) for p in pairs or [])


def cmd_models(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.core.config import load_config
    from tiesmap.models.configured import configured_models

    config = load_config(args.config)
    write_json(args.out, configured_models(pd.read_parquet(args.panel), config))
    return 0


def cmd_model_spec(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.core.config import load_config
    from tiesmap.core.errors import InputError, Problem
    from tiesmap.models.configured import configured_model

    config = load_config(args.config)
    try:
        part = configured_model(pd.read_parquet(args.panel), config, args.spec)
    except KeyError as err:
        raise InputError(
            [Problem(args.config, None, "models.specs", args.spec, err.args[0])]
        ) from None
    # Rounded by the export policy: rounding again in the gather changes nothing.
    write_json(args.out, part)
    return 0


def cmd_models_gather(args: argparse.Namespace) -> int:
    from tiesmap.core.errors import InputError, Problem
    from tiesmap.models.configured import gather_models

    parts = [read_json(path) for path in args.specs]
    for path, part in zip(args.specs, parts, strict=True):
        if not isinstance(part, dict) or "name" not in part:
            message = "not the result of `tiesmap model-spec`: rerun the model's job"
            raise InputError([Problem(path, None, None, None, message)])
    write_json(args.out, gather_models(parts))
    return 0


def cmd_models_areas(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.core.config import load_config
    from tiesmap.models.models import area_models

    config = load_config(args.config)
    spec = config["models"]["areas"]
    result = area_models(
        pd.read_parquet(args.panel),
        spec["regressors"],
        kind=spec["kind"],
        outcome=spec["outcome"],
        inference=spec["inference"],
        seed=config["seed"],
    )
    write_json(args.out, result)
    return 0


def cmd_models_diagnostics(args: argparse.Namespace) -> int:
    import pandas as pd

    from tiesmap.core.config import load_config
    from tiesmap.models.configured import configured_diagnostics

    config = load_config(args.config)
    write_json(args.out, configured_diagnostics(pd.read_parquet(args.panel), config))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    verb = verbs(sub)
    verb(
        "covariates",
        cmd_covariates,
        "join third-party covariates to the panel",
        index="tie index",
        out="model panel",
        report="covariates JSON",
    ).add_argument("files", nargs="*", help="NAME=PATH of present covariate files")
    verb("models", cmd_models, "fit the configured models", panel="model panel", out="models JSON")
    p = verb(
        "model-spec",
        cmd_model_spec,
        "fit one configured model (one job of a split `models`)",
        panel="model panel",
        out="the model's JSON",
    )
    p.add_argument("--spec", required=True, help="the model's name in the config")
    verb(
        "models-gather", cmd_models_gather, "models.json from the per-model jobs", out="models JSON"
    ).add_argument("--specs", nargs="+", required=True, help="per-model JSON, in config order")
    verb("models-areas", cmd_models_areas, "one model per area", panel="model panel", out="JSON")
    verb(
        "models-diagnostics",
        cmd_models_diagnostics,
        "leave-one-dyad-out, split, missingness",
        panel="model panel",
        out="JSON",
    )
