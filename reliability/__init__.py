"""On-demand reliability runs (`make fuzz`, `make soak`); not part of `make test`."""
