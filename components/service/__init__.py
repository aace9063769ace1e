"""The running service: the ``Cluster`` and ``FargateService`` components (with ``ServiceAutoscaling``)
and their rules (the spec, Fargate sizes, capacity strategy, container definition, Node/glibc tuning,
app contract, secrets, scaling). Importing this package loads no cloud SDK."""
