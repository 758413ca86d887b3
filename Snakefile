# tiesmap: coded events -> security-ties index -> models -> paper.
# Read this file as the table of contents; each stage lives in workflow/rules/.
from snakemake.utils import min_version

min_version("9.0")

# Snakemake's `configfile:` loader keeps the last of duplicate keys silently and
# stops with stack frames on an impossible date or bytes that are not UTF-8: read the
# config files with tiesmap's strict loader first (workflow/rules/common.smk then
# checks the content).
import sys

from tiesmap.core.errors import InputError
from tiesmap.core.yamlio import check_yaml_file

try:
    for _path in ["config/config.yaml", *workflow.overwrite_configfiles]:
        check_yaml_file(_path)
except InputError as err:
    sys.stderr.write(f"tiesmap: the configuration is not valid.\n{err}\n")
    sys.exit(2)


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
        "results/data/sipri_crosscheck.json",
        "results/data/aiddata_crosscheck.json",
        # The pilot's models are built but stay out of its paper (six dyads, four
        # states: nothing is identified); they return with the global panel.
        "results/tables/models.tex",
        "results/tables/areas.tex",
        "results/tables/missingness.tex",
        "results/models/diagnostics.json",
        expand("results/figures/{name}.pdf", name=MODEL_FIGURES),
