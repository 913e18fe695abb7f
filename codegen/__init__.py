"""codegen: YAML entity definitions in, reviewed database migrations out."""

__version__ = "0.1.0"
