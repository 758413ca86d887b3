# Raw data: verify them against the manifest; check each coder's file, merge
# coders into one row per event; read third-party sources; link all records.


rule verify_raw:
    input:
        manifest=MANIFEST_FILE,
        files=PROVIDED_FILES,
        code=code_for("manifest"),
    output:
        "data/processed/raw_verified.txt",
    log:
        "logs/verify_raw.log",
    benchmark:
        "logs/benchmarks/verify_raw.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} manifest --manifest {input.manifest} --out {output} > {log} 2>&1"


rule validate_codings:
    input:
        verified="data/processed/raw_verified.txt",
        files=CODER_FILES,
        records=CODING_RECORDS,
        config=CONFIG_FILE,
        codebook=config["codebook"],
        code=code_for("validate"),
    output:
        "data/processed/codings.parquet",
    log:
        "logs/validate_codings.log",
    benchmark:
        "logs/benchmarks/validate_codings.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} validate --config {input.config} --out {output} {input.files} 2> {log}"


rule merge_codings:
    input:
        codings="data/processed/codings.parquet",
        adjudication=config["codings"]["adjudication"],
        config=CONFIG_FILE,
        code=code_for("merge"),
    output:
        events="data/processed/events.parquet",
        disagreements="results/tables/disagreements.csv",
    log:
        "logs/merge_codings.log",
    benchmark:
        "logs/benchmarks/merge_codings.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} merge --config {input.config} --codings {input.codings}"
        " --adjudication {input.adjudication} --out {output.events}"
        " --disagreements {output.disagreements} 2> {log}"


rule reliability:
    input:
        codings="data/processed/codings.parquet",
        config=CONFIG_FILE,
        code=code_for("reliability"),
    output:
        table="results/tables/reliability.tex",
        csv="results/data/reliability.csv",
    log:
        "logs/reliability.log",
    benchmark:
        "logs/benchmarks/reliability.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} reliability --config {input.config} --codings {input.codings}"
        " --out {output.table} --csv {output.csv} 2> {log}"


rule ingest_source:
    input:
        data=lambda wildcards: SOURCE_FILES[wildcards.source],
        verified="data/processed/raw_verified.txt",
        config=CONFIG_FILE,
        code=code_for("ingest"),
    output:
        table="data/processed/sources/{source}.parquet",
        report="results/data/sources/{source}.json",
    log:
        "logs/ingest_{source}.log",
    benchmark:
        "logs/benchmarks/ingest_{source}.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} ingest {wildcards.source} {input.data} --config {input.config}"
        " --out {output.table} --report {output.report} > {log} 2>&1"


rule link_sources:
    input:
        events="data/processed/events.parquet",
        sources=expand("data/processed/sources/{source}.parquet", source=USED_SOURCES),
        config=CONFIG_FILE,
        code=code_for("link"),
    output:
        events="data/processed/analysis_events.parquet",
        review="results/tables/review_candidates.csv",
        conflicts="results/tables/link_conflicts.csv",
        report="results/data/linking.json",
    log:
        "logs/link_sources.log",
    benchmark:
        "logs/benchmarks/link_sources.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} link --config {input.config} --events {input.events}"
        " --out {output.events} --review {output.review} --conflicts {output.conflicts}"
        " --report {output.report} {input.sources} 2> {log}"


# SIPRI's register summed per state and year against SIPRI's own TIV tables; with
# the register or a table absent the JSON records which (the README's figures).
SIPRI_TIV = {
    e.name: e.path
    for e in MANIFEST
    if e.name in ("sipri_tiv_exports", "sipri_tiv_imports") and Path(e.path).exists()
}
SIPRI_INPUTS = (
    {
        "events": "data/processed/sources/sipri.parquet",
        "exports": SIPRI_TIV["sipri_tiv_exports"],
        "imports": SIPRI_TIV["sipri_tiv_imports"],
    }
    if "sipri" in SOURCE_FILES and len(SIPRI_TIV) == 2
    else {}
)


rule sipri_crosscheck:
    input:
        **SIPRI_INPUTS,
        code=code_for("sipri-crosscheck"),
    output:
        "results/data/sipri_crosscheck.json",
    log:
        "logs/sipri_crosscheck.log",
    benchmark:
        "logs/benchmarks/sipri_crosscheck.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
        files=" ".join(f"--{k} {v}" for k, v in SIPRI_INPUTS.items()),
    shell:
        "{params.tiesmap} sipri-crosscheck {params.files} --out {output} 2> {log}"


# AidData's China public-diplomacy visits against the China Vitae meetings (the
# README's figures); with either file absent the JSON records which.
AIDDATA_FILE = next(
    (e.path for e in MANIFEST if e.adapter == "aiddata" and Path(e.path).exists()), None
)
AIDDATA_INPUTS = (
    {"events": "data/processed/sources/china_vitae.parquet", "aiddata": AIDDATA_FILE}
    if "china_vitae" in SOURCE_FILES and AIDDATA_FILE
    else {}
)


rule aiddata_crosscheck:
    input:
        **AIDDATA_INPUTS,
        code=code_for("aiddata-crosscheck"),
    output:
        "results/data/aiddata_crosscheck.json",
    log:
        "logs/aiddata_crosscheck.log",
    benchmark:
        "logs/benchmarks/aiddata_crosscheck.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
        files=" ".join(f"--{k} {v}" for k, v in AIDDATA_INPUTS.items()),
    shell:
        "{params.tiesmap} aiddata-crosscheck {params.files} --out {output} 2> {log}"
