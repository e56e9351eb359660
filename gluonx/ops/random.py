"""Random sampling (MXNet-exact CPU streams for uniform and normal)."""
