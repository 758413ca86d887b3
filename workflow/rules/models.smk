# Models of tie variation: the covariate panel, the configured models, one model
# per area, and the diagnostics a reviewer asks for. COVARIATE_FILES (the optional
# covariate files present) comes from common.smk.


rule model_panel:
    input:
        index="data/processed/tie_index.parquet",
        files=list(COVARIATE_FILES.values()),
        code=code_for("covariates"),
    output:
        panel="data/processed/model_panel.parquet",
        report="results/data/covariates.json",
    log:
        "logs/model_panel.log",
    benchmark:
        "logs/benchmarks/model_panel.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
        files=" ".join(f"{k}={v}" for k, v in sorted(COVARIATE_FILES.items())),
    shell:
        "{params.tiesmap} covariates --index {input.index} --out {output.panel}"
        " --report {output.report} {params.files} 2> {log}"


rule models:
    input:
        panel="data/processed/model_panel.parquet",
        config=CONFIG_FILE,
        code=code_for("models"),
    output:
        "results/models/models.json",
    log:
        "logs/models.log",
    benchmark:
        "logs/benchmarks/models.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} models --config {input.config} --panel {input.panel}"
        " --out {output} 2> {log}"


rule models_areas:
    input:
        panel="data/processed/model_panel.parquet",
        config=CONFIG_FILE,
        code=code_for("models-areas"),
    output:
        "results/models/areas.json",
    log:
        "logs/models_areas.log",
    benchmark:
        "logs/benchmarks/models_areas.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} models-areas --config {input.config} --panel {input.panel}"
        " --out {output} 2> {log}"


rule models_diagnostics:
    input:
        panel="data/processed/model_panel.parquet",
        config=CONFIG_FILE,
        code=code_for("models-diagnostics"),
    output:
        "results/models/diagnostics.json",
    log:
        "logs/models_diagnostics.log",
    benchmark:
        "logs/benchmarks/models_diagnostics.tsv"
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
            "models": "results/models/models.json",
            "areas": "results/models/areas.json",
            "missingness": "results/models/diagnostics.json",
        }[wildcards.kind],
        code=code_for("table-models"),
    output:
        "results/tables/{kind}.tex",
    log:
        "logs/table_models_{kind}.log",
    benchmark:
        "logs/benchmarks/table_models_{kind}.tsv"
    wildcard_constraints:
        kind="models|areas|missingness",
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} table-models --kind {wildcards.kind} --input {input.data}"
        " --out {output} 2> {log}"
