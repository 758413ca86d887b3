# tiesmap: coded events -> security-ties index -> models -> paper.
# Read this file as the table of contents; each stage lives in workflow/rules/.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config/config.yaml"


report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/codings.smk"
include: "workflow/rules/index.smk"
include: "workflow/rules/models.smk"
include: "workflow/rules/exhibits.smk"
include: "workflow/rules/notebooks.smk"
include: "workflow/rules/paper.smk"
include: "workflow/rules/package.smk"


rule all:
    default_target: True
    input:
        "results/paper.pdf",
        "results/codebook.md",
        "results/notebooks/data_audit.ipynb",
        expand(
            "results/notebooks/dyad_profile_{dyad}.ipynb",
            dyad=config["notebooks"]["dyad_profiles"],
        ),
        "results/data/datapackage.json",
        "results/data/network.csv",
