# Raw data: verify them against the manifest; check each coder's file, merge
# coders into one row per event; read third-party sources; link all records.


rule verify_raw:
    input:
        manifest=MANIFEST_FILE,
        files=PROVIDED_FILES,
        code=code_for("manifest"),
    output:
        scoped("data/processed/raw_verified.txt"),
    log:
        scoped("logs/verify_raw.log"),
    benchmark:
        scoped("logs/benchmarks/verify_raw.tsv")
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} manifest --manifest {input.manifest} --out {output} > {log} 2>&1"


rule validate_codings:
    input:
        verified=scoped("data/processed/raw_verified.txt"),
        files=CODER_FILES,
        records=CODING_RECORDS,
        config=CONFIG_FILE,
        codebook=config["codebook"],
        code=code_for("validate"),
    output:
        codings=scoped("data/processed/codings.parquet"),
        scope=scoped("data/processed/codings_scope.json"),
    log:
        scoped("logs/validate_codings.log"),
    benchmark:
        scoped("logs/benchmarks/validate_codings.tsv")
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} validate --config {input.config} --out {output.codings}"
        " --scope-report {output.scope} {input.files} 2> {log}"


rule merge_codings:
    input:
        codings=scoped("data/processed/codings.parquet"),
        adjudication=config["codings"]["adjudication"],
        config=CONFIG_FILE,
        code=code_for("merge"),
    output:
        events=scoped("data/processed/events.parquet"),
        disagreements=scoped("results/tables/disagreements.csv"),
    log:
        scoped("logs/merge_codings.log"),
    benchmark:
        scoped("logs/benchmarks/merge_codings.tsv")
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
        codings=scoped("data/processed/codings.parquet"),
        config=CONFIG_FILE,
        code=code_for("reliability"),
    output:
        table=scoped("results/tables/reliability.tex"),
        csv=scoped("results/data/reliability.csv"),
    log:
        scoped("logs/reliability.log"),
    benchmark:
        scoped("logs/benchmarks/reliability.tsv")
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
        verified=scoped("data/processed/raw_verified.txt"),
        config=CONFIG_FILE,
        code=code_for("ingest"),
    output:
        table=scoped("data/processed/sources/{source}.parquet"),
        report=scoped("results/data/sources/{source}.json"),
    log:
        scoped("logs/ingest_{source}.log"),
    benchmark:
        scoped("logs/benchmarks/ingest_{source}.tsv")
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} ingest {wildcards.source} {input.data} --config {input.config}"
        " --out {output.table} --report {output.report} > {log} 2>&1"


rule link_sources:
    input:
        events=scoped("data/processed/events.parquet"),
        sources=expand(
            scoped("data/processed/sources/{source}.parquet"), source=USED_SOURCES
        ),
        config=CONFIG_FILE,
        code=code_for("link"),
    output:
        events=scoped("data/processed/analysis_events.parquet"),
        review=scoped("results/tables/review_candidates.csv"),
        conflicts=scoped("results/tables/link_conflicts.csv"),
        report=scoped("results/data/linking.json"),
    log:
        scoped("logs/link_sources.log"),
    benchmark:
        scoped("logs/benchmarks/link_sources.tsv")
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
        "events": scoped("data/processed/sources/sipri.parquet"),
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
        scoped("results/data/sipri_crosscheck.json"),
    log:
        scoped("logs/sipri_crosscheck.log"),
    benchmark:
        scoped("logs/benchmarks/sipri_crosscheck.tsv")
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
    {
        "events": scoped("data/processed/sources/china_vitae.parquet"),
        "aiddata": AIDDATA_FILE,
    }
    if "china_vitae" in SOURCE_FILES and AIDDATA_FILE
    else {}
)


rule aiddata_crosscheck:
    input:
        **AIDDATA_INPUTS,
        code=code_for("aiddata-crosscheck"),
    output:
        scoped("results/data/aiddata_crosscheck.json"),
    log:
        scoped("logs/aiddata_crosscheck.log"),
    benchmark:
        scoped("logs/benchmarks/aiddata_crosscheck.tsv")
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
        files=" ".join(f"--{k} {v}" for k, v in AIDDATA_INPUTS.items()),
    shell:
        "{params.tiesmap} aiddata-crosscheck {params.files} --out {output} 2> {log}"
