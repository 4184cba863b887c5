"""plangen: a bureau's annual work plan (工作要点) as YAML → GB/T 9704 documents and task sheets."""

__version__ = "0.1.0"
