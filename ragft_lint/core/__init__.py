"""Read and judge one manifest: positions, schema, policies, waivers. Imports no other layer."""
