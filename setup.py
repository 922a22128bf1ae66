# setuptools reads cffi_modules only from setup(); all metadata lives in pyproject.toml.
from setuptools import setup

setup(cffi_modules=["bindings/build_bench.py:ffibuilder"])
