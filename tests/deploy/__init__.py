"""Tests of the container image and the compose stack (Docker needed)."""
