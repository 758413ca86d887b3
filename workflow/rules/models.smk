# Models of tie variation.


rule model_twoway_fe:
    input:
        index="data/processed/tie_index.parquet",
        config=CONFIG_FILE,
        code=code("models"),
    output:
        "results/models/twoway_fe.json",
    log:
        "logs/model_twoway_fe.log",
    benchmark:
        "logs/benchmarks/model_twoway_fe.tsv"
    conda:
        ENV
    params:
        tiesmap=TIESMAP,
    shell:
        "{params.tiesmap} model --config {input.config} --index {input.index} --out {output} 2> {log}"
