"""Where tasks and the load balancer run: the ``Network`` component and its spec (a new VPC or the
default one). Importing this package loads no cloud SDK."""
