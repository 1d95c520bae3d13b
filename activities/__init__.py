"""Every side effect of a request, grouped by area. Inputs and results are dataclasses of ids."""
