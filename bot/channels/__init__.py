"""Channel adapters: each translates between one platform and the core's events."""
