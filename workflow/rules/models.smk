# Models of tie variation: the covariate panel, the configured models, one model
# per area, and the diagnostics a reviewer asks for. COVARIATE_FILES (the optional
# covariate files present) comes from common.smk.


rule model_panel:
    input:
        index=scoped("data/processed/tie_index.parquet"),
        files=list(COVARIATE_FILES.values()),
        code=code_for("covariates"),
    output:
        panel=scoped("data/processed/model_panel.parquet"),
        report=scoped("results/data/covariates.json"),
    log:
        scoped("logs/model_panel.log"),
    benchmark:
        scoped("logs/benchmarks/model_panel.tsv")
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
        files=" ".join(f"{k}={v}" for k, v in sorted(COVARIATE_FILES.items())),
    shell:
        "{params.tiesmap} covariates --index {input.index} --out {output.panel}"
        " --report {output.report} {params.files} 2> {log}"


# One job per configured model (specs, then external specs, in config order) and a
# gather that writes models.json exactly as one job fitting them all would.
MODEL_SPECS = [
    spec["name"]
    for spec in config["models"]["specs"] + config["models"]["external_specs"]
]


rule model_spec:
    input:
        panel=scoped("data/processed/model_panel.parquet"),
        config=CONFIG_FILE,
        code=code_for("model-spec"),
    output:
        temp(scoped("data/processed/models/{spec}.json")),
    log:
        scoped("logs/model_spec_{spec}.log"),
    benchmark:
        scoped("logs/benchmarks/model_spec_{spec}.tsv")
    wildcard_constraints:
        spec="|".join(MODEL_SPECS),
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} model-spec --config {input.config} --panel {input.panel}"
        " --spec {wildcards.spec} --out {output} 2> {log}"


rule models:
    input:
        specs=expand(scoped("data/processed/models/{spec}.json"), spec=MODEL_SPECS),
        config=CONFIG_FILE,
        code=code_for("models-gather"),
    output:
        scoped("results/models/models.json"),
    log:
        scoped("logs/models.log"),
    benchmark:
        scoped("logs/benchmarks/models.tsv")
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} models-gather --config {input.config} --specs {input.specs}"
        " --out {output} 2> {log}"


rule models_areas:
    input:
        panel=scoped("data/processed/model_panel.parquet"),
        config=CONFIG_FILE,
        code=code_for("models-areas"),
    output:
        scoped("results/models/areas.json"),
    log:
        scoped("logs/models_areas.log"),
    benchmark:
        scoped("logs/benchmarks/models_areas.tsv")
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} models-areas --config {input.config} --panel {input.panel}"
        " --out {output} 2> {log}"


rule models_diagnostics:
    input:
        panel=scoped("data/processed/model_panel.parquet"),
        config=CONFIG_FILE,
        code=code_for("models-diagnostics"),
    output:
        scoped("results/models/diagnostics.json"),
    log:
        scoped("logs/models_diagnostics.log"),
    benchmark:
        scoped("logs/benchmarks/models_diagnostics.tsv")
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} models-diagnostics --config {input.config} --panel {input.panel}"
        " --out {output} 2> {log}"


rule table_models:
    input:
        data=lambda wildcards: {
            "models": scoped("results/models/models.json"),
            "areas": scoped("results/models/areas.json"),
            "missingness": scoped("results/models/diagnostics.json"),
        }[wildcards.kind],
        code=code_for("table-models"),
    output:
        scoped("results/tables/{kind}.tex"),
    log:
        scoped("logs/table_models_{kind}.log"),
    benchmark:
        scoped("logs/benchmarks/table_models_{kind}.tsv")
    wildcard_constraints:
        kind="models|areas|missingness",
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} table-models --kind {wildcards.kind} --input {input.data}"
        " --out {output} 2> {log}"
