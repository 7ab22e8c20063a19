"""otbot: a career-guidance assistant for occupational therapists, grounded in articles.

The package: `settings`, `models` and `prompts` at the top with `service` (the composition root);
the pipeline's stages in `ingest/`, `answer/`, `quality/` and `app/`.

Importing it keeps every run offline: the switches below are set before sentence-transformers,
chromadb or gradio are imported. Without them, huggingface_hub, gradio and chromadb try outside
hosts and wait on time-outs on a machine that has no internet.
"""


import os

OFFLINE_ENVIRONMENT = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "HF_HUB_DISABLE_TELEMETRY": "1",
    "HF_HUB_DISABLE_PROGRESS_BARS": "1",
    "TRANSFORMERS_VERBOSITY": "error",
    "GRADIO_ANALYTICS_ENABLED": "False",
    "ORT_DISABLE_TELEMETRY": "1",
    "ANONYMIZED_TELEMETRY": "False",
    "TOKENIZERS_PARALLELISM": "false",
    # numpy's BLAS on one thread: a question's small matrix products lose more to thread hand-off
    # than they gain, and the server answers several visitors at once (BENCHMARKS.md). torch,
    # which batches ingest, keeps its own threads.
    "OPENBLAS_NUM_THREADS": "1",
}


def configure_offline() -> None:
    """Set the offline switches unless the caller already chose a value."""
    for name, value in OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(name, value)


configure_offline()

__version__ = "0.1.0"
